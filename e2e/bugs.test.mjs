// Browser tests of the web UI's bugs of issue 15, each as a user meets it, and of the
// layout at phone width, tabs, links and chart export. Run by e2e/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, openPage, apiJson, shots } from './harness.mjs';

let env, page;

before(async () => {
  env = await start();
  page = await openPage(env.browser, env.base);
});

after(async () => { if (env) await env.stop(); });

const toml = () => page.inputValue('#toml');
// Wait until the page has asked its nth question (a confirm), at most 10 s.
const asked = async (n) => {
  for (let i = 0; i < 200 && page.dialogs.length < n; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(page.dialogs.length >= n, `only ${page.dialogs.length} questions asked: ${page.dialogs.join(' | ')}`);
  return page.dialogs[n - 1];
};
const open = async (name) => {
  // Cleared first, so that the wait below sees this opening's text (any unsaved-edits question is accepted).
  page.answer = true;
  await page.evaluate(() => { document.querySelector('#toml').value = ''; });
  await page.selectOption('#arch-select', name);
  await page.waitForFunction((n) => document.querySelector('#toml').value.includes(`name = "${n}"`), name);
  await page.waitForSelector('#diagnostics .ok');
};
// The Runs tab with its list as loaded now (not the one drawn on an earlier visit).
const runsTab = async (p = page) => {
  await p.evaluate(() => { document.querySelector('#runs-list').innerHTML = ''; });
  await p.click('.tab[data-tab="history"]');
  await p.waitForSelector('#runs-list table');
};
const runExact = async () => {
  await page.uncheck('#run-mc');
  await page.uncheck('#uncertainty');
  await page.fill('#runs', '10000');
  await page.fill('#seed', '1');
  await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; }); // wait for this run's chart
  await page.click('#run-btn');
  await page.waitForSelector('#survival-chart polyline', { timeout: 20000 });
};

test('bug 1: a whole-number field corrected after an error is written as an integer', async () => {
  const f = '[data-path="horizon_years"]';
  await page.fill(f, '12.5');
  await page.press(f, 'Tab');
  await page.waitForSelector('[data-field="horizon_years"].invalid .err', { timeout: 5000 });
  assert.match(await page.textContent('[data-field="horizon_years"] .err'), /integer/);
  await page.fill(f, '10');
  await page.press(f, 'Tab');
  await page.waitForFunction(() => /^horizon_years = 10\s*$/m.test(document.querySelector('#toml').value), null, { timeout: 5000 });
  await page.waitForSelector('#diagnostics .ok', { timeout: 5000 });
  assert.equal(await page.$('[data-field="horizon_years"].invalid'), null, 'the error is gone');
  assert.doesNotMatch(await toml(), /horizon_years = 10\.0/);
  await page.screenshot({ path: join(shots, '20-integer-corrected.png') });
  // An edit left by clicking Run at once is applied before the run.
  await page.fill(f, '11');
  await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; });
  await page.uncheck('#run-mc');
  await page.click('#run-btn');
  await page.waitForSelector('#result h2', { timeout: 20000 });
  assert.match(await page.textContent('#result h2'), /, 11 years/);
  page.answer = true;
  await open('baseline');
});

test('bug 2: bad runs or seed are named at their field, and an API error never breaks the page', async () => {
  const before = await page.innerHTML('#result');
  for (const [sel, value, re] of [['#seed', '-1', /Seed: at least 0/], ['#runs', '-5', /Runs: at least 1/], ['#runs', '1000.5', /Runs: 1000.5 is not a whole number/]]) {
    await page.fill('#runs', '10000');
    await page.fill('#seed', '1');
    await page.fill(sel, value);
    await page.click('#run-btn');
    const err = `${sel}-err`;
    await page.waitForSelector(err, { timeout: 3000 });
    assert.match(await page.textContent(err), re);
    assert.equal(await page.getAttribute(sel, 'aria-invalid'), 'true');
    assert.ok(await page.isEnabled('#run-btn'), 'Run stays usable');
    assert.equal(await page.innerHTML('#result'), before, 'nothing was run');
  }
  await page.screenshot({ path: join(shots, '21-option-error.png') });
  // Corrected, the message goes and the run goes through.
  await page.fill('#runs', '10000');
  await page.fill('#seed', '1');
  await runExact();
  assert.equal(await page.$('#runs-err'), null);
  assert.equal(await page.$('#seed-err'), null);
  // The API's errors have one shape: an error naming a field is shown at that field ...
  await page.route('**/api/runs', (r) => r.fulfill({ status: 422, contentType: 'application/json',
    body: JSON.stringify({ ok: false, error: 'seed: invalid value: integer `-1`, expected a whole number, 0 or more', field: 'seed', diagnostics: [] }) }));
  await page.click('#run-btn');
  await page.waitForSelector('#seed-err');
  assert.match(await page.textContent('#seed-err'), /^seed: invalid value/);
  // ... and an error without diagnostics (the shape that used to throw) is shown in the result.
  await page.unroute('**/api/runs');
  await page.route('**/api/runs', (r) => r.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: 'refused' }) }));
  await page.click('#run-btn');
  await page.waitForSelector('#result .error');
  assert.equal(await page.textContent('#result .error'), 'refused');
  await page.unroute('**/api/runs');
  // The server itself names the field.
  const r = await apiJson(page, 'POST', '/runs', { architecture: 'baseline', runs: -5 });
  assert.equal(r.status, 422);
  assert.equal(r.data.field, 'runs');
  assert.deepEqual(r.data.diagnostics, []);
  assert.deepEqual(page.errors, [], 'no script error');
  await page.fill('#seed', '1');
  await page.fill('#runs', '10000');
});

