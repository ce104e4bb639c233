// detente web UI: vanilla JS, no build step, no external requests.
'use strict';

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k.nodeType ? k : String(k));
  return e;
};
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const pct = (x, d = 2) => (100 * x).toFixed(d) + ' %';
const PALETTE = ['#1f5fa8', '#c0392b', '#2e8b57', '#7d3c98', '#d68910', '#5d6d7e'];

// A bearer token may be given once as #token=... in the address; it is kept for the session.
const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
if (hashToken) { sessionStorage.setItem('detente-token', hashToken); history.replaceState(null, '', location.pathname); }
const TOKEN = sessionStorage.getItem('detente-token');

async function api(method, path, body) {
  const headers = {};
  if (TOKEN) headers.Authorization = 'Bearer ' + TOKEN;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch('/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const ct = r.headers.get('content-type') || '';
  const data = ct.includes('json') ? await r.json() : await r.text();
  return { ok: r.ok, status: r.status, data };
}

async function download(path, filename) {
  const headers = TOKEN ? { Authorization: 'Bearer ' + TOKEN } : {};
  const r = await fetch('/api' + path, { headers });
  if (!r.ok) {
    const t = await r.text();
    let msg = t;
    try { msg = JSON.parse(t).error || t; } catch { /* not JSON */ }
    alert('Download failed: ' + msg);
    return false;
  }
  const blob = await r.blob();
  const a = el('a', { href: URL.createObjectURL(blob), download: filename });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  return true;
}

// ---------- state ----------
const state = { schema: null, archs: [], current: null, arch: null, runId: null, pollTimer: null, clickAt: 0, undo: [] };

// ---------- tabs (ARIA tablists: click, or arrow keys, Home and End) ----------
function tablist(sel, paneOf, onShow) {
  const tabs = [...document.querySelectorAll(sel)];
  const show = (b) => {
    tabs.forEach((t) => {
      const on = t === b;
      t.classList.toggle('active', on);
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      document.getElementById(paneOf(t)).classList.toggle('active', on);
    });
    if (onShow) onShow(b);
  };
  tabs.forEach((b, i) => {
    b.addEventListener('click', () => show(b));
    b.addEventListener('keydown', (e) => {
      const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (j === undefined) return;
      e.preventDefault();
      const t = tabs[(j + tabs.length) % tabs.length];
      t.focus();
      show(t);
    });
  });
}
tablist('.tab', (t) => 'tab-' + t.dataset.tab, (b) => { if (b.dataset.tab === 'history') { loadRuns(); loadResults(); } });
tablist('.etab', (t) => 'edit-' + t.dataset.edit);
const showTab = (name) => document.querySelector(`.tab[data-tab="${name}"]`).click();

// ---------- schema helpers ----------
function resolveSchema(s) {
  if (!s) return {};
  let out = { ...s };
  const ref = s.$ref || (s.allOf && s.allOf.length === 1 && s.allOf[0].$ref);
  if (ref) {
    const def = state.schema.definitions[ref.split('/').pop()];
    out = { ...def, ...s, description: s.description || def.description };
    delete out.allOf; delete out.$ref;
  }
  return out;
}

function humanize(key) { return key.replace(/_/g, ' ').replace(/\bpct\b/, '%').replace(/\bkm\b/, 'km'); }

// Build the form for an object at `path` from the schema.
function buildFields(obj, schema, path, container, depth) {
  const props = schema.properties || {};
  for (const [key, sub0] of Object.entries(props)) {
    if (!(key in obj)) continue;
    const sub = resolveSchema(sub0);
    const p = path ? path + '.' + key : key;
    const v = obj[key];
    if (sub.type === 'object' || (typeof v === 'object' && v !== null && !Array.isArray(v) && sub.properties)) {
      if (!sub.properties) continue; // free maps (parameters) are edited as TOML
      const fs = el('fieldset', { 'data-path': p }, el('legend', { title: sub.description || '' }, humanize(key)));
      buildFields(v, sub, p, fs, depth + 1);
      container.append(fs);
    } else if (typeof v === 'boolean') {
      const id = 'f-' + p;
      const cb = el('input', { type: 'checkbox', id, 'data-path': p, checked: v });
      container.append(el('div', { class: 'field', 'data-field': p },
        el('label', { for: id, title: sub.description || '' }, cb, ' ', key === 'enabled' ? 'enabled' : humanize(key))));
    } else if (typeof v === 'number') {
      container.append(numberField(p, key, v, sub));
    } else if (typeof v === 'string' && sub.enum) {
      const sel = el('select', { 'data-path': p, id: 'f-' + p }, sub.enum.map((o) => el('option', { value: o, selected: o === v }, o)));
      container.append(el('div', { class: 'field', 'data-field': p }, el('label', { for: 'f-' + p, title: sub.description || '' }, humanize(key)), sel));
    } else if (typeof v === 'string' && depth === 0 && key !== 'description') {
      container.append(el('div', { class: 'field', 'data-field': p }, el('label', { for: 'f-' + p }, humanize(key)),
        el('input', { id: 'f-' + p, 'data-path': p, value: v })));
    }
  }
}

function numberField(p, key, v, sub) {
  const id = 'f-' + p;
  const isInt = sub.type === 'integer';
  const has = sub.minimum !== undefined && sub.maximum !== undefined;
  const desc = sub.description || '';
  const range = has ? `${sub.minimum}–${sub.maximum}` : (sub.minimum !== undefined ? `≥ ${sub.minimum}` : '');
  const num = el('input', { type: 'number', id, 'data-path': p, value: v, step: isInt ? 1 : 'any', title: desc });
  const wrap = el('div', { class: 'field', 'data-field': p },
    el('label', { for: id, title: desc }, humanize(key), ' ', el('span', { class: 'unit' }, unitOf(desc, range))), num);
  if (has && sub.maximum - sub.minimum <= 1000) {
    const step = isInt ? 1 : (sub.maximum - sub.minimum) / 100;
    const slider = el('input', { type: 'range', min: sub.minimum, max: sub.maximum, step, value: v, 'aria-label': humanize(key) });
    slider.addEventListener('input', () => { num.value = slider.value; num.dispatchEvent(new Event('change', { bubbles: true })); });
    num.addEventListener('input', () => { slider.value = num.value; });
    wrap.append(slider);
  }
  return wrap;
}

// Units from the schema's description: the trailing clause, e.g. "thousand troops" or "0-1".
function unitOf(desc, range) {
  const m = desc.match(/\(([^)]*)\)\s*\.?$/) || desc.match(/,\s*([^,.]*)\.?$/);
  const u = m ? m[1] : '';
  return '[' + [u, range && !u.includes(range.replace('–', '-')) ? range : ''].filter(Boolean).join('; ') + ']';
}

function renderForm() {
  const form = $('#arch-form');
  form.innerHTML = '';
  if (!state.arch) return;
  const top = resolveSchema(state.schema);
  const order = ['name', 'horizon_years', 'mechanisms', 'dynamics', 'ceasefire', 'pathways'];
  const sch = { properties: Object.fromEntries(order.filter((k) => top.properties[k]).map((k) => [k, top.properties[k]])) };
  buildFields(state.arch, sch, '', form, 0);
  sweepInputs();
  form.append(el('p', { class: 'muted' }, 'Actors, groups and model parameters are edited in the TOML tab. Form edits change only the keys edited; the TOML keeps its comments.'));
  state.formBase = formValues();
}

// The form's values by dotted path.
function formValues() {
  const out = {};
  document.querySelectorAll('#arch-form [data-path]').forEach((inp) => {
    if (inp.tagName === 'FIELDSET') return;
    const p = inp.dataset.path;
    if (inp.type === 'checkbox') out[p] = inp.checked;
    else if (inp.type === 'number') out[p] = inp.value === '' ? null : Number(inp.value);
    else out[p] = inp.value;
  });
  return out;
}

// ---------- validation ----------
function showDiagnostics(diags) {
  diags = diags || [];
  document.querySelectorAll('.field.invalid').forEach((f) => { f.classList.remove('invalid'); f.querySelectorAll('.err').forEach((e) => e.remove()); });
  setSyntaxError(diags.find((d) => /^TOML syntax error/.test(d.message)) || null);
  state.badLines = new Map(diags.filter((d) => d.line).map((d) => [d.line, d.message]));
  updateGutter();
  const box = $('#diagnostics');
  box.innerHTML = '';
  if (!diags.length) { box.append(el('div', { class: 'ok' }, '✓ valid')); return; }
  for (const d of diags) {
    const at = d.line ? el('button', { type: 'button', class: 'line', title: 'Show this line in the TOML', onclick: () => gotoLine(d.line, d.column) }, `line ${d.line}, column ${d.column}`) : 'file';
    box.append(el('div', { class: 'diag' }, at, `${d.path ? ' · ' + d.path : ''}: ${d.message}`));
    const f = d.path && (document.querySelector(`[data-field="${CSS.escape(d.path)}"]`));
    if (f) { f.classList.add('invalid'); f.append(el('div', { class: 'err' }, d.message)); }
  }
}

// While the TOML does not parse, the form cannot change it: say so at the top of the form,
// with a way to the error, and lock the form so that no edit is silently dropped.
function setSyntaxError(d) {
  state.syntaxError = d;
  const banner = $('#form-blocked');
  banner.innerHTML = '';
  banner.hidden = !d;
  document.querySelectorAll('#arch-form input, #arch-form select').forEach((i) => { i.disabled = !!d; });
  if (!d) return;
  const what = d.message.replace(/^TOML syntax error:\s*/, '').replace(/\\u\{a\}/g, '; ');
  banner.append(el('b', {}, 'The TOML has a syntax error'), ` at line ${d.line}, column ${d.column}: ${what}. `,
    'The form cannot change the architecture until it is fixed. ',
    el('button', { type: 'button', id: 'goto-error', onclick: () => gotoLine(d.line, d.column) }, 'Go to the error'));
}

// The line numbers beside the TOML, as many as it has lines, those with a problem marked,
// scrolled with the text.
function updateGutter() {
  const ta = $('#toml'), g = $('#toml-gutter');
  const n = ta.value.split('\n').length;
  const bad = state.badLines || new Map();
  const key = n + '|' + [...bad.keys()].join(',');
  if (g.dataset.key !== key) {
    g.dataset.key = key;
    g.innerHTML = '';
    for (let i = 1; i <= n; i++) g.append(bad.has(i) ? el('span', { class: 'bad', title: bad.get(i) }, String(i)) : String(i), '\n');
  }
  g.scrollTop = ta.scrollTop;
}
$('#toml').addEventListener('input', updateGutter);
$('#toml').addEventListener('scroll', () => { $('#toml-gutter').scrollTop = $('#toml').scrollTop; });

// Help for the model parameter on the caret's line of the TOML (`name = value`, commented or
// not), from the parameter table: meaning, unit, default, range and source.
function paramHelp() {
  const ta = $('#toml');
  const start = ta.value.lastIndexOf('\n', ta.selectionStart - 1) + 1;
  const line = ta.value.slice(start, ta.value.indexOf('\n', start) === -1 ? undefined : ta.value.indexOf('\n', start));
  const m = line.match(/^\s*#?\s*([A-Za-z0-9_]+)\s*=/);
  const spec = m && (PARAMS || []).find((p) => p.name === m[1]);
  $('#param-help').textContent = spec ? paramTip(spec, spec.name) : '';
}
['click', 'keyup', 'focus'].forEach((e) => $('#toml').addEventListener(e, paramHelp));

// The parameter table, filtered by name or meaning.
function paramTable() {
  const q = $('#param-filter').value.trim().toLowerCase();
  const rows = (PARAMS || []).filter((p) => !q || p.name.toLowerCase().includes(q) || (p.doc || '').toLowerCase().includes(q));
  const t = el('table', {}, el('tr', {}, ['Parameter', 'Default', 'Unit', 'Range', 'Source', 'Meaning'].map((h) => el('th', {}, h))));
  for (const p of rows) {
    t.append(el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', { class: 'n' }, String(p.default)), el('td', {}, p.unit || ''),
      el('td', { class: 'n' }, p.high > p.low ? `${p.low} – ${p.high}` : 'fixed'), el('td', {}, p.source), el('td', {}, p.doc)));
  }
  const box = $('#param-table');
  box.innerHTML = '';
  box.append(el('p', { class: 'muted' }, `${rows.length} of ${(PARAMS || []).length} parameters`), t);
}
$('#param-filter').addEventListener('input', paramTable);
$('#param-table-box').addEventListener('toggle', async () => { await paramSpecs(); paramTable(); });

