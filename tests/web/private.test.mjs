// A private event in headless Chromium: the phone app asks for the passcode in the phone's
// language, refuses a wrong one with a message in that language, plays the booth's audio with
// the right one, and remembers it for the event (a reload opens without asking); a join link's
// listener token opens the event without the passcode.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tolkServer, startServer, startBooth, issueToken, stop, waitFor, getJson, dominantFrequency, rms, killAll, outDir,
  requireModule } from './harness.mjs';

const { chromium } = requireModule('playwright-core');
const PASSCODE = 'blue harbour 7';
let browser;
after(async () => { await browser?.close().catch(() => {}); killAll(); });


test('private event: passcode asked in the page language, wrong refused, right plays, remembered; a token link opens it', { timeout: 120000 }, async () => {
  const dir = fs.mkdtempSync(path.join(outDir, 'private-'));
  const config = path.join(dir, 'event.toml');
  const hash = tolkServer(['password', 'hash'], `${PASSCODE}\n`);
  fs.writeFileSync(config, `[event]\nname = "Closed session"\n[[channels]]\nid = "en"\nlanguage = "en"\nlabel = "English"\n` +
    `[[channels]]\nid = "fr"\nlanguage = "fr"\nlabel = "Français"\n[auth]\nstate_dir = "${path.join(dir, 'state')}"\nlistener_passcode = "${hash}"\n`);
  const { port, child } = await startServer(0, { config });
  const booth = startBooth(port, 'fr', 'tone:550', await issueToken(config, 'fr'));
  await waitFor('fr on air', async () => (await getJson(port, '/api/channels')).channels.find((c) => c.id === 'fr')?.on_air);

  browser = await chromium.launch({ executablePath: process.env.TOLK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'] });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const base = `http://127.0.0.1:${port}`;

  await page.goto(`${base}/?nosw`);
  await page.waitForSelector('#unlock:not([hidden])', { timeout: 10000 });
  assert.equal(await page.textContent('#unlock-help'), 'Cet événement est privé. Saisissez le code qui vous a été donné.');
  assert.equal(await page.textContent('#event'), 'Closed session');
  assert.equal(await page.isVisible('#channels'), false, 'no channel before the passcode');

  await page.fill('#passcode', 'blue harbour 8');
  await page.click('#unlock-go');
  await page.waitForSelector('#unlock-error:not([hidden])', { timeout: 10000 });
  assert.equal(await page.textContent('#unlock-error'), 'Code incorrect. Veuillez réessayer.');
  await page.screenshot({ path: path.join(outDir, 'private-wrong-passcode.png') });

  await page.fill('#passcode', PASSCODE);
  await page.click('#unlock-go');
  await page.waitForSelector('.channel[data-id="fr"]', { timeout: 10000 });
  assert.equal(await page.isVisible('#unlock'), false);
  await page.tap('.channel[data-id="fr"]');
  const state = () => page.evaluate(() => window.tolk.state());
  const number = (await getJson(port, '/api/channels')).channels.find((c) => c.id === 'fr').number;
  await waitFor('fr playing', async () => (await state()).streams[number]?.playing, 15000);
  const s = await state();
  const samples = await page.evaluate((n) => window.tolk.capture(n), Math.round(s.sampleRate * 0.5));
  const hz = dominantFrequency(samples, s.sampleRate);
  assert.ok(rms(samples) > 0.05, `audible (rms ${rms(samples)})`);
  assert.ok(Math.abs(hz - 550) <= 3, `dominant ${hz} Hz, want 550`);

  // Remembered for the event: a reload opens without asking.
  await page.reload();
  await page.waitForSelector('.channel[data-id="fr"]', { timeout: 10000 });
  assert.equal(await page.isVisible('#unlock'), false);

  // A join link's listener token, on a phone that never typed the passcode.
  const link = tolkServer(['token', 'issue', '--config', config, '--role', 'listener', '--channels', '*', '--name', 'join link', '--ttl', '1h']);
  const token = link.split(/\s+/)[0];
  const fresh = await (await browser.newContext({ locale: 'es-ES' })).newPage();
  await fresh.goto(`${base}/?nosw&token=${encodeURIComponent(token)}`);
  await fresh.waitForSelector('.channel[data-id="fr"]', { timeout: 10000 });
  assert.equal(await fresh.isVisible('#unlock'), false);
  // And a link whose token does not open it asks for the passcode, saying so in Spanish.
  const other = await (await browser.newContext({ locale: 'es-ES' })).newPage();
  await other.goto(`${base}/?nosw&token=${encodeURIComponent(token.slice(0, -6))}`);
  await other.waitForSelector('#unlock-error:not([hidden])', { timeout: 10000 });
  assert.equal(await other.textContent('#unlock-error'), 'Este enlace no abre el evento. Introduzca el código.');

  assert.deepEqual(errors, []);
  await stop(booth);
  await stop(child);
});