test('bug 3: a saved or planned architecture is called by its own name', async () => {
  await open('baseline');
  await page.fill('[data-path="mechanisms.hotline.strength"]', '0.8');
  await page.dispatchEvent('[data-path="mechanisms.hotline.strength"]', 'change');
  await page.waitForFunction(() => document.querySelector('#toml').value.includes('strength = 0.8'));
  await page.fill('#save-name', 'baseline-dialogue');
  await page.click('#save-btn');
  await page.waitForSelector('#diagnostics .ok:has-text("saved as baseline-dialogue")');
  assert.match(await toml(), /^name = "baseline-dialogue"/m);
  assert.equal(await page.inputValue('[data-path="name"]'), 'baseline-dialogue');
  // Compared with the built-in it came from: two names, one difference row.
  await page.click('.tab[data-tab="compare"]');
  await page.uncheck('#compare-mc');
  for (const i of await page.$$('#compare-choices input')) await i.uncheck();
  await page.check('#compare-choices input[value="baseline"]');
  await page.check('#compare-choices input[value="baseline-dialogue"]');
  await page.click('#compare-btn');
  await page.waitForSelector('#diff-chart rect', { timeout: 20000 });
  const names = await page.$$eval('#compare-table tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(names, ['baseline', 'baseline-dialogue']);
  const diffRow = await page.$eval('#diff-chart text[text-anchor="end"] title', (t) => t.textContent);
  assert.equal(diffRow, 'baseline-dialogue − baseline');
  // The report's command reproduces it: the saved one as a file whose text the report carries.
  const html = await page.evaluate(async () => (await fetch('/api/report?arch=baseline&arch=baseline-dialogue&runs=500')).text());
  assert.match(html, /detente report baseline baseline-dialogue\.toml --runs 500/);
  assert.match(html, /name = &quot;baseline-dialogue&quot;/);
  // Plan applied: the editor holds baseline-planned, and its run is listed so.
  await page.click('.tab[data-tab="run"]');
  await open('baseline');
  await page.click('.tab[data-tab="plan"]');
  await page.click('#plan-btn');
  await page.waitForSelector('#plan-chart rect', { timeout: 10000 });
  const planPx = await page.$eval('#plan-chart', (s) => { const r = s.getBoundingClientRect(), vb = s.viewBox.baseVal; return 12 * Math.min(r.width / vb.width, r.height / vb.height); });
  assert.ok(planPx >= 9.5, `plan chart text at ${planPx.toFixed(1)} px`);
  await page.click('#plan-apply');
  await page.waitForSelector('#diagnostics .ok:has-text("plan applied")');
  assert.match(await toml(), /^name = "baseline-planned"/m);
  assert.equal(await page.inputValue('#save-name'), 'baseline-planned');
  assert.equal(await page.textContent('#tab-plan .cur-arch'), 'baseline-planned');
  await runExact();
  assert.match(await page.textContent('#result h2'), /^baseline-planned:/);
  await runsTab();
  assert.equal(await page.textContent('#runs-list tr:nth-child(2) td:nth-child(2)'), 'baseline-planned');
  await page.click('.tab[data-tab="run"]');
  await open('baseline');
});

test('bug 4: opening a run puts its architecture everywhere it is named', async () => {
  await runExact(); // a baseline run
  const id = (await page.textContent('#timing')).match(/run (\d+)/)[1];
  await open('two-pronged');
  await runsTab();
  await page.click(`#runs-list tr:has(td:first-child:text-is("${id}")) button:has-text("Open")`);
  await page.waitForFunction(() => document.querySelector('#arch-select').value === 'baseline');
  assert.match(await toml(), /^name = "baseline"/m);
  assert.match(await page.textContent('#arch-summary'), new RegExp(`opened from run ${id}`));
  assert.match(await page.textContent('#arch-summary'), /Post-war Europe/, 'the baseline\'s description');
  assert.equal(await page.inputValue('#save-name'), 'baseline-edited');
  for (const t of await page.$$eval('.cur-arch', (bs) => bs.map((b) => b.textContent))) assert.equal(t, 'baseline');
  // A run of a saved architecture: dropdown and save name are the saved one's.
  await open('baseline-dialogue');
  await runExact();
  const id2 = (await page.textContent('#timing')).match(/run (\d+)/)[1];
  await open('baseline');
  await runsTab();
  await page.click(`#runs-list tr:has(td:first-child:text-is("${id2}")) button:has-text("Open")`);
  await page.waitForFunction(() => document.querySelector('#arch-select').value === 'baseline-dialogue');
  assert.equal(await page.inputValue('#save-name'), 'baseline-dialogue');
  assert.equal(await page.isEnabled('#delete-arch-btn'), true);
  await page.screenshot({ path: join(shots, '22-reopened-run.png') });
  await open('baseline');
});

test('bug 5: the compare pathway chart of four architectures keeps readable text', async () => {
  await page.click('.tab[data-tab="compare"]');
  for (const i of await page.$$('#compare-choices input')) await i.uncheck();
  for (const n of ['baseline', 'two-pronged', 'break-the-ice', 'combined']) await page.check(`#compare-choices input[value="${n}"]`);
  await page.uncheck('#compare-mc');
  await page.click('#compare-btn');
  await page.waitForSelector('#compare-pathways rect', { timeout: 30000 });
  // The drawing is scaled to fit its box both ways (preserveAspectRatio): the smaller scale counts.
  const sizes = await page.$$eval('#compare-result svg.chart', (svgs) => svgs.map((s) => {
    const r = s.getBoundingClientRect(), vb = s.viewBox.baseVal;
    return [s.id, 12 * Math.min(r.width / vb.width, r.height / vb.height)];
  }));
  for (const [id, px] of sizes) assert.ok(px >= 10, `${id}: text drawn at ${px.toFixed(1)} px`);
  await page.screenshot({ path: join(shots, '23-compare-four.png'), fullPage: true });
});

test('bug 6: usable at phone width (390 px), the report too', async () => {
  const phone = await openPage(env.browser, env.base, { width: 390, height: 844 });
  const noSideways = async (what) => {
    const w = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `${what}: the page is ${w} px wide`);
  };
  // Charts are drawn for the phone: readable text, whole within the screen.
  const readableCharts = async (box) => {
    const charts = await phone.$$eval(`${box} svg.chart`, (svgs) => svgs.map((s) => {
      const r = s.getBoundingClientRect(), vb = s.viewBox.baseVal, fig = s.closest('figure');
      return { id: s.id, px: 12 * Math.min(r.width / vb.width, r.height / vb.height), right: r.right, scrolls: fig.scrollWidth > fig.clientWidth };
    }));
    assert.ok(charts.length >= 3, box);
    for (const c of charts) {
      assert.ok(c.px >= 10, `${c.id}: text drawn at ${c.px.toFixed(1)} px`);
      assert.ok(c.right <= 390 && !c.scrolls, `${c.id} runs off the screen`);
    }
  };
  await noSideways('editor');
  for (const t of await phone.$$('.tab')) {
    const b = await t.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `tab ${await t.textContent()} off-screen`);
    assert.ok(await t.evaluate((e) => e.scrollWidth <= e.clientWidth), `tab ${await t.textContent()} cut`);
  }
  const run = await phone.locator('#run-btn').boundingBox();
  assert.ok(run.y >= 0 && run.y + run.height <= 844 && run.x + run.width <= 390, `Run at ${JSON.stringify(run)}`);
  await phone.screenshot({ path: join(shots, '30-phone-editor.png') });
  await phone.uncheck('#run-mc');
  await phone.click('#run-btn');
  await phone.waitForSelector('#survival-chart polyline', { timeout: 20000 });
  await noSideways('result');
  await readableCharts('#result');
  await phone.screenshot({ path: join(shots, '31-phone-result.png'), fullPage: true });
  await phone.click('.tab[data-tab="compare"]');
  await phone.uncheck('#compare-mc');
  await phone.click('#compare-btn');
  await phone.waitForSelector('#diff-chart rect', { timeout: 20000 });
  await noSideways('compare');
  await readableCharts('#compare-result');
  await phone.screenshot({ path: join(shots, '32-phone-compare.png'), fullPage: true });
  await phone.click('.tab[data-tab="plan"]');
  await phone.click('#plan-btn');
  await phone.waitForSelector('#plan-chart rect', { timeout: 10000 });
  await noSideways('plan');
  await runsTab(phone);
  await noSideways('runs');
  const openBtn = await phone.locator('#runs-list tr:nth-child(2) button:has-text("Open")').boundingBox();
  assert.ok(openBtn.x >= 0 && openBtn.x + openBtn.width <= 390, `Open at ${JSON.stringify(openBtn)}`);
  await phone.screenshot({ path: join(shots, '33-phone-runs.png'), fullPage: true });
  await phone.click('.tab[data-tab="sensitivity"]');
  await noSideways('sensitivity');
  // The report: a viewport, and nothing wider than the phone.
  const html = await phone.evaluate(async () => (await fetch('/api/report?arch=baseline&arch=two-pronged&runs=500')).text());
  await phone.setContent(html);
  assert.ok(await phone.$('meta[name="viewport"]'), 'the report has a viewport');
  await noSideways('report');
  await phone.screenshot({ path: join(shots, '34-phone-report.png') });
  assert.deepEqual(phone.errors, []);
  await phone.close({ runBeforeUnload: false });
});