// Show the TOML tab with the caret at line:column and that line in view.
function gotoLine(line, column) {
  document.querySelector('.etab[data-edit="toml"]').click();
  const ta = $('#toml');
  const lines = ta.value.split('\n');
  let pos = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) pos += lines[i].length + 1;
  pos = Math.min(ta.value.length, pos + Math.max(0, (column || 1) - 1));
  ta.focus();
  ta.setSelectionRange(pos, pos);
  const lh = parseFloat(getComputedStyle(ta).lineHeight) || 16;
  ta.scrollTop = Math.max(0, (line - 3) * lh);
  updateGutter();
}

let vTimer = null, vPending = null, vRunning = Promise.resolve();
function scheduleValidate(fromForm) {
  clearTimeout(vTimer);
  vPending = fromForm;
  vTimer = setTimeout(() => { vPending = null; vRunning = validateNow(fromForm); }, fromForm ? 150 : 400);
}

// Apply an edit still waiting for its validation (a field left by clicking Run at once), so
// that an action sees the editor as the user left it.
async function flushEdits() {
  if (vPending !== null) {
    clearTimeout(vTimer);
    const f = vPending;
    vPending = null;
    vRunning = validateNow(f);
  }
  await vRunning;
}

async function validateNow(fromForm, keepForm) {
  let r;
  if (fromForm) {
    // Patch only the keys the form changed, in place, so the TOML keeps its comments.
    const now = formValues(), set = {};
    for (const [k, v] of Object.entries(now)) if (state.formBase[k] !== v) set[k] = v;
    if (!Object.keys(set).length) return true;
    const before = $('#toml').value;
    r = await api('POST', '/patch', { toml: before, set });
    if (r.ok || r.status === 422) {
      state.formBase = now;
      // the text before each applied form edit, for Undo
      state.undo.push(before);
      $('#undo-btn').disabled = false;
    }
    else {
      // Not applied (the TOML does not parse, or the server refused): say so at the field.
      for (const k of Object.keys(set)) {
        const f = document.querySelector(`[data-field="${CSS.escape(k)}"]`);
        if (f) { f.classList.add('invalid'); f.querySelectorAll('.err').forEach((e) => e.remove()); f.append(el('div', { class: 'err' }, 'not applied: ' + (r.data.error || String(r.data)))); }
      }
      if (/does not parse/.test(r.data.error || '')) await validateNow(false, true);
      return false;
    }
  } else {
    r = await api('POST', '/validate', { toml: $('#toml').value });
  }
  if (r.ok) {
    if (fromForm) { $('#toml').value = r.data.toml; updateGutter(); }
    state.arch = r.data.architecture;
    if (!fromForm) renderForm();
    showDiagnostics([]);
    syncNames();
    return true;
  }
  if (r.status === 422) {
    if (fromForm && r.data.toml) $('#toml').value = r.data.toml;
    const keep = keepForm ? [...document.querySelectorAll('#arch-form .field.invalid')].map((f) => [f, [...f.querySelectorAll('.err')]]) : [];
    showDiagnostics(r.data.diagnostics);
    keep.forEach(([f, errs]) => { f.classList.add('invalid'); errs.forEach((e) => f.append(e)); });
  } else {
    $('#diagnostics').innerHTML = '';
    $('#diagnostics').append(el('div', { class: 'diag' }, r.data.error || String(r.data)));
  }
  return false;
}

$('#arch-form').addEventListener('change', () => scheduleValidate(true));
// Undo the last form edit: the TOML as it was before it (the form follows).
$('#undo-btn').addEventListener('click', async () => {
  await flushEdits();
  const prev = state.undo.pop();
  $('#undo-btn').disabled = !state.undo.length;
  if (prev === undefined) return;
  $('#toml').value = prev;
  updateGutter();
  await validateNow(false);
});
$('#toml').addEventListener('input', () => scheduleValidate(false));

// ---------- architectures ----------
async function loadArchList(select) {
  const r = await api('GET', '/architectures');
  state.archs = [...r.data.builtins, ...r.data.saved];
  const s = $('#arch-select');
  s.innerHTML = '';
  const g1 = el('optgroup', { label: 'Built-in' }, r.data.builtins.map((a) => el('option', { value: a.name }, a.name)));
  s.append(g1);
  if (r.data.saved.length) s.append(el('optgroup', { label: 'Saved' }, r.data.saved.map((a) => el('option', { value: a.name }, a.name))));
  if (select) s.value = select;
  const c = $('#compare-choices');
  c.innerHTML = '';
  state.archs.forEach((a, i) => c.append(el('label', {}, el('input', { type: 'checkbox', value: a.name, checked: i < 2 }), ' ', a.name + (a.builtin ? '' : ' (saved)'))));
  const ag = $('#disc-against');
  const was = ag.value;
  ag.innerHTML = '';
  ag.append(el('option', { value: '' }, '(none)'), ...state.archs.map((a) => el('option', { value: a.name }, a.name)));
  ag.value = state.archs.some((a) => a.name === was) ? was : '';
}

// The editor's architecture by name everywhere it is named: the dropdown, its description,
// the Sensitivity and Plan tabs, and the name Save proposes. `fromRun`: opened from a run.
function setCurrent(name, { builtin, toml, fromRun } = {}) {
  if (state.current !== name || fromRun) { state.undo = []; $('#undo-btn').disabled = true; }
  state.current = name;
  state.loadedToml = toml;
  const info = state.archs.find((a) => a.name === name);
  const s = $('#arch-select');
  s.querySelectorAll('optgroup.from-run').forEach((g) => g.remove());
  if (info) s.value = name;
  else {
    // Not built in nor saved (a planned or renamed architecture): listed as the run's.
    s.append(el('optgroup', { class: 'from-run', label: 'Opened from a run' }, el('option', { value: '' }, `${name} (run ${fromRun})`)));
    s.value = '';
  }
  const desc = info && info.summary ? info.summary : info && !info.builtin ? 'saved architecture' : '';
  $('#arch-summary').textContent = fromRun ? [`opened from run ${fromRun}`, desc].filter(Boolean).join(' · ') : desc;
  const isBuiltin = info ? info.builtin : !!builtin;
  $('#save-name').value = isBuiltin ? name + '-edited' : name;
  $('#delete-arch-btn').disabled = !info || info.builtin;
  state.selectValue = s.value;
  syncNames();
}

// The name in the editor (the architecture's own) on the tabs that act on it.
function syncNames() {
  const n = (state.arch && state.arch.name) || state.current || '';
  document.querySelectorAll('.cur-arch').forEach((b) => { b.textContent = n; });
}

// Edits not saved: the editor's text differs from what was opened or saved.
const unsaved = () => state.loadedToml !== undefined && $('#toml').value !== state.loadedToml;
const discardOk = (what) => !unsaved() || confirm(`The editor has unsaved edits to ${state.arch ? state.arch.name : state.current}. ${what} discards them. Continue?`);
window.addEventListener('beforeunload', (e) => { if (unsaved()) { e.preventDefault(); e.returnValue = ''; } });

async function openArch(name) {
  const r = await api('GET', '/architectures/' + encodeURIComponent(name));
  if (!r.ok) { $('#diagnostics').textContent = r.data.error; return; }
  state.arch = r.data.architecture;
  $('#toml').value = r.data.toml;
  setCurrent(name, { builtin: r.data.builtin, toml: r.data.toml });
  renderForm();
  showDiagnostics([]);
}

$('#arch-select').addEventListener('change', (e) => {
  if (!e.target.value) return;
  if (!discardOk('Opening ' + e.target.value)) { e.target.value = state.selectValue; return; }
  openArch(e.target.value);
});

$('#save-btn').addEventListener('click', async () => {
  await flushEdits();
  const name = $('#save-name').value.trim();
  if (!name) { alert('Give a name to save under.'); return; }
  const exists = state.archs.some((a) => a.name === name && !a.builtin);
  if (exists && name !== state.current && !confirm(`A saved architecture named "${name}" exists. Replace it with the editor's?`)) return;
  const r = await api('PUT', '/architectures/' + encodeURIComponent(name), { toml: $('#toml').value });
  if (r.ok) { await loadArchList(name); await openArch(name); $('#diagnostics').append(el('div', { class: 'ok' }, 'saved as ' + name)); }
  else if (r.data.diagnostics && r.data.diagnostics.length) showDiagnostics(r.data.diagnostics);
  else { $('#diagnostics').innerHTML = ''; $('#diagnostics').append(el('div', { class: 'diag', role: 'alert' }, r.data.error || String(r.data))); }
});

$('#delete-arch-btn').addEventListener('click', async () => {
  if (!state.current || !confirm('Delete saved architecture ' + state.current + '?')) return;
  await api('DELETE', '/architectures/' + encodeURIComponent(state.current));
  await loadArchList('baseline');
  await openArch('baseline');
});

// ---------- options: whole numbers checked at their field ----------
// A message under a field (aria-invalid, described by the message); '' clears it.
function fieldError(sel, msg) {
  const inp = $(sel);
  const id = inp.id + '-err';
  let e = document.getElementById(id);
  if (!msg) { if (e) e.remove(); inp.removeAttribute('aria-invalid'); inp.removeAttribute('aria-describedby'); return; }
  if (!e) { e = el('span', { class: 'opt-err', id, role: 'alert' }); (inp.closest('label') || inp).after(e); }
  e.textContent = msg;
  inp.setAttribute('aria-invalid', 'true');
  inp.setAttribute('aria-describedby', id);
}

// The whole number in field `sel` within [min, max], or null with the reason shown at it.
function wholeNumber(sel, what, min, max) {
  const inp = $(sel);
  const raw = inp.value.trim();
  const v = Number(raw);
  let msg = '';
  if (raw === '' || !Number.isFinite(v)) msg = `${what}: enter a whole number`;
  else if (!Number.isInteger(v)) msg = `${what}: ${raw} is not a whole number`;
  else if (v < min) msg = `${what}: at least ${min.toLocaleString()}`;
  else if (max !== undefined && v > max) msg = `${what}: at most ${max.toLocaleString()}`;
  fieldError(sel, msg);
  return msg ? null : v;
}

// Check option fields: [selector, label, min, max]; the values, or null (first bad one focused).
function options(specs) {
  const out = [];
  let bad = null;
  for (const [sel, what, min, max] of specs) {
    const v = wholeNumber(sel, what, min, typeof max === 'function' ? max() : max);
    if (v === null && !bad) bad = sel;
    out.push(v);
  }
  if (bad) { $(bad).focus(); return null; }
  return out;
}

// An error answered by the API: at the request field it names, else in `box`.
function showApiError(r, fields, box) {
  const d = r.data || {};
  const msg = d.error || String(r.data);
  if (d.field && fields[d.field]) { fieldError(fields[d.field], msg); $(fields[d.field]).focus(); return; }
  if (d.diagnostics && d.diagnostics.length) showDiagnostics(d.diagnostics);
  box.innerHTML = '';
  box.append(el('p', { class: 'error', role: 'alert' }, msg));
}

