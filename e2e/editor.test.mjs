// Browser tests of the TOML editor (line numbers kept in step with the text and its scroll,
// the lines with a problem marked, a jump to a problem's line), Undo of form edits, and PNG
// export of charts. Run by e2e/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { start, openPage, shots } from './harness.mjs';

let env, page;
before(async () => {
  env = await start();
  page = await openPage(env.browser, env.base, { width: 1400, height: 900 });
});
after(async () => { if (env) await env.stop(); });

const gutterLines = () => page.$eval('#toml-gutter', (g) => g.textContent.split('\n').filter(Boolean).length);
const lines = () => page.$eval('#toml', (t) => t.value.split('\n').length);

test('the TOML editor numbers its lines, marks a problem and jumps to it', async () => {
  await page.click('.etab[data-edit="toml"]');
  assert.equal(await gutterLines(), await lines());
  // an out-of-range value on a known line: its number is marked, the diagnostic jumps there
  const text = await page.inputValue('#toml');
  const at = text.split('\n').findIndex((l) => /^horizon_years\s*=/.test(l)) + 1;
  assert.ok(at > 0);
  await page.fill('#toml', text.replace(/^horizon_years\s*=.*$/m, 'horizon_years = 500'));
  await page.waitForSelector('#toml-gutter .bad', { timeout: 10000 });
  assert.deepEqual(await page.$$eval('#toml-gutter .bad', (b) => b.map((x) => Number(x.textContent))), [at]);
  // the caret goes to the start of that line from the diagnostic
  await page.click('.etab[data-edit="form"]');
  await page.click('#diagnostics button.line');
  assert.ok(await page.isVisible('#toml'));
  const caretLine = await page.$eval('#toml', (t) => t.value.slice(0, t.selectionStart).split('\n').length);
  assert.equal(caretLine, at);
  // lines added or removed renumber the gutter; it scrolls with the text
  await page.fill('#toml', text + '\n'.repeat(200));
  await page.waitForFunction(() => document.querySelector('#toml-gutter').textContent.split('\n').filter(Boolean).length === document.querySelector('#toml').value.split('\n').length);
  await page.$eval('#toml', (t) => { t.scrollTop = 400; t.dispatchEvent(new Event('scroll')); });
  const [ts, gs] = await page.$eval('#toml', (t) => [t.scrollTop, document.querySelector('#toml-gutter').scrollTop]);
  assert.ok(ts > 0 && Math.abs(ts - gs) <= 1, `text ${ts}, gutter ${gs}`);
  await page.fill('#toml', text);
  await page.waitForSelector('#diagnostics .ok', { timeout: 10000 });
  assert.equal(await page.$('#toml-gutter .bad'), null);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(shots, 'editor-1400.png') });
});

test('Undo takes back a form edit, the TOML and the field alike', async () => {
  await page.click('.etab[data-edit="form"]');
  const before = await page.inputValue('#toml');
  assert.ok(await page.isDisabled('#undo-btn'));
  const f = '[data-path="mechanisms.hotline.strength"]';
  const was = await page.inputValue(f);
  await page.fill(f, '0.7');
  await page.press(f, 'Tab');
  await page.waitForFunction(() => /strength = 0\.7/.test(document.querySelector('#toml').value), null, { timeout: 10000 });
  assert.ok(!(await page.isDisabled('#undo-btn')));
  await page.click('#undo-btn');
  await page.waitForFunction((b) => document.querySelector('#toml').value === b, before, { timeout: 10000 });
  await page.waitForFunction(([sel, v]) => document.querySelector(sel).value === v, [f, was], { timeout: 10000 });
  assert.ok(await page.isDisabled('#undo-btn'));
  assert.deepEqual(page.errors, []);
});