test('bug 7: work is not lost without a warning, and a cancelled run keeps its estimate', async () => {
  await page.click('.tab[data-tab="run"]');
  await open('baseline');
  // Switching architecture with unsaved edits asks; refused, the edits stay.
  await page.fill('[data-path="mechanisms.hotline.strength"]', '0.65');
  await page.dispatchEvent('[data-path="mechanisms.hotline.strength"]', 'change');
  await page.waitForFunction(() => document.querySelector('#toml').value.includes('strength = 0.65'));
  page.dialogs.length = 0;
  page.answer = false;
  await page.selectOption('#arch-select', 'two-pronged');
  assert.match(await asked(1), /unsaved edits/);
  await page.waitForFunction(() => document.querySelector('#arch-select').value === 'baseline');
  assert.match(await toml(), /strength = 0\.65/);
  // Saving over another saved architecture asks; refused, the saved one is untouched.
  const saved = (await apiJson(page, 'GET', '/architectures/baseline-dialogue')).data.toml;
  await page.fill('#save-name', 'baseline-dialogue');
  await page.click('#save-btn');
  assert.match(await asked(2), /exists\. Replace it/);
  assert.equal((await apiJson(page, 'GET', '/architectures/baseline-dialogue')).data.toml, saved);
  page.answer = true;
  await open('baseline');
  // Deleting a run asks; refused, it stays.
  await runsTab();
  const rows = await page.$$eval('#runs-list tr', (t) => t.length);
  page.answer = false;
  const n = page.dialogs.length;
  await page.click('#runs-list tr:nth-child(2) button:has-text("Delete")');
  assert.match(await asked(n + 1), /^Delete run \d+/);
  assert.equal(await page.$$eval('#runs-list tr', (t) => t.length), rows);
  page.answer = true;
  await page.click('#runs-list tr:nth-child(2) button:has-text("Delete")');
  await page.waitForFunction((n) => document.querySelectorAll('#runs-list tr').length === n - 1, rows);
  // Cancel asks, and keeps the estimate of the runs done.
  await page.click('.tab[data-tab="run"]');
  await page.check('#run-mc');
  await page.fill('#runs', '2000000');
  await page.click('#run-btn');
  await page.waitForFunction(() => /p\(war\) so far/.test(document.querySelector('#progress-text').textContent), null, { timeout: 20000 });
  await page.click('#cancel-btn');
  await page.waitForSelector('#partial-note', { timeout: 20000 });
  assert.match(page.dialogs.at(-1), /^Cancel run \d+\? The [\d,]+ runs done so far are kept/);
  assert.match(await page.textContent('#partial-note'), /^Cancelled after [\d,]+ of 2,000,000 runs/);
  assert.match(await page.textContent('.kpi .v'), /%$/);
  await page.screenshot({ path: join(shots, '24-cancelled-partial.png') });
  await runsTab();
  const first = await page.$$eval('#runs-list tr:nth-child(2) td', (tds) => tds.map((t) => t.textContent));
  assert.equal(first[5], 'cancelled');
  assert.match(first[6], /%$/, 'its p(war) is listed');
  await page.click('.tab[data-tab="run"]');
  await page.uncheck('#run-mc');
  await page.fill('#runs', '10000');
});