// ---------- runs ----------
function setProgress(done, total, text) {
  const f = total ? done / total : 0;
  $('#progress-bar').style.width = (100 * f).toFixed(1) + '%';
  $('#progress-text').textContent = text || `${done.toLocaleString()} / ${total.toLocaleString()} runs`;
}

const RUN_FIELDS = { runs: '#runs', seed: '#seed', runs_per_draw: '#runs-per-draw' };

$('#run-btn').addEventListener('click', async () => {
  state.clickAt = performance.now();
  await flushEdits();
  const unc = $('#uncertainty').checked;
  const specs = [['#runs', 'Runs', 1, 2000000], ['#seed', 'Seed', 0]];
  if (unc) specs.push(['#runs-per-draw', 'Runs per draw', 1, () => Math.max(1, Number($('#runs').value) || 1)]);
  else fieldError('#runs-per-draw', '');
  const v = options(specs);
  if (!v) return;
  const body = { toml: $('#toml').value, runs: v[0], seed: v[1] };
  if (unc) { body.uncertainty = true; body.runs_per_draw = v[2]; }
  body.method = $('#run-mc').checked ? 'monte_carlo' : 'exact';
  $('#run-btn').disabled = true;
  const r = await api('POST', '/runs', body);
  if (!r.ok) {
    $('#run-btn').disabled = false;
    showApiError(r, RUN_FIELDS, $('#result'));
    return;
  }
  state.runId = r.data.id;
  $('#cancel-btn').disabled = false;
  setProgress(0, body.runs, 'queued');
  poll();
});

$('#cancel-btn').addEventListener('click', async () => {
  if (!state.runId) return;
  const done = state.lastDone || 0;
  const what = done > 0 ? `The ${done.toLocaleString()} runs done so far are kept as a partial result.` : 'No run has finished yet.';
  if (!confirm(`Cancel run ${state.runId}? ${what}`)) return;
  await api('POST', `/runs/${state.runId}/cancel`);
});

async function poll() {
  const id = state.runId;
  const r = await api('GET', '/runs/' + id);
  if (!r.ok || id !== state.runId) return;
  const d = r.data;
  let text;
  if (d.status === 'queued') text = 'queued…';
  else if (d.so_far && d.so_far.runs > 0) {
    // The summary streams: show p(war) of the runs done so far while the rest run.
    const f = (x) => (100 * x).toFixed(2);
    text = `${d.progress.done.toLocaleString()} / ${d.progress.total.toLocaleString()} runs · p(war) so far ${f(d.so_far.p_war)} % [${f(d.so_far.p_war_ci[0])}, ${f(d.so_far.p_war_ci[1])}]`;
  }
  state.lastDone = d.progress.done;
  setProgress(d.progress.done, d.progress.total, text);
  if (d.status === 'done') {
    const ms = performance.now() - state.clickAt;
    finishRun();
    const how = d.summary && d.summary.method === 'exact' ? 'exact' : `${d.runs.toLocaleString()} runs`;
    setProgress(d.runs, d.runs, `done: ${how} in ${(d.elapsed_ms / 1000).toFixed(2)} s`);
    renderResult(d, ms);
    setLink('run/' + d.id);
  } else if (d.status === 'cancelled' || d.status === 'failed' || d.status === 'interrupted') {
    finishRun();
    if (d.summary) {
      // Cancelled part way: the estimate of the runs done is kept.
      setProgress(d.progress.done, d.runs, `cancelled after ${d.progress.done.toLocaleString()} of ${d.runs.toLocaleString()} runs`);
      renderResult(d);
      setLink('run/' + d.id);
      return;
    }
    setProgress(0, 1, d.status);
    $('#result').innerHTML = '';
    $('#result').append(el('p', { class: 'muted' }, `Run ${id} ${d.status}.`));
  } else {
    state.pollTimer = setTimeout(poll, 80);
  }
}

function finishRun() {
  $('#run-btn').disabled = false;
  $('#cancel-btn').disabled = true;
}

function kpi(label, v, ci, extra) {
  return el('div', { class: 'kpi' }, el('div', { class: 'v' }, pct(v)), el('div', { class: 'l' }, label),
    ci ? el('div', { class: 'ci' }, `95 % interval ${pct(ci[0])} – ${pct(ci[1])}`) : null, extra || null);
}

// The "include parameter uncertainty" checkboxes enable their runs-per-draw fields.
for (const [box, per] of [['#uncertainty', '#runs-per-draw'], ['#compare-uncertainty', '#compare-runs-per-draw']]) {
  $(box).addEventListener('change', () => { $(per).disabled = !$(box).checked; });
}

// With parameter uncertainty: how p(war) spreads across the parameter draws.
function spreadLine(pu) {
  if (!pu) return null;
  return el('div', { class: 'spread', id: 'p-war-spread', title: `share of that spread due to the parameters rather than Monte Carlo noise: ${pct(pu.parameter_share_of_variance, 0)}` },
    `across ${pu.draws.toLocaleString()} parameter draws: median ${pct(pu.p_war_median)}, 95 % of draws in [${(100 * pu.p_war_interval[0]).toFixed(2)}, ${(100 * pu.p_war_interval[1]).toFixed(2)}] %${drawSource(pu.source)}`);
}

// Where the parameter draws came from (older stored runs do not say).
function drawSource(source) {
  if (source === 'plausible') return ' (plausible sets of history matching)';
  if (source === 'prior') return ' (plain prior)';
  return '';
}

// Mean cost over the horizon, with who pays (older stored runs have no split).
function costKpi(s) {
  const r = (x) => Math.round(x).toLocaleString();
  const p = s.mean_cost_by_payer_usd_bn;
  const split = p ? `European defence ${r(p.european_defence)} · US defence ${r(p.us_defence)} · mechanisms ${r(p.mechanisms)}` : '';
  return el('div', { class: 'kpi' }, el('div', { class: 'v' }, r(s.mean_cost_usd_bn)),
    el('div', { class: 'l' }, 'mean cost, US$ bn over the horizon'),
    el('div', { class: 'ci' }, split));
}

function renderResult(run, clientMs) {
  const s = run.summary;
  const box = $('#result');
  box.innerHTML = '';
  const how = s.method === 'exact' ? 'exact' : `${s.runs.toLocaleString()} runs`;
  box.append(el('h2', {}, `${s.architecture}: ${how}, ${s.horizon_years} years` + (s.seed != null ? `, seed ${s.seed}` : '')));
  if (run.status === 'cancelled') {
    box.append(el('p', { class: 'note', id: 'partial-note' }, `Cancelled after ${s.runs.toLocaleString()} of ${run.runs.toLocaleString()} runs: every figure below is the estimate from the runs done (intervals are wider).`));
  }
  box.append(el('div', { class: 'headline' },
    kpi(`p(NATO–Russia war within ${s.horizon_years} years)`, s.p_war, s.p_war_ci, spreadLine(s.parameter_uncertainty)),
    kpi('p(nuclear use)', s.p_nuclear, s.p_nuclear_ci),
    kpi('p(Russia–Ukraine ceasefire breaks down)', s.p_ceasefire_breakdown, s.p_ceasefire_breakdown_ci),
    costKpi(s)));
  if (s.interval) {
    const per = !run.runs_per_draw ? ''
      : s.method === 'exact' ? ` (${Math.ceil(run.runs / run.runs_per_draw).toLocaleString()} draws, each exact)`
        : ` (${run.runs_per_draw.toLocaleString()} runs per draw)`;
    box.append(el('p', { class: 'muted interval-label', id: 'interval-label' }, `Intervals: ${s.interval}${per}.`));
  }
  const charts = el('div', { class: 'charts' });
  charts.innerHTML = survivalChart([s], 'survival-chart') + pathwayChart([s], 'pathway-chart') + crisesChart([s], 'crises-chart');
  drawFigures(charts, s);
  exportable(charts, `run-${run.id}`);
  box.append(charts);
  box.append(el('div', { class: 'row' },
    el('button', { onclick: () => download(`/runs/${run.id}/export?format=json`, `detente-run-${run.id}.json`) }, 'Export JSON'),
    el('button', { onclick: () => download(`/runs/${run.id}/export?format=csv`, `detente-run-${run.id}.csv`) }, 'Export CSV'),
    el('a', { href: '#run/' + run.id, id: 'run-link', title: 'A link that reopens this result' }, 'link to this run'),
    el('span', { class: 'muted', id: 'timing', 'data-ms': Math.round(clientMs || 0) },
      `run ${run.id}; server ${run.elapsed_ms} ms` + (clientMs ? `; click to chart ${Math.round(clientMs)} ms` : ''))));
}

// With parameter uncertainty: the run's survival fan and histogram of p(war) across draws,
// as the server drew them (the HTML report shows the same figures).
function drawFigures(charts, s) {
  const f = s.figures;
  if (!f) return;
  const a = s.parameter_uncertainty && s.parameter_uncertainty.across_draws;
  const of = a ? `${a.draws} of ${a.of} draws` : 'draws';
  charts.append(serverChart(f.survival_fan, 'survival-fan', `P(no war yet) by year across ${of}, ${s.architecture}`),
    serverChart(f.p_war_histogram, 'p-war-histogram', `p(war) across ${of}, ${s.architecture}`));
}

// ---------- charts (inline SVG) ----------
// Each chart in `box` gets buttons that download it as an SVG file or a PNG image (white
// background; the PNG at twice the chart's size).
function exportable(box, prefix) {
  box.querySelectorAll('svg.chart').forEach((svg) => {
    const fig = el('figure', { class: svg.classList.contains('server') ? 'chartfig scrollx' : 'chartfig' });
    svg.replaceWith(fig);
    const name = `detente-${prefix}-${svg.id}`;
    const standalone = () => {
      const copy = svg.cloneNode(true);
      copy.removeAttribute('class');
      const vb = svg.viewBox.baseVal;
      copy.setAttribute('width', vb.width);
      copy.setAttribute('height', vb.height);
      copy.insertAdjacentHTML('afterbegin', `<rect width="100%" height="100%" fill="#fff"/>`);
      return { text: '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy), w: vb.width, h: vb.height };
    };
    const save = (blob, file) => {
      const a = el('a', { href: URL.createObjectURL(blob), download: file });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 5000);
    };
    const btn = el('button', { type: 'button', class: 'ghost small svg-export', title: 'Download this chart as an SVG file', 'data-chart': svg.id }, 'Download SVG');
    btn.addEventListener('click', () => save(new Blob([standalone().text], { type: 'image/svg+xml' }), name + '.svg'));
    const png = el('button', { type: 'button', class: 'ghost small png-export', title: 'Download this chart as a PNG image', 'data-chart': svg.id }, 'PNG');
    png.addEventListener('click', () => {
      const { text, w, h } = standalone();
      const img = new Image();
      img.onload = () => {
        const c = el('canvas', { width: 2 * w, height: 2 * h });
        const g = c.getContext('2d');
        g.scale(2, 2);
        g.drawImage(img, 0, 0, w, h);
        c.toBlob((b) => save(b, name + '.png'), 'image/png');
      };
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
    });
    fig.append(svg, el('figcaption', {}, btn, ' ', png));
  });
}

// Put the result's link in the address bar (without reopening it).
function setLink(hash) { history.replaceState(null, '', '#' + hash); }
function niceMax(x) {
  if (x <= 0) return 1;
  const mag = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= x) return m * mag;
  return 10 * mag;
}

