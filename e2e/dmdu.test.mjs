// Browser tests of decision-making under deep uncertainty in the web UI (issue 15): the
// Discover tab (PRIM trajectory and box plots, the box table, CART's boxes) and robustness
// in Compare, at 1400 px and at phone width. Run by e2e/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, openPage, apiJson, shots } from './harness.mjs';

let env;

before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

// Fill the Discover tab and press Discover; the result box once drawn.
async function discover(page, { when = 'p_war > 0.2', n = '60', threshold = '0.8' } = {}) {
  await page.click('.tab[data-tab="discover"]');
  await page.fill('#disc-when', when);
  await page.fill('#disc-n', n);
  await page.fill('#disc-threshold', threshold);
  await page.evaluate(() => { document.querySelector('#disc-result').innerHTML = ''; });
  await page.click('#disc-btn');
  await page.waitForSelector('#disc-result h2, #disc-result .error, .opt-err', { timeout: 120000 });
}

test('Discover tab: trajectory and box plots, the box kept and CART boxes, as the API gives them', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  await discover(page, { n: '60', threshold: '0.6' });
  // The page shows what the analysis library found for the same request.
  const api = await apiJson(page, 'POST', '/discover', { architecture: 'baseline', when: 'p_war > 0.2', n: 60, threshold: 0.6 });
  assert.equal(api.status, 200, JSON.stringify(api.data));
  const d = api.data;
  assert.ok(d.trajectory.length >= 2, 'PRIM peeled at least once');
  const summary = await page.textContent('#disc-summary');
  assert.match(summary, new RegExp(`Cases of interest: ${d.cases_of_interest} of 60 `));
  // both figures, exportable
  for (const id of ['discover-trajectory', 'discover-limits']) {
    assert.ok(await page.isVisible(`svg.chart#${id}`), `${id} drawn`);
    assert.ok(await page.isVisible(`button.svg-export[data-chart="${id}"]`), `${id} has Download SVG`);
  }
  // one marker per trajectory box on the trajectory plot
  const markers = await page.$$eval('#discover-trajectory circle', (cs) => cs.length);
  assert.ok(markers >= d.trajectory.length, `${markers} markers for ${d.trajectory.length} boxes`);
  // the box kept, input by input
  assert.ok(d.chosen, 'a box reaches density 0.6');
  const rows = await page.$$eval('#disc-box tr', (trs) => trs.slice(1).map((tr) => tr.cells[0].textContent));
  assert.deepEqual(rows, Object.keys(d.chosen.restricted));
  const head = await page.textContent('#disc-result h3');
  assert.ok(head.includes(`coverage ${d.chosen.coverage.toFixed(3)}, density ${d.chosen.density.toFixed(3)}`), head);
  // CART's boxes of interest
  const leaves = await page.$$eval('#disc-cart tr', (trs) => trs.length - 1).catch(() => 0);
  assert.equal(leaves, d.cart.leaves_of_interest);
  // the whole trajectory, box by box
  assert.equal(await page.$$eval('#disc-trajectory tr', (trs) => trs.length - 1), d.trajectory.length);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.external, []);
  await page.screenshot({ path: join(shots, 'discover-1400.png'), fullPage: true });
  await page.close();
});

test('Discover: a bad condition or setting is shown at its field; the server bounds the samples', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  await discover(page, { when: 'p_wat > 0.2' });
  assert.match(await page.textContent('#disc-when-err'), /`p_wat` is not an outcome/);
  await discover(page, { threshold: '1.5' });
  assert.match(await page.textContent('#disc-threshold-err'), /threshold 1.5: allowed/);
  await discover(page, { n: '100000' });
  assert.match(await page.textContent('#disc-n-err'), /at most 4000/);
  await discover(page, { when: 'regret > 0' });
  assert.match(await page.textContent('#disc-against-err'), /regret needs `against`/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Compare: robustness table and chart of the ticked architectures', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  await page.click('.tab[data-tab="compare"]');
  const ticked = await page.$$eval('#compare-choices input:checked', (is) => is.map((i) => i.value));
  assert.equal(ticked.length, 2);
  await page.fill('#robust-n', '20');
  await page.click('#robust-btn');
  await page.waitForSelector('#robust-table', { timeout: 120000 });
  const api = await apiJson(page, 'POST', '/robust', { architectures: ticked, n: 20 });
  assert.equal(api.status, 200, JSON.stringify(api.data));
  const cells = await page.$$eval('#robust-table tr', (trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(cells.map((c) => c[0]), ticked);
  api.data.architectures.forEach((a, i) => {
    assert.equal(cells[i][1], (100 * a.mean_p_war).toFixed(2) + ' %');
    assert.equal(cells[i][4], (100 * a.max_regret).toFixed(2) + ' pp');
    assert.equal(cells[i][6], (100 * a.share_meeting_target).toFixed(1) + ' %');
  });
  assert.ok(await page.isVisible('svg.chart#robust-chart'));
  assert.ok(await page.isVisible('button.svg-export[data-chart="robust-chart"]'));
  // one architecture is not a robustness study
  await page.uncheck(`#compare-choices input[value="${ticked[1]}"]`);
  await page.click('#robust-btn');
  assert.match(await page.textContent('#robust-status'), /at least two/);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(shots, 'robust-1400.png'), fullPage: true });
  await page.close();
});