test('bug 8: with a TOML syntax error the form says so where the user is, and leads to it', async () => {
  await page.click('.tab[data-tab="run"]');
  await open('baseline');
  await page.click('.etab[data-edit="toml"]');
  const good = await toml();
  const lines = good.split('\n');
  lines.splice(5, 0, 'horizon_years = [');
  await page.fill('#toml', lines.join('\n'));
  await page.waitForSelector('#diagnostics .diag', { timeout: 5000 });
  await page.click('.etab[data-edit="form"]');
  await page.waitForSelector('#form-blocked:not([hidden])');
  assert.match(await page.textContent('#form-blocked'), /syntax error at line \d+/);
  const b = await page.locator('#form-blocked').boundingBox();
  assert.ok(b && b.y >= 0 && b.y + b.height <= 768, 'the message is in view');
  assert.equal(await page.isDisabled('[data-path="mechanisms.hotline.strength"]'), true, 'no form edit can be dropped silently');
  await page.screenshot({ path: join(shots, '25-syntax-error-form.png') });
  await page.click('#goto-error');
  assert.equal(await page.getAttribute('.etab[data-edit="toml"]', 'aria-selected'), 'true');
  const caretLine = await page.$eval('#toml', (t) => t.value.slice(0, t.selectionStart).split('\n').length);
  const line = Number((await page.textContent('#form-blocked')).match(/line (\d+)/)[1]);
  assert.equal(caretLine, line);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'toml');
  await page.fill('#toml', good);
  await page.waitForSelector('#diagnostics .ok');
  await page.click('.etab[data-edit="form"]');
  assert.equal(await page.isHidden('#form-blocked'), true);
  assert.equal(await page.isEnabled('[data-path="mechanisms.hotline.strength"]'), true);
});

