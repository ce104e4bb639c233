// Shared by the browser tests: start `detente serve` on a free loopback port with a fresh
// store, and Debian's chromium (headless) through playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..');
export const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

const freePort = () => new Promise((res, rej) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  s.on('error', rej);
});

// { base, browser, stop() }: the server at `base` and a browser, both ended by stop().
export async function start() {
  const port = await freePort();
  const tmp = mkdtempSync(join(tmpdir(), 'detente-e2e-'));
  const bin = process.env.DETENTE_BIN || join(root, 'target', 'release', 'detente');
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--db', join(tmp, 'e2e.sqlite')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    try { up = (await fetch(base + '/api/openapi.json')).ok; } catch { /* not up yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) throw new Error(`detente serve did not answer on ${base}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const stop = async () => {
    await browser.close();
    server.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  };
  return { base, browser, stop };
}

// A page that records script errors, requests leaving the machine, and dialogs; each dialog
// is accepted unless `page.answer` is set to false (then dismissed).
export async function openPage(browser, base, viewport = { width: 1366, height: 768 }, path = '/') {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.external = [];
  page.dialogs = [];
  page.answer = true;
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['blob:', 'data:'].includes(u.protocol)) page.external.push(req.url());
  });
  page.on('dialog', async (d) => {
    page.dialogs.push(d.message());
    if (page.answer) await d.accept(); else await d.dismiss();
  });
  await page.goto(base + path);
  await page.waitForSelector('#arch-form fieldset');
  return page;
}

// Fetch JSON from the API through the page (same origin).
export const apiJson = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
  const r = await fetch('/api' + p, { method: m, headers: b ? { 'Content-Type': 'application/json' } : {}, body: b ? JSON.stringify(b) : undefined });
  return { status: r.status, data: await r.json() };
}, [method, path, body]);