test('Discover at phone width: no sideways scroll, every tab in view, figures readable', async () => {
  const page = await openPage(env.browser, env.base, { width: 390, height: 844 });
  for (const t of await page.$$('.tab')) {
    const b = await t.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `tab ${await t.textContent()} at ${b.x}–${b.x + b.width} px`);
  }
  await discover(page, { n: '40', threshold: '0.6' });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `page scrolls sideways by ${over} px`);
  for (const id of ['discover-trajectory', 'discover-limits']) {
    // drawn at least at 80 % of its size (11 px text stays at 9 px or more); its figure scrolls
    const [w, vb, fig] = await page.$eval('#' + id, (s) => [s.getBoundingClientRect().width, s.viewBox.baseVal.width,
      s.closest('figure').getBoundingClientRect().right]);
    assert.ok(w / vb >= 0.8, `${id} drawn at ${(w / vb).toFixed(2)} of its size`);
    assert.ok(fig <= 390, `${id}'s figure ends at ${fig} px`);
  }
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(shots, 'discover-390.png'), fullPage: true });
  await page.close();
});

test('Edit & run: sweep a lever, p(war) and cost with parameter-uncertainty bands', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  const levers = await page.$$eval('#sweep-path option', (os) => os.map((o) => o.value));
  assert.ok(levers.includes('mechanisms.hotline.strength'), levers.join(', '));
  await page.selectOption('#sweep-path', 'mechanisms.hotline.strength');
  // the range offered is the schema's
  assert.equal(await page.inputValue('#sweep-from'), '0');
  assert.equal(await page.inputValue('#sweep-to'), '1');
  await page.fill('#sweep-points', '5');
  await page.fill('#sweep-draws', '6');
  await page.click('#sweep-btn');
  await page.waitForSelector('#sweep-table', { state: 'attached', timeout: 120000 });
  const api = await apiJson(page, 'POST', '/sweep', { architecture: 'baseline', set: ['mechanisms.hotline.strength=0:1:5'], uncertainty: 6 });
  assert.equal(api.status, 200, JSON.stringify(api.data));
  const cells = await page.$$eval('#sweep-table tr', (trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(cells.length, 5);
  api.data.points.forEach((p, i) => {
    assert.equal(cells[i][1], (100 * p.p_war).toFixed(2) + ' %');
    assert.equal(cells[i][2], `[${(100 * p.p_war_band[0]).toFixed(2)} %, ${(100 * p.p_war_band[1]).toFixed(2)} %]`);
  });
  for (const id of ['sweep-p-war', 'sweep-cost']) {
    assert.ok(await page.isVisible(`svg.chart#${id}`), `${id} drawn`);
    // a band (a filled polygon) around the line
    assert.ok(await page.$(`#${id} polygon, #${id} path[fill-opacity]`), `${id} has a band`);
  }
  // a bad range is named at the input
  await page.fill('#sweep-points', '1');
  await page.click('#sweep-btn');
  assert.match(await page.textContent('#sweep-points-err'), /at least 2/);
  await page.fill('#sweep-points', '3');
  await page.fill('#sweep-draws', '5000');
  await page.click('#sweep-btn');
  await page.waitForSelector('#sweep-draws-err');
  assert.match(await page.textContent('#sweep-draws-err'), /at most 4000/);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(shots, 'sweep-1400.png'), fullPage: true });
  await page.close();
});

// Sum of the draws counted by a histogram's bars (each bar's tooltip ends with its count).
const histogramTotal = (page, id) => page.$$eval(`#${id} rect title`, (ts) => ts.reduce((n, t) => n + Number(t.textContent.split(': ').pop()), 0));