test('a mechanism not written down is in the form, off; ticking it writes its table in', async () => {
  await page.click('.etab[data-edit="toml"]');
  const text = await page.inputValue('#toml');
  const cut = text.replace(/\[mechanisms\.crisis_dialogue\][\s\S]*?\n(?=\[)/, '');
  assert.ok(!cut.includes('[mechanisms.crisis_dialogue]'));
  await page.fill('#toml', cut);
  // the form is drawn again from the validated text: the mechanism is there, off, with the
  // defaults of a table written down (strength 1, Russia consenting), not the cut table's 0
  const strength = '[data-path="mechanisms.crisis_dialogue.strength"]';
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.value) === 1, strength, { timeout: 10000 });
  await page.waitForSelector('#diagnostics .ok', { timeout: 10000 });
  await page.click('.etab[data-edit="form"]');
  const box = '[data-path="mechanisms.crisis_dialogue.enabled"]';
  assert.equal(await page.isChecked(box), false);
  assert.equal(Number(await page.inputValue('[data-path="mechanisms.crisis_dialogue.russian_consent"]')), 1);
  await page.check(box);
  await page.waitForFunction(() => /\[mechanisms\.crisis_dialogue\]\s*\nenabled = true/.test(document.querySelector('#toml').value), null, { timeout: 10000 });
  await page.waitForSelector('#diagnostics .ok', { timeout: 10000 });
  await page.click('.etab[data-edit="toml"]');
  await page.screenshot({ path: join(shots, 'editor-mechanism-written-in.png') });
  await page.fill('#toml', text);
  await page.waitForSelector('#diagnostics .ok', { timeout: 10000 });
  await page.click('.etab[data-edit="form"]');
  assert.deepEqual(page.errors, []);
});

test('a chart downloads as PNG beside SVG, at twice its size', async () => {
  await page.uncheck('#run-mc');
  await page.uncheck('#uncertainty');
  await page.fill('#runs', '10000');
  await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; });
  await page.click('#run-btn');
  await page.waitForSelector('#survival-chart polyline', { timeout: 60000 });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#result .png-export[data-chart="survival-chart"]')]);
  assert.match(dl.suggestedFilename(), /^detente-run-\d+-survival-chart\.png$/);
  const png = readFileSync(await dl.path());
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  // width and height from the IHDR chunk: twice the chart's viewBox
  const vb = await page.$eval('#survival-chart', (s) => [s.viewBox.baseVal.width, s.viewBox.baseVal.height]);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], vb.map((x) => 2 * x));
  // not blank: the image has more than a few hundred bytes of drawing
  assert.ok(png.length > 5000, `${png.length} bytes`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.external, []);
});

test('help for each model parameter: on the caret line of the TOML, and the whole table', async () => {
  const params = (await page.evaluate(async () => (await fetch('/api/params')).json()));
  const spec = params.find((p) => p.name === 'nuclear_shadow');
  assert.ok(spec);
  await page.click('.etab[data-edit="toml"]');
  const text = await page.inputValue('#toml');
  await page.fill('#toml', text + '\n[parameters]\nnuclear_shadow = 2.0\n');
  // caret on that line
  await page.$eval('#toml', (t) => { const i = t.value.indexOf('nuclear_shadow = 2.0') + 3; t.focus(); t.setSelectionRange(i, i); t.dispatchEvent(new Event('click')); });
  const help = await page.textContent('#param-help');
  for (const part of [spec.unit, spec.source, `range ${spec.low} – ${spec.high}`, `Default ${spec.default}`]) assert.ok(help.includes(part), `${part} in: ${help}`);
  // a line that is not a parameter: no help
  await page.$eval('#toml', (t) => { t.setSelectionRange(0, 0); t.dispatchEvent(new Event('click')); });
  assert.equal(await page.textContent('#param-help'), '');
  // the table: every parameter, filtered
  await page.click('#param-table-box summary');
  await page.waitForSelector('#param-table table');
  assert.equal(await page.$$eval('#param-table tr', (trs) => trs.length - 1), params.length);
  await page.fill('#param-filter', 'nuclear_shadow');
  const names = await page.$$eval('#param-table tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(names, ['nuclear_shadow']);
  await page.fill('#toml', text);
  await page.waitForSelector('#diagnostics .ok', { timeout: 10000 });
  assert.deepEqual(page.errors, []);
});
