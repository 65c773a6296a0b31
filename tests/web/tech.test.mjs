// The technician's console in headless Chromium: a server with small alarm thresholds, one
// booth sending silence (fr) and one clipping (es); /tech shows a tile per channel, both
// alarms (badges and the alarm list) and the event log; a screenshot goes to the test output.
// Away from the server's machine (a proxy's X-Forwarded-For makes the browser count as another
// machine) the console asks for a technician's login first.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tolkServer, webRoot, run, startServer, startBooth, issueToken, stop, waitFor, getJson, killAll, outDir, requireModule } from './harness.mjs';

const { chromium } = requireModule('playwright-core');
let browser;
after(async () => { await browser?.close().catch(() => {}); killAll(); });

test('technician console shows tiles, the silence and clipping alarms and the event log', { timeout: 120000 }, async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(outDir, 'tech-'));
  const config = path.join(dir, 'event.toml');
  fs.writeFileSync(config, `[event]\nname = "Console test"\n[auth]\nstate_dir = "${path.join(dir, 'state')}"\n[alarms]\nsilence_seconds = 1\nclipped_samples = 20\n` +
    `clipping_window_seconds = 2\nclear_after_seconds = 1\n` +
    ['floor', 'en', 'fr', 'es'].map((id) => `[[channels]]\nid = "${id}"\nlanguage = "${id === 'floor' ? 'mul' : id}"\nlabel = "${id}"\n`).join(''));
  const silent = path.join(dir, 'silent.wav');
  const clipping = path.join(dir, 'clipping.wav');
  const sox = (args) => new Promise((resolve) => run('sox', args).on('exit', resolve));
  assert.equal(await sox(['-n', '-r', '48000', '-c', '1', '-b', '16', silent, 'trim', '0', '3']), 0);
  assert.equal(await sox(['-n', '-r', '48000', '-c', '1', '-b', '16', clipping, 'synth', '3', 'square', '440', 'vol', '1.0']), 0);
  const { port, child } = await startServer(0, { config, root: path.join(webRoot, 'listen') });
  const token = await issueToken(config, 'en,fr,es');
  const booths = [startBooth(port, 'en', 'tone:440', token), startBooth(port, 'fr', silent, token),
    startBooth(port, 'es', clipping, token)];
  await waitFor('both alarms in /api/tech', async () => {
    const st = await getJson(port, '/api/tech');
    return st.alarms.some((a) => a.channel === 'fr' && a.kind === 'silence') && st.alarms.some((a) => a.channel === 'es' && a.kind === 'clipping');
  }, 20000, 200);

  browser = await chromium.launch({ executablePath: process.env.TOLK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/tech`);
  await page.waitForSelector('.tile[data-channel="es"]', { timeout: 10000 });
  assert.equal(await page.locator('.tile').count(), 4);
  await page.waitForSelector('.tile[data-channel="fr"] .badge[data-kind="silence"]', { timeout: 10000 });
  await page.waitForSelector('.tile[data-channel="es"] .badge[data-kind="clipping"]', { timeout: 10000 });
  await page.waitForSelector('#alarms li[data-kind="silence"][data-channel="fr"]', { timeout: 10000 });
  await page.waitForSelector('#alarms li[data-kind="clipping"][data-channel="es"]', { timeout: 10000 });
  const log = await page.locator('#events').innerText();
  assert.match(log, /on air/);
  assert.match(log, /silent/);
  await page.screenshot({ path: path.join(outDir, 'tech-console.png') });
  // French: the same console, translated.
  await page.selectOption('#lang', 'fr');
  await page.waitForFunction(() => document.querySelector('h2').textContent === 'Alarmes', null, { timeout: 5000 });
  // Listen in: a click on the English tile opens a listener of its own on `en` (the server counts
  // it), and the tile says so; a second click ends it.
  await page.click('.tile[data-channel="en"]');
  await page.waitForSelector('.tile[data-channel="en"].listening', { timeout: 10000 });
  await waitFor('the console listening to en', async () =>
    (await getJson(port, '/api/tech')).channels.find((c) => c.id === 'en').listeners === 1, 10000, 100);
  await page.click('.tile[data-channel="en"]');
  await waitFor('the console no longer listening', async () =>
    (await getJson(port, '/api/tech')).channels.find((c) => c.id === 'en').listeners === 0, 10000, 100);
  assert.equal(await page.locator('.tile.listening').count(), 0);
  assert.deepEqual(errors, []);
  for (const b of booths) await stop(b);
  await stop(child);
});

test('technician console from another machine: login form, wrong password refused, right one shows the console', { timeout: 60000 }, async () => {
  const dir = fs.mkdtempSync(path.join(outDir, 'tech-login-'));
  const config = path.join(dir, 'event.toml');
  const hash = tolkServer(['password', 'hash'], 'night shift\n');
  fs.writeFileSync(config, `[event]\nname = "Login test"\n[[channels]]\nid = "en"\nlanguage = "en"\nlabel = "English"\n` +
    `[auth]\nstate_dir = "${path.join(dir, 'state')}"\n[[auth.technicians]]\nname = "alice"\npassword = "${hash}"\n`);
  const { port, child } = await startServer(0, { config, root: path.join(webRoot, 'listen') });
  browser ??= await chromium.launch({ executablePath: process.env.TOLK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const context = await browser.newContext({ locale: 'en-GB', extraHTTPHeaders: { 'X-Forwarded-For': '192.0.2.10' } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/tech`);
  await page.waitForSelector('#login:not([hidden])', { timeout: 10000 });
  assert.equal(await page.locator('.tile').count(), 0, 'nothing of the console before the login');
  await page.fill('#login-name', 'alice');
  await page.fill('#login-password', 'day shift');
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#login-error:not([hidden])', { timeout: 10000 });
  assert.equal(await page.textContent('#login-error'), 'Wrong name or password.');
  await page.fill('#login-password', 'night shift');
  await page.click('#login button[type=submit]');
  await page.waitForSelector('.tile[data-channel="en"]', { timeout: 10000 });
  assert.equal(await page.isVisible('#login'), false);
  const [cookie] = (await context.cookies()).filter((c) => c.name === 'tolk_tech');
  assert.ok(cookie?.httpOnly, 'an HttpOnly login cookie');
  assert.equal(cookie.sameSite, 'Strict');
  await page.screenshot({ path: path.join(outDir, 'tech-console-logged-in.png') });
  assert.deepEqual(errors, []);
  await context.close();
  await stop(child);
});