test('parameter uncertainty: survival fan and histogram of p(war) across draws, in the page and the report', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  const run = async (unc) => {
    await page.uncheck('#run-mc');
    if (unc) await page.check('#uncertainty'); else await page.uncheck('#uncertainty');
    await page.fill('#runs', '10000');
    if (unc) await page.fill('#runs-per-draw', '250');
    await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; });
    await page.click('#run-btn');
    await page.waitForSelector('#survival-chart polyline', { timeout: 120000 });
  };
  await run(false);
  assert.equal(await page.$('#survival-fan'), null, 'no fan without parameter uncertainty');
  await run(true);
  // 10,000 runs at 250 per draw: 40 draws, each evaluated exactly
  assert.ok(await page.isVisible('svg.chart#survival-fan'));
  assert.ok(await page.isVisible('svg.chart#p-war-histogram'));
  assert.equal(await histogramTotal(page, 'p-war-histogram'), 40);
  assert.ok(await page.$('#survival-fan polygon'), 'the fan has bands');
  assert.ok(await page.isVisible('button.svg-export[data-chart="survival-fan"]'));
  // the run's stored summary has the draws' p(war), and the figure counts them
  const id = Number((await page.getAttribute('#run-link', 'href')).split('/').pop());
  const stored = await apiJson(page, 'GET', `/runs/${id}`);
  const a = stored.data.summary.parameter_uncertainty.across_draws;
  assert.equal(a.draws, 40);
  assert.equal(a.p_war.length, 40);
  // median of the draws' p(war) is the fan's median at the horizon
  const sorted = [...a.p_war].sort((x, y) => x - y);
  const med = (sorted[19] + sorted[20]) / 2;
  assert.ok(Math.abs(1 - a.survival[2][a.survival[2].length - 1] - med) < 1e-9);
  await page.screenshot({ path: join(shots, 'fan-1400.png'), fullPage: true });
  // the report of a comparison with parameter uncertainty shows the same figures
  const html = await page.evaluate(async () => (await fetch('/api/report?arch=baseline&arch=combined&runs=4000&seed=1&uncertainty=true&runs_per_draw=200')).text());
  assert.match(html, /<h2>Across parameter draws<\/h2>/);
  assert.equal((html.match(/P\(no war yet\) across 20 parameter draws/g) || []).length, 2);
  assert.equal((html.match(/p\(war\) across 20 parameter draws/g) || []).length, 2);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('studies are kept: listed in Runs, reopened from the list and by link', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  await discover(page, { n: '30', threshold: '0.6' });
  const summary = await page.textContent('#disc-summary');
  const link = await page.evaluate(() => location.hash);
  assert.match(link, /^#result\/\d+$/);
  await page.click('.tab[data-tab="compare"]');
  await page.fill('#compare-runs', '2000');
  await page.click('#compare-btn');
  await page.waitForSelector('#compare-table', { timeout: 60000 });
  const compared = await page.$$eval('#compare-table td', (tds) => tds.map((t) => t.textContent));
  // both in the list, newest first
  await page.click('.tab[data-tab="history"]');
  await page.waitForSelector('#results-table');
  const kinds = await page.$$eval('#results-table tr', (trs) => trs.slice(1).map((tr) => tr.cells[1].textContent));
  assert.deepEqual(kinds.slice(0, 2), ['comparison', 'discovery']);
  // reopened from the list: the comparison as it was
  await page.evaluate(() => { document.querySelector('#compare-result').innerHTML = ''; });
  await page.click('#results-table tr:nth-child(2) button:text("Open")');
  await page.waitForSelector('#compare-table');
  assert.deepEqual(await page.$$eval('#compare-table td', (tds) => tds.map((t) => t.textContent)), compared);
  // reopened by link in a fresh page: the discovery as it was
  const other = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  await other.evaluate((h) => { location.hash = h; }, link);
  await other.waitForSelector('#disc-summary', { timeout: 20000 });
  assert.equal(await other.textContent('#disc-summary'), summary);
  assert.ok(await other.isVisible('#tab-discover'));
  assert.ok(await other.isVisible('svg.chart#discover-trajectory'));
  // deleted from the list (after a confirmation), gone for good
  await page.click('.tab[data-tab="history"]');
  await page.waitForSelector('#results-table');
  const n = await page.$$eval('#results-table tr', (trs) => trs.length);
  await page.click('#results-table tr:nth-child(2) button:text("Delete")');
  await page.waitForFunction((k) => document.querySelectorAll('#results-table tr').length === k - 1, n);
  assert.match(page.dialogs[page.dialogs.length - 1], /Delete the saved comparison/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors, []);
  await other.close();
  await page.close();
});

test('a comparison shows its progress and can be cancelled', async () => {
  const page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
  await page.click('.tab[data-tab="compare"]');
  await page.check('#compare-mc');
  await page.fill('#compare-runs', '500000');
  await page.click('#compare-btn');
  // runs done so far, of each architecture
  await page.waitForFunction(() => /^[1-9][\d,]* \/ 500,000 runs each$/.test(document.querySelector('#compare-text').textContent), null, { timeout: 60000 });
  assert.ok(!(await page.isDisabled('#compare-cancel')));
  await page.click('#compare-cancel');
  await page.waitForSelector('#compare-result p.muted', { timeout: 60000 });
  assert.equal(await page.textContent('#compare-result p.muted'), 'Comparison cancelled.');
  assert.match(page.dialogs[page.dialogs.length - 1], /Cancel the comparison/);
  assert.ok(await page.isDisabled('#compare-cancel'));
  assert.ok(!(await page.isDisabled('#compare-btn')));
  // a cancelled comparison is not kept
  const kept = await apiJson(page, 'GET', '/results');
  assert.ok(!kept.data.results.some((r) => r.kind === 'compare' && r.title.includes('monte_carlo')), JSON.stringify(kept.data));
  // and the next one runs to the end
  await page.fill('#compare-runs', '2000');
  await page.click('#compare-btn');
  await page.waitForSelector('#compare-table', { timeout: 60000 });
  assert.match(await page.textContent('#compare-text'), /^done in \d+ ms$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