test('tabs are ARIA tabs, keyboard-driven, with a visible focus', async () => {
  assert.equal(await page.$$eval('[role="tablist"] > [role="tab"]', (t) => t.length), 8);
  const run = page.locator('.tab[data-tab="run"]');
  await run.click();
  assert.equal(await run.getAttribute('aria-selected'), 'true');
  await run.focus();
  await page.keyboard.press('ArrowRight');
  const cmp = page.locator('.tab[data-tab="compare"]');
  assert.equal(await cmp.getAttribute('aria-selected'), 'true');
  assert.equal(await run.getAttribute('aria-selected'), 'false');
  assert.ok(await page.isVisible('#tab-compare'));
  assert.equal(await page.getAttribute('#tab-compare', 'role'), 'tabpanel');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.tab), 'compare');
  const outline = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; });
  assert.deepEqual(outline, ['solid', '3px'], 'keyboard focus is drawn clearly');
  await page.screenshot({ path: join(shots, '26-tab-focus.png'), clip: { x: 0, y: 0, width: 1366, height: 120 } });
  await page.keyboard.press('ArrowLeft');
  assert.equal(await run.getAttribute('aria-selected'), 'true');
});

test('links reopen a run and a comparison; charts download as SVG', async () => {
  await page.click('.tab[data-tab="run"]');
  await page.click('.tab[data-tab="run"]');
  await runExact();
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#run\/\d+$/);
  const other = await openPage(env.browser, env.base, undefined, '/' + hash);
  await other.waitForSelector('#survival-chart polyline', { timeout: 10000 });
  assert.equal(await other.textContent('#result h2'), await page.textContent('#result h2'));
  await other.goto(env.base + '/#compare/two-pronged,baseline?runs=1000&seed=2');
  await other.waitForSelector('#compare-table', { timeout: 20000 });
  const names = await other.$$eval('#compare-table tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(names, ['two-pronged', 'baseline']);
  assert.equal(await other.inputValue('#compare-seed'), '2');
  assert.deepEqual(other.errors, []);
  await other.close({ runBeforeUnload: false });
  // Chart export.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#result .svg-export[data-chart="survival-chart"]')]);
  assert.match(dl.suggestedFilename(), /^detente-run-\d+-survival-chart\.svg$/);
  const svg = readFileSync(await dl.path(), 'utf8');
  assert.match(svg, /^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<polyline /);
});

test('nothing left the machine and no script failed', () => {
  assert.deepEqual(page.external, []);
  assert.deepEqual(page.errors, []);
});