function survivalChart(sums, id) {
  const small = narrow();
  const title = 'Probability of no war yet, by year (95 % band)';
  const head = small ? svgTitle(title, 8, 40) : { h: 0, svg: `<text x="62" y="18" font-weight="600" font-size="14">${title}</text>` };
  const W = small ? 380 : 620, H = (small ? 290 : 300) + head.h, ml = 62, mr = small ? 14 : 20, mt = 30 + head.h, mb = 46;
  const pw = W - ml - mr, ph = H - mt - mb;
  const xmax = Math.max(...sums.map((s) => s.survival.length));
  const minLow = Math.min(...sums.flatMap((s) => s.survival.map((y) => y.ci[0])));
  const ymin = Math.max(0, 1 - niceMax(1 - minLow));
  const sx = (x) => ml + pw * x / xmax, sy = (y) => mt + ph * (1 - (y - ymin) / (1 - ymin));
  let g = head.svg;
  for (let i = 0; i <= 5; i++) {
    const y = ymin + (1 - ymin) * i / 5;
    g += `<line x1="${ml}" x2="${ml + pw}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e3e3e3"/><text x="${ml - 6}" y="${sy(y) + 4}" text-anchor="end">${(100 * y).toFixed(1)} %</text>`;
  }
  const step = xmax > 20 ? 5 : xmax > 10 ? 2 : 1;
  for (let x = 0; x <= xmax; x += step) g += `<text x="${sx(x)}" y="${mt + ph + 16}" text-anchor="middle">${x}</text>`;
  g += `<line x1="${ml}" x2="${ml}" y1="${mt}" y2="${mt + ph}" stroke="#333"/><line x1="${ml}" x2="${ml + pw}" y1="${mt + ph}" y2="${mt + ph}" stroke="#333"/>`;
  g += `<text x="${ml + pw / 2}" y="${H - 8}" text-anchor="middle">years from the start of the horizon</text>`;
  g += `<text transform="translate(14 ${mt + ph / 2}) rotate(-90)" text-anchor="middle">P(no NATO–Russia war yet)</text>`;
  sums.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = [{ year: 0, p_no_war: 1, ci: [1, 1] }, ...s.survival];
    const band = pts.map((p) => `${sx(p.year)},${sy(p.ci[1])}`).concat(pts.slice().reverse().map((p) => `${sx(p.year)},${sy(p.ci[0])}`)).join(' ');
    g += `<polygon points="${band}" fill="${c}" fill-opacity="0.2"/>`;
    g += `<polyline points="${pts.map((p) => `${sx(p.year)},${sy(p.p_no_war)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`;
    pts.slice(1).forEach((p) => { g += `<circle cx="${sx(p.year)}" cy="${sy(p.p_no_war)}" r="2.5" fill="${c}"><title>year ${p.year}: ${pct(p.p_no_war)} [${pct(p.ci[0])}, ${pct(p.ci[1])}]</title></circle>`; });
    if (sums.length > 1) g += `<rect x="${ml + 10}" y="${mt + ph - 18 - 16 * i}" width="10" height="10" fill="${c}"/><text x="${ml + 24}" y="${mt + ph - 9 - 16 * i}">${esc(s.architecture)}</text>`;
  });
  return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="survival curve" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">${g}</svg>`;
}

// Horizontal grouped bars with whiskers. rows: labels; series: [{name, vals: [[v, lo, hi]]}].
// On a narrow screen (a phone) charts are drawn for its width, labels above their bars, so
// that their text stays readable without scrolling sideways.
const narrow = () => window.matchMedia('(max-width: 720px)').matches;

// The title as one or two lines of SVG text from (x, 18).
function svgTitle(title, x, max) {
  const lines = wrapLabel(title, max);
  return { h: 16 * (lines.length - 1), svg: `<text x="${x}" y="18" font-weight="600" font-size="14">` +
    lines.map((t, j) => `<tspan x="${x}" y="${18 + 16 * j}">${esc(t)}</tspan>`).join('') + '</text>' };
}

function barChart(id, title, rows, series, xLabel, percent, opts = {}) {
  if (narrow()) return barChartNarrow(id, title, rows, series, xLabel, percent, opts);
  const k = series.length, barH = 13;
  const labels = rows.map((t) => wrapLabel(t, 40));
  const twoLines = labels.some((l) => l.length > 1);
  const gh = Math.max(barH * k + 8, twoLines ? 32 : 0);
  const W = 680, ml = 270, mr = 24, mt = 28 + (k > 1 ? 16 * k : 0), mb = 40;
  const H = Math.max(110, mt + mb + gh * rows.length), pw = W - ml - mr;
  const all = series.flatMap((s) => s.vals);
  const hiRaw = Math.max(0, ...all.map((v) => v[2]));
  const loRaw = Math.min(0, ...all.map((v) => v[1]));
  let hi = hiRaw > 0 ? niceMax(hiRaw) : 0;
  let lo = loRaw < 0 ? -niceMax(-loRaw) : 0;
  if (hi === 0 && lo === 0) hi = 1;
  const sx = (x) => ml + pw * (x - lo) / (hi - lo);
  const fmt = (x) => percent ? (100 * x).toFixed(Math.abs(hi - lo) < 0.05 ? 2 : 1) + (percent === 'pp' ? ' pp' : ' %') : x.toFixed(opts.digits ?? 3);
  let g = `<text x="8" y="18" font-weight="600" font-size="14">${esc(title)}</text>`;
  if (k > 1) series.forEach((s, i) => { g += `<rect x="${ml}" y="${26 + 16 * i}" width="10" height="10" fill="${PALETTE[i % 6]}"/><text x="${ml + 14}" y="${35 + 16 * i}">${esc(s.name)}</text>`; });
  for (let i = 0; i <= 5; i++) {
    const x = lo + (hi - lo) * i / 5;
    g += `<line x1="${sx(x)}" x2="${sx(x)}" y1="${mt}" y2="${H - mb}" stroke="#e3e3e3"/><text x="${sx(x)}" y="${H - mb + 14}" text-anchor="middle">${fmt(x)}</text>`;
  }
  g += `<line x1="${sx(0)}" x2="${sx(0)}" y1="${mt}" y2="${H - mb}" stroke="#333"/>`;
  g += `<text x="${ml + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`;
  rows.forEach((label, r) => {
    const gy = mt + gh * r;
    const lines = labels[r], y0 = gy + gh / 2 + 4 - 7 * (lines.length - 1);
    g += `<text x="${ml - 6}" y="${y0}" text-anchor="end"><title>${esc(opts.tips ? opts.tips[r] : label)}</title>` +
      lines.map((t, j) => `<tspan x="${ml - 6}" y="${y0 + 14 * j}">${esc(t)}</tspan>`).join('') + '</text>';
    const by = gy + (gh - barH * k) / 2 + 1;
    series.forEach((s, i) => {
      const [v, l, u] = s.vals[r];
      const y = by + barH * i, x0 = Math.min(sx(0), sx(v)), x1 = Math.max(sx(0), sx(v)), ym = y + (barH - 2) / 2;
      g += `<rect x="${x0}" y="${y}" width="${Math.max(0.5, x1 - x0)}" height="${barH - 2}" fill="${PALETTE[i % 6]}" fill-opacity="0.85"><title>${esc(s.name)} · ${esc(label)}: ${fmt(v)} [${fmt(l)}, ${fmt(u)}]</title></rect>`;
      if (u > l) g += `<path d="M${sx(l)} ${ym}H${sx(u)}M${sx(l)} ${ym - 4}V${ym + 4}M${sx(u)} ${ym - 4}V${ym + 4}" stroke="#111" fill="none"/>`;
    });
  });
  return `<svg id="${id}" class="chart${opts.tall ? ' tall' : ''}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">${g}</svg>`;
}

// The same chart for a phone: 380 wide, each row's label on its own line(s) above its bars.
function barChartNarrow(id, title, rows, series, xLabel, percent, opts = {}) {
  const k = series.length, barH = 13, W = 380, ml = 10, mr = 18, pw = W - ml - mr;
  const head = svgTitle(title, 8, 46);
  const labels = rows.map((t) => wrapLabel(t, 52));
  const xl = wrapLabel(xLabel, 56);
  const mt = 30 + head.h + (k > 1 ? 16 * k : 0), mb = 26 + 14 * xl.length;
  const tops = [];
  let y = mt;
  for (const l of labels) { tops.push(y); y += 14 * l.length + barH * k + 8; }
  const H = Math.max(110, y + mb);
  const all = series.flatMap((s) => s.vals);
  const hiRaw = Math.max(0, ...all.map((v) => v[2]));
  const loRaw = Math.min(0, ...all.map((v) => v[1]));
  let hi = hiRaw > 0 ? niceMax(hiRaw) : 0;
  let lo = loRaw < 0 ? -niceMax(-loRaw) : 0;
  if (hi === 0 && lo === 0) hi = 1;
  const sx = (x) => ml + pw * (x - lo) / (hi - lo);
  const fmt = (x) => percent ? (100 * x).toFixed(Math.abs(hi - lo) < 0.05 ? 2 : 1) + (percent === 'pp' ? ' pp' : ' %') : x.toFixed(opts.digits ?? 3);
  let g = head.svg;
  if (k > 1) series.forEach((s, i) => { g += `<rect x="${ml}" y="${26 + head.h + 16 * i}" width="10" height="10" fill="${PALETTE[i % 6]}"/><text x="${ml + 14}" y="${35 + head.h + 16 * i}">${esc(s.name)}</text>`; });
  const bottom = H - mb;
  for (let i = 0; i <= 4; i++) {
    const x = lo + (hi - lo) * i / 4;
    const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
    g += `<line x1="${sx(x)}" x2="${sx(x)}" y1="${mt}" y2="${bottom}" stroke="#e3e3e3"/><text x="${sx(x)}" y="${bottom + 14}" text-anchor="${anchor}">${fmt(x)}</text>`;
  }
  g += `<line x1="${sx(0)}" x2="${sx(0)}" y1="${mt}" y2="${bottom}" stroke="#333"/>`;
  g += `<text x="${W / 2}" y="${bottom + 30}" text-anchor="middle">` + xl.map((t, j) => `<tspan x="${W / 2}" y="${bottom + 30 + 14 * j}">${esc(t)}</tspan>`).join('') + '</text>';
  rows.forEach((label, r) => {
    const lines = labels[r], top = tops[r];
    g += `<text x="${ml}" y="${top + 11}"><title>${esc(opts.tips ? opts.tips[r] : label)}</title>` +
      lines.map((t, j) => `<tspan x="${ml}" y="${top + 11 + 14 * j}">${esc(t)}</tspan>`).join('') + '</text>';
    const by = top + 14 * lines.length + 2;
    series.forEach((s, i) => {
      const [v, l, u] = s.vals[r];
      const y0 = by + barH * i, x0 = Math.min(sx(0), sx(v)), x1 = Math.max(sx(0), sx(v)), ym = y0 + (barH - 2) / 2;
      g += `<rect x="${x0}" y="${y0}" width="${Math.max(0.5, x1 - x0)}" height="${barH - 2}" fill="${PALETTE[i % 6]}" fill-opacity="0.85"><title>${esc(s.name)} · ${esc(label)}: ${fmt(v)} [${fmt(l)}, ${fmt(u)}]</title></rect>`;
      if (u > l) g += `<path d="M${sx(l)} ${ym}H${sx(u)}M${sx(l)} ${ym - 4}V${ym + 4}M${sx(u)} ${ym - 4}V${ym + 4}" stroke="#111" fill="none"/>`;
    });
  });
  return `<svg id="${id}" class="chart narrow" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">${g}</svg>`;
}

// Split a label into at most two balanced lines of at most `max` characters (at spaces).
function wrapLabel(t, max) {
  t = String(t).replace(/ -> /g, ' → ');
  if (t.length <= max) return [t];
  const words = t.split(' ');
  let best = null;
  for (let i = 1; i < words.length; i++) {
    const a = words.slice(0, i).join(' '), b = words.slice(i).join(' ');
    const m = Math.max(a.length, b.length);
    if (!best || m < best.m) best = { a, b, m };
  }
  if (!best) return [t.slice(0, max - 1) + '…'];
  const cut = (x) => x.length > max ? x.slice(0, max - 1) + '…' : x;
  return [cut(best.a), cut(best.b)];
}

// Pathways in the brief's order (a)…(g): the labels start with "(a)", "(b)", …
function pathwayKeys(s) {
  return Object.keys(s.by_pathway).sort((x, y) => s.by_pathway[x].label.localeCompare(s.by_pathway[y].label));
}

function pathwayChart(sums, id) {
  const keys = pathwayKeys(sums[0]);
  return barChart(id, 'First war by pathway: p(war via pathway), 95 % whiskers', keys.map((k) => sums[0].by_pathway[k].label),
    sums.map((s) => ({ name: s.architecture, vals: keys.map((k) => [s.by_pathway[k].p_war, ...s.by_pathway[k].p_war_ci]) })),
    'probability that the first war comes this way', true);
}

function crisesChart(sums, id) {
  const keys = pathwayKeys(sums[0]);
  return barChart(id, 'Crises per year at risk, by pathway', keys.map((k) => sums[0].by_pathway[k].label),
    sums.map((s) => ({ name: s.architecture, vals: keys.map((k) => { const v = s.by_pathway[k].crises_per_year; return [v, v, v]; }) })),
    'crises per year (before the first war)', false);
}

// ---------- compare ----------
function chosen() { return [...document.querySelectorAll('#compare-choices input:checked')].map((i) => i.value); }

const COMPARE_FIELDS = { runs: '#compare-runs', seed: '#compare-seed', runs_per_draw: '#compare-runs-per-draw' };

// The comparison's options from its fields, checked at each field; null if one is wrong.
function compareOptions() {
  const unc = $('#compare-uncertainty').checked;
  const specs = [['#compare-runs', 'Runs each', 1, 500000], ['#compare-seed', 'Seed', 0]];
  if (unc) specs.push(['#compare-runs-per-draw', 'Runs per draw', 1, () => Math.max(1, Number($('#compare-runs').value) || 1)]);
  else fieldError('#compare-runs-per-draw', '');
  const v = options(specs);
  if (!v) return null;
  const o = { runs: v[0], seed: v[1] };
  if (unc) { o.uncertainty = true; o.runs_per_draw = v[2]; }
  return o;
}

// A comparison runs as a job: its progress (runs done of each architecture) shows, and
// Cancel stops it.
const cmp = { id: null };
function compareProgress(done, total, text) {
  $('#compare-bar').style.width = (total ? 100 * done / total : 0).toFixed(1) + '%';
  $('#compare-text').textContent = text || `${done.toLocaleString()} / ${total.toLocaleString()} runs each`;
}

async function runCompare() {
  const archs = chosen();
  if (archs.length < 2) { $('#compare-status').textContent = 'Tick at least two architectures.'; return; }
  const o = compareOptions();
  if (!o) { $('#compare-status').textContent = ''; return; }
  $('#compare-btn').disabled = true;
  $('#compare-status').textContent = '';
  const t0 = performance.now();
  const body = { architectures: archs, ...o, job: true };
  body.method = $('#compare-mc').checked ? 'monte_carlo' : 'exact';
  const r = await api('POST', '/compare', body);
  if (!r.ok) {
    $('#compare-btn').disabled = false;
    compareProgress(0, 1, 'refused');
    showApiError(r, COMPARE_FIELDS, $('#compare-result'));
    return;
  }
  const id = r.data.id;
  cmp.id = id;
  $('#compare-cancel').disabled = false;
  compareProgress(0, o.runs, 'queued…');
  let d;
  for (;;) {
    const g = await api('GET', '/compare/' + id);
    if (!g.ok || cmp.id !== id) { $('#compare-btn').disabled = false; return; }
    d = g.data;
    if (d.status !== 'queued' && d.status !== 'running') break;
    compareProgress(d.progress.done, d.progress.total, d.status === 'queued' ? 'queued…' : undefined);
    await new Promise((res) => setTimeout(res, 150));
  }
  $('#compare-btn').disabled = false;
  $('#compare-cancel').disabled = true;
  if (d.status !== 'done') {
    compareProgress(0, 1, d.status);
    $('#compare-result').innerHTML = '';
    $('#compare-result').append(el('p', { class: d.error ? 'error' : 'muted' }, `Comparison ${d.status}` + (d.error ? ': ' + d.error : '.')));
    return;
  }
  compareProgress(1, 1, `done in ${Math.round(performance.now() - t0)} ms`);
  $('#compare-status').textContent = '';
  renderCompare(d.result);
  const q = new URLSearchParams({ runs: o.runs, seed: o.seed });
  if (o.uncertainty) q.set('runs_per_draw', o.runs_per_draw);
  if (body.method === 'monte_carlo') q.set('mc', '1');
  setLink('compare/' + archs.map(encodeURIComponent).join(',') + '?' + q);
}
$('#compare-cancel').addEventListener('click', async () => {
  if (cmp.id && confirm('Cancel the comparison? Its runs so far are discarded.')) await api('POST', `/compare/${cmp.id}/cancel`);
});
$('#compare-btn').addEventListener('click', runCompare);

function renderCompare(d) {
  const box = $('#compare-result');
  box.innerHTML = '';
  const sums = d.results;
  const how = d.method === 'exact' ? 'exact' : `${d.runs.toLocaleString()} runs each, seed ${d.seed}`;
  box.append(el('h2', {}, `${sums.map((s) => s.architecture).join(' vs ')}: ${how}`));
  const draws = d.diff_vs_first.some((x) => x.diff_across_draws);
  const heads = ['Architecture', 'p(war) [95 %]', `Paired difference vs ${d.baseline} [95 %]`, 'p(nuclear) [95 %]', 'Mean cost (US$ bn)'];
  if (draws) heads.push('median difference across draws [95 % of draws]', `draws safer than ${d.baseline}`);
  const t = el('table', { id: 'compare-table' }, el('tr', {}, heads.map((h) => el('th', {}, h))));
  const pp = (x) => (100 * x).toFixed(2);
  sums.forEach((s, i) => {
    const df = d.diff_vs_first[i];
    const x = df.diff_across_draws;
    t.append(el('tr', {}, el('td', {}, s.architecture),
      el('td', { class: 'n' }, `${pct(s.p_war)} [${pct(s.p_war_ci[0])}, ${pct(s.p_war_ci[1])}]`),
      el('td', { class: 'n' }, i === 0 ? '—' : `${pp(df.value)} pp [${pp(df.ci[0])}, ${pp(df.ci[1])}]`),
      el('td', { class: 'n' }, `${pct(s.p_nuclear)} [${pct(s.p_nuclear_ci[0])}, ${pct(s.p_nuclear_ci[1])}]`),
      el('td', { class: 'n' }, Math.round(s.mean_cost_usd_bn).toLocaleString()),
      draws ? el('td', { class: 'n' }, i === 0 || !x ? '—' : `${pp(x.median)} pp [${pp(x.interval[0])}, ${pp(x.interval[1])}]`) : null,
      draws ? el('td', { class: 'n draws-safer' }, i === 0 || !x ? '—' : `${pct(x.share_of_draws_safer_than_first, 0)} of ${x.draws.toLocaleString()}`) : null));
  });
  box.append(t);
  const label = sums[0] && sums[0].interval;
  if (label) {
    const per = !d.runs_per_draw ? ''
      : d.method === 'exact' ? ` (${Math.ceil(d.runs / d.runs_per_draw).toLocaleString()} draws, each exact; every architecture sees the same draws)`
        : ` (${d.runs_per_draw.toLocaleString()} runs per draw; every architecture sees the same draws)`;
    box.append(el('p', { class: 'muted interval-label' }, `Intervals: ${label}${per}.`));
  }
  const charts = el('div', { class: 'charts' });
  const diffRows = sums.slice(1).map((s) => `${s.architecture} − ${d.baseline}`);
  const diffVals = d.diff_vs_first.slice(1).map((x) => [x.value, x.ci[0], x.ci[1]]);
  charts.innerHTML = barChart('diff-chart', 'Paired difference in p(war) vs ' + d.baseline + ' (95 % CI)', diffRows, [{ name: 'difference', vals: diffVals }],
    'percentage points (negative = safer)', 'pp') + survivalChart(sums, 'compare-survival') + pathwayChart(sums, 'compare-pathways');
  exportable(charts, 'compare');
  box.append(charts);
}

$('#report-btn').addEventListener('click', async () => {
  const archs = chosen();
  if (!archs.length) return;
  const o = compareOptions();
  if (!o) return;
  let q = archs.map((a) => 'arch=' + encodeURIComponent(a)).join('&') + `&runs=${o.runs}&seed=${o.seed}`;
  if (o.uncertainty) q += `&uncertainty=true&runs_per_draw=${o.runs_per_draw}`;
  $('#compare-status').textContent = 'building report…';
  const ok = await download('/report?' + q, 'detente-report.html');
  $('#compare-status').textContent = ok ? 'report downloaded' : 'no report';
});

// ---------- sensitivity ----------
let PARAMS = null;
async function paramSpecs() {
  if (!PARAMS) { const r = await api('GET', '/params'); PARAMS = r.ok ? r.data : []; }
  return PARAMS;
}
const sens = { id: null, t0: 0 };

function sensCost() {
  const method = $('#sens-method').value, n = Number($('#sens-n').value), runs = Number($('#sens-runs').value);
  const names = $('#sens-params').value.split(',').map((x) => x.trim()).filter(Boolean);
  const d = names.length || (PARAMS ? PARAMS.filter((p) => p.high > p.low).length : 0);
  if (!d) return;
  const evals = n * (d + (method === 'sobol' ? 2 : 1));
  $('#sens-cost').textContent = $('#sens-mc').checked
    ? `${d} parameters: ${evals.toLocaleString()} evaluations × ${runs.toLocaleString()} runs = ${(evals * runs).toLocaleString()} model runs`
    : `${d} parameters: ${evals.toLocaleString()} exact evaluations`;
}
['#sens-method', '#sens-n', '#sens-runs', '#sens-params'].forEach((q) => $(q).addEventListener('input', sensCost));
$('#sens-mc').addEventListener('change', sensCost);
$('#sens-method').addEventListener('change', () => {
  const sobol = $('#sens-method').value === 'sobol';
  $('#sens-n').value = sobol ? 4 : 4;
  $('#sens-runs').value = sobol ? 300 : 500;
  sensCost();
});

function sensProgress(done, total, text) {
  $('#sens-bar').style.width = (total ? 100 * done / total : 0).toFixed(1) + '%';
  $('#sens-text').textContent = text || `${done.toLocaleString()} / ${total.toLocaleString()} evaluations`;
}

const SENS_FIELDS = { n: '#sens-n', runs: '#sens-runs', seed: '#sens-seed' };

$('#sens-btn').addEventListener('click', async () => {
  await flushEdits();
  await paramSpecs();
  const names = $('#sens-params').value.split(',').map((x) => x.trim()).filter(Boolean);
  const v = options([['#sens-n', 'n', 1], ['#sens-runs', 'Runs per evaluation', 1], ['#sens-seed', 'Seed', 0]]);
  if (!v) return;
  const body = { toml: $('#toml').value, method: $('#sens-method').value, n: v[0],
    runs: v[1], seed: v[2], monte_carlo: $('#sens-mc').checked };
  if (names.length) body.params = names;
  sens.t0 = performance.now();
  $('#sens-btn').disabled = true;
  const r = await api('POST', '/sensitivity', body);
  if (!r.ok) {
    $('#sens-btn').disabled = false;
    sensProgress(0, 1, 'refused');
    showApiError(r, SENS_FIELDS, $('#sens-result'));
    return;
  }
  sens.id = r.data.id;
  $('#sens-cancel').disabled = false;
  sensProgress(0, r.data.evaluations, 'queued…');
  sensPoll();
});

$('#sens-cancel').addEventListener('click', async () => { if (sens.id) await api('POST', `/sensitivity/${sens.id}/cancel`); });

async function sensPoll() {
  const id = sens.id;
  const r = await api('GET', '/sensitivity/' + id);
  if (!r.ok || id !== sens.id) return;
  const d = r.data;
  if (d.status === 'queued' || d.status === 'running') {
    sensProgress(d.progress.done, d.progress.total, d.status === 'queued' ? 'queued…' : undefined);
    setTimeout(sensPoll, 150);
    return;
  }
  $('#sens-btn').disabled = false;
  $('#sens-cancel').disabled = true;
  if (d.status === 'done') {
    const ms = Math.round(performance.now() - sens.t0);
    sensProgress(1, 1, `done: ${d.evaluations.toLocaleString()} evaluations in ${d.result.seconds.toFixed(1)} s`);
    renderSensitivity(d.result, ms);
    if (d.result.result_id) setLink('result/' + d.result.result_id);
  } else {
    sensProgress(0, 1, d.status);
    $('#sens-result').innerHTML = '';
    $('#sens-result').append(el('p', { class: d.error ? 'error' : 'muted' }, `Analysis ${d.status}` + (d.error ? ': ' + d.error : '.')));
  }
}

function paramTip(spec, name) {
  if (!spec) return name;
  return `${name} [${spec.unit || 'dimensionless'}]: ${spec.doc} Default ${spec.default}; range ${spec.low} – ${spec.high}. Source: ${spec.source}.`;
}

function renderSensitivity(res, clientMs) {
  const box = $('#sens-result');
  box.innerHTML = '';
  const specs = Object.fromEntries((res.params || []).map((p) => [p.name, p]));
  const sobol = res.method === 'sobol';
  const key = sobol ? (i) => i.ST : (i) => i.mu_star;
  const idx = [...res.indices].sort((a, b) => key(b) - key(a));
  const top = Number($('#sens-top') ? $('#sens-top').value : 20) || idx.length;
  const shown = idx.slice(0, top);
  box.append(el('h2', {}, `${sobol ? 'Sobol' : 'Morris'} sensitivity of p(war): ${res.architecture}, ${res.parameters} parameters, ${res.evaluations.toLocaleString()} evaluations ${res.runs_per_evaluation ? `× ${res.runs_per_evaluation.toLocaleString()} runs, seed ${res.seed}` : '(each exact)'}`));
  const topSel = el('select', { id: 'sens-top', onchange: () => renderSensitivity(res) },
    [10, 20, 40, 0].map((k) => el('option', { value: k, selected: k === top || (k === 0 && top >= idx.length && idx.length > 40) }, k ? `top ${k}` : 'all')));
  box.append(el('div', { class: 'row' }, el('label', {}, 'Show ', topSel),
    el('span', { class: 'muted', id: 'sens-timing', 'data-ms': clientMs || '' },
      `sorted by ${sobol ? 'ST' : 'mu*'}; server ${res.seconds.toFixed(1)} s` + (clientMs ? `; click to chart ${(clientMs / 1000).toFixed(1)} s` : '') +
      '; hover a parameter for its unit, meaning and range')));
  const rows = shown.map((i) => i.name + (specs[i.name] && specs[i.name].unit ? ` [${specs[i.name].unit}]` : ''));
  const tips = shown.map((i) => paramTip(specs[i.name], i.name));
  let svg;
  if (sobol) {
    svg = barChart('sens-chart', 'Sobol indices of p(war): S1 and ST with 95 % bootstrap intervals', rows,
      [{ name: 'S1 (first order)', vals: shown.map((i) => [i.S1, i.S1 - i.S1_conf, i.S1 + i.S1_conf]) },
        { name: 'ST (total)', vals: shown.map((i) => [i.ST, i.ST - i.ST_conf, i.ST + i.ST_conf]) }],
      'share of the variance of p(war)', false, { tips, digits: 2, tall: true });
  } else {
    svg = barChart('sens-chart', 'Morris: mu* with 95 % bootstrap interval, and sigma', rows,
      [{ name: 'mu* (mean |effect|)', vals: shown.map((i) => [i.mu_star, Math.max(0, i.mu_star - i.mu_star_conf), i.mu_star + i.mu_star_conf]) },
        { name: 'sigma (spread of effects)', vals: shown.map((i) => [i.sigma, i.sigma, i.sigma]) }],
      'change in p(war) over the parameter\'s full range', false, { tips, digits: 3, tall: true });
  }
  const c = el('div', { class: 'wide-chart' });
  c.innerHTML = svg;
  exportable(c, 'sensitivity');
  box.append(c);
  if (shown.length < idx.length) box.append(el('p', { class: 'muted' }, `${idx.length - shown.length} less influential parameters are not drawn; all are in the table.`));
  const head = sobol ? ['Parameter', 'Unit', 'S1', '± 95 %', 'ST', '± 95 %'] : ['Parameter', 'Unit', 'mu*', '± 95 %', 'sigma', 'mu'];
  const t = el('table', { id: 'sens-table' }, el('tr', {}, head.map((h) => el('th', {}, h))));
  for (const i of idx) {
    const vals = sobol ? [i.S1, i.S1_conf, i.ST, i.ST_conf] : [i.mu_star, i.mu_star_conf, i.sigma, i.mu];
    t.append(el('tr', { title: paramTip(specs[i.name], i.name) }, el('td', {}, i.name), el('td', {}, specs[i.name] ? specs[i.name].unit : ''),
      vals.map((v) => el('td', { class: 'n' }, v.toFixed(4)))));
  }
  box.append(el('div', { class: 'scroll' }, t));
}

// ---------- scenario discovery and robustness ----------
// The studies run in the analysis library on the server, which also draws their figures (the
// same SVG as `detente discover --plot` and `detente robust --plot`); the page shows them.
function serverChart(svgText, id, label) {
  const holder = el('div');
  holder.innerHTML = svgText;
  const svg = holder.querySelector('svg');
  svg.classList.add('chart', 'server');
  svg.id = id;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  return svg;
}
// A box's limit: an unbounded side (CART) is "…".
const lim = (v) => (v === null || !Number.isFinite(v) ? '…' : Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());
// A numeric setting of a study, checked at its field: the number, or null with the reason shown.
function decimal(sel, what) {
  const raw = $(sel).value.trim();
  const v = Number(raw);
  const bad = raw === '' || !Number.isFinite(v);
  fieldError(sel, bad ? `${what}: enter a number` : '');
  return bad ? null : v;
}

const DISC_FIELDS = { n: '#disc-n', seed: '#disc-seed', when: '#disc-when', against: '#disc-against', objective: '#disc-objective',
  threshold: '#disc-threshold', peel_alpha: '#disc-peel', paste_alpha: '#disc-paste', mass_min: '#disc-mass' };

async function runDiscover() {
  await flushEdits();
  await paramSpecs();
  Object.values(DISC_FIELDS).forEach((f) => fieldError(f, ''));
  const v = options([['#disc-n', 'Samples', 2], ['#disc-seed', 'Seed', 0]]);
  const nums = [['#disc-threshold', 'Threshold'], ['#disc-peel', 'peel α'], ['#disc-paste', 'paste α'], ['#disc-mass', 'Mass min']].map(([s, w]) => decimal(s, w));
  if (!v || nums.includes(null)) return;
  const body = { toml: $('#toml').value, when: $('#disc-when').value, n: v[0], seed: v[1], objective: $('#disc-objective').value,
    threshold: nums[0], peel_alpha: nums[1], paste_alpha: nums[2], mass_min: nums[3] };
  if ($('#disc-against').value) body.against = $('#disc-against').value;
  $('#disc-btn').disabled = true;
  $('#disc-status').textContent = `evaluating ${v[0].toLocaleString()} samples…`;
  const t0 = performance.now();
  const r = await api('POST', '/discover', body);
  $('#disc-btn').disabled = false;
  if (!r.ok) {
    $('#disc-status').textContent = '';
    showApiError(r, DISC_FIELDS, $('#disc-result'));
    return;
  }
  $('#disc-status').textContent = `done: server ${r.data.seconds.toFixed(1)} s; click to chart ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  renderDiscover(r.data);
  setLink('result/' + r.data.result_id);
}
$('#disc-btn').addEventListener('click', runDiscover);

function renderDiscover(d) {
  const box = $('#disc-result');
  box.innerHTML = '';
  const specs = Object.fromEntries((PARAMS || []).map((p) => [p.name, p]));
  const share = (k, n) => `${k.toLocaleString()} of ${n.toLocaleString()} (${pct(n ? k / n : 0, 1)})`;
  box.append(el('h2', {}, `Scenario discovery, ${d.architecture}: cases where ${d.when.outcome} ${d.when.op} ${d.when.value}` + (d.against ? ` (regret against ${d.against})` : '')));
  box.append(el('p', { id: 'disc-summary' }, `Cases of interest: ${share(d.cases_of_interest, d.points)} of ${d.samples.toLocaleString()} samples `
    + `(Latin hypercube over ${d.inputs.length} inputs, seed ${d.seed}, each exact). PRIM: ${d.objective}, threshold ${d.threshold}, `
    + `peel α ${d.peel_alpha}, paste α ${d.paste_alpha}, mass min ${d.mass_min}; ${d.trajectory.length} boxes on the trajectory.`));
  const charts = el('div', { class: 'charts' },
    serverChart(d.figures.trajectory, 'discover-trajectory', 'PRIM coverage–density trajectory'),
    serverChart(d.figures.limits, 'discover-limits', 'limits of the PRIM box'));
  exportable(charts, 'discover');
  box.append(charts);
  const c = d.chosen;
  box.append(el('h3', {}, c ? `Box kept: coverage ${c.coverage.toFixed(3)}, density ${c.density.toFixed(3)}, mass ${c.mass.toFixed(3)}`
    : `No box reaches the density threshold ${d.threshold}${d.trajectory.length ? ` (the last reaches ${d.trajectory[d.trajectory.length - 1].density.toFixed(3)})` : ''}: lower the threshold or the mass min to see more`));
  if (c) {
    const t = el('table', { id: 'disc-box' }, el('tr', {}, ['Input', 'Unit', 'Box', 'Sampled range', 'Share of the range kept'].map((h) => el('th', {}, h))));
    for (const [name, l] of Object.entries(c.restricted)) {
      const r = d.initial_box[name] || l;
      const kept = r[1] > r[0] ? (l[1] - l[0]) / (r[1] - r[0]) : 1;
      t.append(el('tr', { title: paramTip(specs[name], name) }, el('td', {}, name), el('td', {}, specs[name] ? specs[name].unit : ''),
        el('td', { class: 'n' }, `[${lim(l[0])}, ${lim(l[1])}]`), el('td', { class: 'n' }, `[${lim(r[0])}, ${lim(r[1])}]`), el('td', { class: 'n' }, pct(kept, 0))));
    }
    box.append(t);
  }
  const k = d.cart.leaves_of_interest;
  box.append(el('h3', {}, `CART (Gini, leaves of at least ${d.cart.mass_min} of the samples, depth up to ${d.cart.max_depth}): `
    + `${d.cart.leaves.length} leaves, ${k} mostly of interest`));
  if (k) {
    const t = el('table', { id: 'disc-cart' }, el('tr', {}, ['Leaf', 'Coverage', 'Density', 'Mass', 'Conditions'].map((h) => el('th', {}, h))));
    d.cart.leaves.slice(0, k).forEach((leaf, i) => {
      const conds = Object.entries(leaf.restricted).map(([n, l]) => `${lim(l[0])} < ${n} ≤ ${lim(l[1])}`.replace(/^… < /, '').replace(/ ≤ …$/, ''));
      t.append(el('tr', {}, el('td', {}, String(i + 1)), el('td', { class: 'n' }, leaf.coverage.toFixed(3)), el('td', { class: 'n' }, leaf.density.toFixed(3)),
        el('td', { class: 'n' }, leaf.mass.toFixed(3)), el('td', {}, conds.join('; ') || 'all samples')));
    });
    box.append(t);
  }
  const steps = el('table', { id: 'disc-trajectory' }, el('tr', {}, ['Box', 'Step', 'Coverage', 'Density', 'Mass', 'Inputs restricted'].map((h) => el('th', {}, h))));
  d.trajectory.forEach((b, i) => steps.append(el('tr', {}, el('td', {}, String(i)), el('td', {}, b.step),
    [b.coverage, b.density, b.mass].map((x) => el('td', { class: 'n' }, x.toFixed(3))), el('td', { class: 'n' }, String(Object.keys(b.restricted).length)))));
  box.append(el('details', {}, el('summary', {}, 'The peeling and pasting trajectory, box by box'), steps));
}

const ROBUST_FIELDS = { n: '#robust-n', seed: '#robust-seed', target: '#robust-target' };

async function runRobust() {
  const archs = chosen();
  if (archs.length < 2) { $('#robust-status').textContent = 'Tick at least two architectures above.'; return; }
  Object.values(ROBUST_FIELDS).forEach((f) => fieldError(f, ''));
  const v = options([['#robust-n', 'Draws', 1], ['#robust-seed', 'Seed', 0]]);
  const target = decimal('#robust-target', 'Target p(war)');
  if (!v || target === null) return;
  $('#robust-btn').disabled = true;
  $('#robust-status').textContent = `evaluating ${archs.length} architectures on ${v[0].toLocaleString()} draws…`;
  const r = await api('POST', '/robust', { architectures: archs, n: v[0], seed: v[1], target });
  $('#robust-btn').disabled = false;
  if (!r.ok) {
    $('#robust-status').textContent = '';
    showApiError(r, ROBUST_FIELDS, $('#robust-result'));
    return;
  }
  $('#robust-status').textContent = `done: server ${r.data.seconds.toFixed(1)} s`;
  renderRobust(r.data);
  setLink('result/' + r.data.result_id);
}
$('#robust-btn').addEventListener('click', runRobust);

function renderRobust(d) {
  const box = $('#robust-result');
  box.innerHTML = '';
  const heads = ['Architecture', 'mean p(war)', '90th pct p(war)', 'mean cost (US$ bn)', 'max regret', 'mean regret', `draws meeting p(war) ≤ ${pct(d.target, 1)}`, 'best in'];
  const t = el('table', { id: 'robust-table' }, el('tr', {}, heads.map((h) => el('th', {}, h))));
  const pp = (x) => (100 * x).toFixed(2) + ' pp';
  for (const a of d.architectures) {
    t.append(el('tr', {}, el('td', {}, a.architecture), el('td', { class: 'n' }, pct(a.mean_p_war)), el('td', { class: 'n' }, pct(a.p90_p_war)),
      el('td', { class: 'n' }, Math.round(a.mean_cost).toLocaleString()), el('td', { class: 'n' }, pp(a.max_regret)), el('td', { class: 'n' }, pp(a.mean_regret)),
      el('td', { class: 'n' }, pct(a.share_meeting_target, 1)), el('td', { class: 'n' }, pct(a.share_best, 1))));
  }
  box.append(t);
  box.append(el('p', { class: 'muted' }, `${d.draws.toLocaleString()} shared draws (seed ${d.seed}), each exact. Parameters: ${d.parameters}. `
    + 'Regret: p(war) minus the lowest p(war) of any architecture in the same draw; best in: share of draws with the lowest p(war).'));
  const charts = el('div', { class: 'charts' }, serverChart(d.figure, 'robust-chart', 'robustness of each architecture'));
  exportable(charts, 'robust');
  box.append(charts);
}

// ---------- lever sweeps (Edit & run) ----------
// The form's numeric inputs are the levers; the range offered is the schema's (the slider's).
function sweepInputs() {
  const sel = $('#sweep-path');
  const was = sel.value;
  sel.innerHTML = '';
  document.querySelectorAll('#arch-form input[type=number][data-path]').forEach((i) => sel.append(el('option', { value: i.dataset.path }, i.dataset.path)));
  if ([...sel.options].some((o) => o.value === was)) { sel.value = was; return; }
  // a mechanism's strength by default (a cheap, meaningful lever)
  const strength = [...sel.options].find((o) => /^mechanisms\.[^.]+\.strength$/.test(o.value));
  if (strength) sel.value = strength.value;
  sweepRange();
}
function sweepRange() {
  const inp = document.querySelector(`#arch-form input[type=number][data-path="${$('#sweep-path').value}"]`);
  if (!inp) return;
  const slider = inp.closest('.field').querySelector('input[type=range]');
  const v = Number(inp.value) || 0;
  $('#sweep-from').value = slider ? slider.min : 0;
  $('#sweep-to').value = slider ? slider.max : Math.max(1, 2 * v);
}
$('#sweep-path').addEventListener('change', sweepRange);

const SWEEP_FIELDS = { set: '#sweep-path', uncertainty: '#sweep-draws', seed: '#sweep-seed' };

async function runSweep() {
  await flushEdits();
  [...Object.values(SWEEP_FIELDS), '#sweep-from', '#sweep-to', '#sweep-points'].forEach((f) => fieldError(f, ''));
  const v = options([['#sweep-points', 'Points', 2, 1000], ['#sweep-draws', 'Parameter draws', 0], ['#sweep-seed', 'Seed', 0]]);
  const from = decimal('#sweep-from', 'From'), to = decimal('#sweep-to', 'To');
  if (!v || from === null || to === null || !$('#sweep-path').value) return;
  const body = { toml: $('#toml').value, set: [`${$('#sweep-path').value}=${from}:${to}:${v[0]}`], seed: v[2] };
  if (v[1] > 0) body.uncertainty = v[1];
  $('#sweep-btn').disabled = true;
  $('#sweep-status').textContent = `evaluating ${(v[0] * Math.max(1, v[1])).toLocaleString()} points and draws…`;
  const r = await api('POST', '/sweep', body);
  $('#sweep-btn').disabled = false;
  if (!r.ok) {
    $('#sweep-status').textContent = '';
    showApiError(r, SWEEP_FIELDS, $('#sweep-result'));
    return;
  }
  $('#sweep-status').textContent = `done: server ${r.data.seconds.toFixed(1)} s`;
  renderSweep(r.data);
  setLink('result/' + r.data.result_id);
}
$('#sweep-btn').addEventListener('click', runSweep);

function renderSweep(d) {
  const box = $('#sweep-result');
  box.innerHTML = '';
  const path = d.sets[0].path;
  const charts = el('div', { class: 'charts' },
    serverChart(d.figures.p_war, 'sweep-p-war', `p(war) along ${path}`),
    serverChart(d.figures.cost, 'sweep-cost', `cost along ${path}`));
  exportable(charts, 'sweep');
  box.append(charts);
  const band = (b, f) => (b ? `[${f(b[0])}, ${f(b[1])}]` : '—');
  const cost = (x) => Math.round(x).toLocaleString();
  const t = el('table', { id: 'sweep-table' }, el('tr', {}, [path, 'p(war)', '5–95 %', 'cost (US$ bn)', '5–95 %'].map((h) => el('th', {}, h))));
  for (const p of d.points) {
    t.append(el('tr', {}, el('td', { class: 'n' }, String(Number(p.values[path].toPrecision(4)))), el('td', { class: 'n' }, pct(p.p_war)),
      el('td', { class: 'n' }, band(p.p_war_band, pct)), el('td', { class: 'n' }, cost(p.cost)), el('td', { class: 'n' }, band(p.cost_band, cost))));
  }
  box.append(el('details', {}, el('summary', {}, 'The points'), t));
  box.append(el('p', { class: 'muted' }, d.draws ? `Each point exact on the same ${d.draws} parameter draws (seed ${d.seed}): the line is their mean, the band 5–95 % of them.`
    : 'Each point exact at the model\'s parameter values.'));
}

// ---------- planner ----------
let lastPlan = null;
$('#plan-btn').addEventListener('click', runPlan);

async function runPlan() {
  await flushEdits();
  $('#plan-status').textContent = 'planning…';
  $('#plan-apply').disabled = true;
  const t0 = performance.now();
  const r = await api('POST', '/plan', { toml: $('#toml').value });
  const box = $('#plan-result');
  box.innerHTML = '';
  if (!r.ok) {
    lastPlan = null;
    $('#plan-status').textContent = r.data.infeasible ? 'infeasible' : 'error';
    box.append(el('p', { class: 'error', id: 'plan-error' }, r.data.error || String(r.data)));
    if (r.data.conflicts && r.data.conflicts.length) {
      box.append(el('h3', {}, 'Constraints that conflict (relax one of them)'));
      const t = el('table', {}, el('tr', {}, ['Constraint', 'What it says', 'Must be violated by'].map((h) => el('th', {}, h))));
      r.data.conflicts.forEach((c) => t.append(el('tr', {}, el('td', {}, c.constraint), el('td', {}, c.description), el('td', { class: 'n' }, c.violation.toFixed(4)))));
      box.append(t);
    }
    return;
  }
  lastPlan = r.data;
  $('#plan-status').textContent = `solved in ${Math.round(performance.now() - t0)} ms`;
  $('#plan-apply').disabled = false;
  renderPlan(r.data);
}

function renderPlan(p) {
  const box = $('#plan-result');
  const actorName = Object.fromEntries(p.actors.map((a) => [a.id, a.name]));
  box.append(el('h2', {}, `Plan for ${state.current || p.architecture}: ${p.actors.length} actors, ${p.missions.length} missions; objective (concern-weighted fit) ${p.objective.toFixed(4)}`));
  box.append(el('p', { class: 'muted' }, `Budget: ${pct(p.params.budget_fraction, 0)} of each actor's defence spending; deployable forces: ${pct(p.params.deployable_fraction, 0)} of its active forces.`));
  const t = el('table', { id: 'plan-assign' }, el('tr', {}, el('th', {}, 'Mission (share of the whole mission carried)'),
    p.actors.map((a) => el('th', { title: a.name }, a.id)), el('th', {}, 'coverage'), el('th', {}, 'required')));
  for (const m of p.missions) {
    t.append(el('tr', {}, el('td', { title: `${m.id}: US$ ${m.cost_usd_bn} bn/yr, ${m.forces_k} k troops, risk ${m.risk_exposure}; sets ${m.mechanisms.join(', ') || '—'}. ${m.source}` }, m.name),
      p.actors.map((a) => { const x = (p.assignments[a.id] || {})[m.id]; return el('td', { class: 'n' + (x ? ' hit' : '') }, x ? x.toFixed(3) : '–'); }),
      el('td', { class: 'n' }, p.coverage[m.id].toFixed(3)), el('td', { class: 'n' }, m.required_level.toFixed(3))));
  }
  const b = el('table', { id: 'plan-burden' }, el('tr', {}, ['Actor', 'US$ bn/yr', 'Burden share', 'Capability share', 'Vulnerability', 'Escalation tolerance', 'Risk carried', 'Budget used'].map((h) => el('th', {}, h))));
  const shortName = (n) => n.split(' (')[0];
  for (const r of p.burden) {
    b.append(el('tr', {}, el('td', { title: `${r.name} (${r.actor})` }, shortName(r.name)), el('td', { class: 'n' }, r.burden_usd_bn.toFixed(2)), el('td', { class: 'n' }, pct(r.burden_share, 1)),
      el('td', { class: 'n' }, pct(r.capability_share, 1)), el('td', { class: 'n' }, r.vulnerability.toFixed(2)), el('td', { class: 'n' }, r.escalation_tolerance.toFixed(2)),
      el('td', { class: 'n' }, r.risk_carried.toFixed(2)), el('td', { class: 'n' }, pct(r.budget_used, 0))));
  }
  box.append(el('h3', {}, 'Assignments'), t);
  box.append(el('h3', {}, 'Burden beside capability and vulnerability (the mismatch)'));
  const tables = el('div', { class: 'tables' }, b);
  const chart = el('div', { class: 'plan-chart' });
  chart.innerHTML = barChart('plan-chart', 'Burden share vs capability share vs vulnerability, by actor', p.burden.map((r) => shortName(r.name)),
    [{ name: 'burden share', vals: p.burden.map((r) => [r.burden_share, r.burden_share, r.burden_share]) },
      { name: 'capability share (of spending)', vals: p.burden.map((r) => [r.capability_share, r.capability_share, r.capability_share]) },
      { name: 'vulnerability to Russia (index 0–1)', vals: p.burden.map((r) => [r.vulnerability, r.vulnerability, r.vulnerability]) }],
    'share of all mission cost or of spending; vulnerability index', false, { digits: 2, tall: true, tips: p.burden.map((r) => `${r.name} (${r.actor})`) });
  exportable(chart, 'plan');
  tables.append(chart);
  box.append(tables);
  if (p.not_applied && p.not_applied.length) {
    box.append(el('p', { class: 'note' }, 'Applying the plan sets mechanism strengths; not set: ' +
      p.not_applied.map((x) => `${x.mechanism} (mission ${x.mission})`).join(', ') + ' — ' + p.not_applied[0].reason + '.'));
  }
}

$('#plan-apply').addEventListener('click', async () => {
  if (!lastPlan) return;
  if (!discardOk('Applying the plan')) return;
  const from = (state.arch && state.arch.name) || state.current;
  $('#toml').value = lastPlan.applied_toml;
  const ok = await validateNow(false);
  // The planned architecture is a new one, named in its TOML (e.g. baseline-planned): not saved yet.
  const name = (state.arch && state.arch.name) || from + '-planned';
  $('#save-name').value = name;
  $('#arch-summary').textContent = `${name}: ${from} with the plan applied, not saved yet`;
  syncNames();
  showTab('run');
  $('#diagnostics').append(el('div', { class: ok ? 'ok' : 'diag' }, 'plan applied to the editor: mechanism strengths set to the plan\'s coverage' + (ok ? '; press Run' : '')));
  $('#diagnostics').scrollIntoView({ block: 'nearest' });
});

// ---------- history ----------
async function loadRuns() {
  const r = await api('GET', '/runs');
  const box = $('#runs-list');
  box.innerHTML = '';
  if (!r.ok) { box.textContent = r.data.error; return; }
  if (!r.data.runs.length) { box.append(el('p', { class: 'muted' }, 'No runs yet.')); return; }
  const t = el('table', {}, el('tr', {}, ['#', 'Architecture', 'Runs', 'Seed', 'Parameter uncertainty', 'Status', 'p(war)', 'Time', ''].map((h) => el('th', {}, h))));
  for (const run of r.data.runs) {
    // data-label: on a phone each run is a card whose cells name themselves.
    t.append(el('tr', {}, el('td', { 'data-label': 'Run' }, run.id), el('td', { 'data-label': 'Architecture' }, run.architecture),
      el('td', { class: 'n', 'data-label': 'Runs' }, run.runs.toLocaleString()), el('td', { class: 'n', 'data-label': 'Seed' }, run.seed),
      el('td', { 'data-label': 'Parameter uncertainty' }, run.runs_per_draw ? `yes, ${run.runs_per_draw.toLocaleString()} runs per draw` : 'no'),
      el('td', { 'data-label': 'Status' }, run.status), el('td', { class: 'n', 'data-label': 'p(war)' }, run.p_war !== undefined && run.p_war !== null ? pct(run.p_war) : ''),
      el('td', { class: 'n', 'data-label': 'Time' }, run.elapsed_ms !== null ? run.elapsed_ms + ' ms' : ''),
      el('td', { class: 'actions' },
        el('button', { onclick: () => reopen(run.id), disabled: !hasResult(run) }, 'Open'), ' ',
        el('button', { onclick: () => download(`/runs/${run.id}/export?format=csv`, `detente-run-${run.id}.csv`), disabled: !hasResult(run) }, 'CSV'), ' ',
        el('a', { href: '#run/' + run.id, class: hasResult(run) ? '' : 'hidden', title: 'A link that reopens this run' }, 'link'), ' ',
        el('button', { onclick: async () => {
          if (!confirm(`Delete run ${run.id} (${run.architecture}, ${run.runs.toLocaleString()} runs, ${run.status})? Its result cannot be recovered.`)) return;
          await api('DELETE', '/runs/' + run.id); loadRuns();
        } }, 'Delete'))));
  }
  box.append(el('div', { class: 'tablewrap' }, t));
}

// The kept studies (comparisons, sensitivity analyses, discoveries, robustness, sweeps).
const KINDS = { compare: 'comparison', sensitivity: 'sensitivity', discover: 'discovery', robust: 'robustness', sweep: 'sweep' };
async function loadResults() {
  const r = await api('GET', '/results');
  const box = $('#results-list');
  box.innerHTML = '';
  if (!r.ok) { box.textContent = r.data.error; return; }
  if (!r.data.results.length) { box.append(el('p', { class: 'muted' }, 'No studies yet.')); return; }
  const t = el('table', { id: 'results-table' }, el('tr', {}, ['#', 'Kind', 'Study', 'Saved', ''].map((h) => el('th', {}, h))));
  for (const x of r.data.results) {
    t.append(el('tr', {}, el('td', { 'data-label': 'Study' }, x.id), el('td', { 'data-label': 'Kind' }, KINDS[x.kind] || x.kind),
      el('td', { 'data-label': 'What' }, x.title), el('td', { 'data-label': 'Saved' }, new Date(1000 * Number(x.saved_at)).toLocaleString()),
      el('td', { class: 'actions' },
        el('button', { onclick: () => openResult(x.id) }, 'Open'), ' ',
        el('a', { href: '#result/' + x.id, title: 'A link that reopens this study' }, 'link'), ' ',
        el('button', { onclick: async () => {
          if (!confirm(`Delete the saved ${KINDS[x.kind] || x.kind} ${x.id} (${x.title})? It cannot be recovered.`)) return;
          await api('DELETE', '/results/' + x.id); loadResults();
        } }, 'Delete'))));
  }
  box.append(el('div', { class: 'tablewrap' }, t));
}

// Show a kept study where it was made.
async function openResult(id) {
  const r = await api('GET', '/results/' + id);
  if (!r.ok) { showTab('history'); $('#results-list').prepend(el('p', { class: 'error', role: 'alert' }, r.data.error)); return; }
  const { kind, result } = r.data;
  await paramSpecs();
  if (kind === 'compare') { showTab('compare'); renderCompare(result); $('#compare-status').textContent = `saved study ${id}`; }
  else if (kind === 'robust') { showTab('compare'); renderRobust(result); $('#robust-status').textContent = `saved study ${id}`; }
  else if (kind === 'sensitivity') { showTab('sensitivity'); renderSensitivity(result); }
  else if (kind === 'discover') { showTab('discover'); renderDiscover(result); $('#disc-status').textContent = `saved study ${id}`; }
  else if (kind === 'sweep') { showTab('run'); renderSweep(result); $('#sweep-status').textContent = `saved study ${id}`; }
  setLink('result/' + id);
}

// A run with a result: done, or cancelled with the estimate of the runs it did.
const hasResult = (run) => run.status === 'done' || (run.p_war !== undefined && run.p_war !== null);

async function reopen(id) {
  const r = await api('GET', '/runs/' + id);
  if (!r.ok) { showTab('run'); $('#result').innerHTML = ''; $('#result').append(el('p', { class: 'error', role: 'alert' }, r.data.error || String(r.data))); return false; }
  if (!r.data.summary) { showTab('run'); $('#result').innerHTML = ''; $('#result').append(el('p', { class: 'muted' }, `Run ${id} has no result (${r.data.status}).`)); return false; }
  if (!discardOk(`Opening run ${id}`)) return false;
  showTab('run');
  $('#toml').value = r.data.toml;
  await validateNow(false);
  // The dropdown, description, tab labels and save name follow the run's architecture.
  setCurrent(r.data.architecture, { toml: r.data.toml, fromRun: id });
  // Show the run's options, so Run again reproduces it.
  $('#runs').value = r.data.runs;
  $('#seed').value = r.data.seed;
  $('#uncertainty').checked = !!r.data.uncertainty;
  $('#runs-per-draw').disabled = !r.data.uncertainty;
  if (r.data.runs_per_draw) $('#runs-per-draw').value = r.data.runs_per_draw;
  $('#run-mc').checked = r.data.summary.method !== 'exact';
  renderResult(r.data);
  setLink('run/' + id);
  return true;
}

// Links: #run/ID reopens a run; #result/ID a kept study; #compare/A,B?runs=N&seed=S[&runs_per_draw=M][&mc=1] a comparison.
async function follow(hash) {
  const h = hash.replace(/^#/, '');
  let m = h.match(/^run\/(\d+)$/);
  if (m) { await reopen(Number(m[1])); return; }
  m = h.match(/^result\/(\d+)$/);
  if (m) { await openResult(Number(m[1])); return; }
  m = h.match(/^compare\/([^?]*)(?:\?(.*))?$/);
  if (!m) return;
  const names = m[1].split(',').filter(Boolean).map(decodeURIComponent);
  const q = new URLSearchParams(m[2] || '');
  showTab('compare');
  const missing = names.filter((n) => !state.archs.some((a) => a.name === n));
  if (missing.length) { $('#compare-status').textContent = `No architecture named ${missing.join(', ')}.`; return; }
  document.querySelectorAll('#compare-choices input').forEach((i) => { i.checked = false; });
  // Ticked in the link's order: the first is the one differences are measured against.
  const box = $('#compare-choices');
  names.slice().reverse().forEach((n) => { const i = [...box.querySelectorAll('input')].find((x) => x.value === n); i.checked = true; box.prepend(i.closest('label')); });
  if (q.get('runs')) $('#compare-runs').value = q.get('runs');
  if (q.get('seed')) $('#compare-seed').value = q.get('seed');
  $('#compare-uncertainty').checked = q.has('runs_per_draw');
  $('#compare-runs-per-draw').disabled = !q.has('runs_per_draw');
  if (q.has('runs_per_draw')) $('#compare-runs-per-draw').value = q.get('runs_per_draw');
  $('#compare-mc').checked = q.get('mc') === '1';
  await runCompare();
}
window.addEventListener('hashchange', () => follow(location.hash));

// ---------- start ----------
(async () => {
  const s = await api('GET', '/schema');
  state.schema = s.data;
  await loadArchList('baseline');
  await openArch('baseline');
  await paramSpecs();
  sensCost();
  if (location.hash.length > 1) await follow(location.hash);
})();
