// The phone app on an event of two tolk nodes over one NATS (issue 14), in headless Chromium:
// the page served by node B plays the booth of node A (cross-node audio); node B is killed
// (SIGKILL, no goodbye) and the page moves to node A by itself and plays the tone again within
// 2 s of the kill (captured from the page's own output).  nats-server runs from deploy/'s own
// single.conf, as in tests/cluster.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run, stop, waitFor, getJson, dominantFrequency, rms, killAll, build, testAppRoot, startBooth,
  requireModule } from './harness.mjs';

const { chromium } = requireModule('playwright-core');
const deploy = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../deploy');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TONE = 440;

let browser;
after(async () => { await browser?.close().catch(() => {}); killAll(); });

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// Resolves when `child`'s stream `which` has printed a line matching `re` (bounded); the match.
function lineOf(child, which, re, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what}: nothing matching ${re} in ${timeoutMs} ms: ${buf.slice(-400)}`)), timeoutMs);
    child[which].on('data', (d) => {
      buf += d;
      const m = buf.match(re);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}): ${buf.slice(-400)}`)); });
  });
}

async function startNats(dir) {
  const port = await freePort();
  const env = { ...process.env, TOLK_NATS_NAME: 'tolk-web-test', TOLK_NATS_PORT: String(port), TOLK_NATS_STORE: path.join(dir, 'js') };
  const child = run('nats-server', ['-c', path.join(deploy, 'nats/single.conf'), '-a', '127.0.0.1'], { env });
  await lineOf(child, 'stderr', /Server is ready/, 15000, 'nats-server');
  return port;
}

async function startNode(natsPort, name) {
  const child = run(path.join(build, 'bin/tolk-server'), ['--listen', '127.0.0.1:0', '--log-level', 'warn', '--web-root', testAppRoot,
    '--nats', `nats://127.0.0.1:${natsPort}`, '--node', name]);
  const m = await lineOf(child, 'stdout', /listening on [^\s]*:(\d+)/, 15000, `tolk-server ${name}`);
  return { port: Number(m[1]), child };
}

const ownListeners = async (port) => (await getJson(port, '/api/nodes')).nodes.find((n) => n.self)?.listeners;

test('phone app fails over to another node', { timeout: 120000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tolk-web-cluster-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const nats = await startNats(dir);
  const a = await startNode(nats, 'a');
  const b = await startNode(nats, 'b');
  startBooth(a.port, 'en', `tone:${TONE}`);
  await waitFor('node b lists both nodes and the booth on air', async () => {
    const nodes = await getJson(b.port, '/api/nodes');
    const en = (await getJson(b.port, '/api/channels')).channels.find((c) => c.id === 'en');
    return nodes.nodes.length === 2 && en.on_air;
  }, 10000);

  browser = await chromium.launch({ executablePath: process.env.TOLK_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (process.env.TOLK_WEB_TEST_VERBOSE) page.on('console', (m) => console.error('page:', m.text()));
  const state = () => page.evaluate(() => window.tolk.state());
  const number = (await getJson(b.port, '/api/channels')).channels.find((c) => c.id === 'en').number;
  const hear = async (seconds) => {
    const s = await state();
    const samples = await page.evaluate((n) => window.tolk.capture(n), Math.round(s.sampleRate * seconds));
    return { hz: dominantFrequency(samples, s.sampleRate), level: rms(samples), at: Date.now() };
  };
  const isTone = (h) => h.level > 0.05 && Math.abs(h.hz - TONE) <= 3;

  // Both nodes are empty: node b suggests itself, the page stays there.
  await page.goto(`http://127.0.0.1:${b.port}/?nosw`);
  await page.waitForSelector('.channel[data-id="en"]', { timeout: 10000 });
  await page.tap('.channel[data-id="en"]');
  await waitFor('en playing on node b', async () => (await state()).streams[number]?.playing, 15000);
  await waitFor('the page counted on node b', async () => (await ownListeners(b.port)) === 1, 5000);
  const before = await hear(0.5);
  assert.ok(isTone(before), `the booth of node a heard through node b: ${before.hz} Hz, rms ${before.level.toFixed(3)}`);

  const killed = Date.now();
  await stop(b.child);  // SIGKILL
  await waitFor('the page counted on node a', async () => (await ownListeners(a.port)) === 1, 5000);
  // 100 ms windows until the tone is back (each capture ends when its samples have played).
  let back;
  await waitFor('the tone back', async () => {
    const h = await hear(0.1);
    if (isTone(h)) back = h;
    return back;
  }, 8000, 0);
  const took = back.at - 100 - killed;
  t.diagnostic(`tone back ${took} ms after node b was killed`);
  assert.ok(took < 2000, `tone back ${took} ms after the kill`);
  const after2 = await hear(0.5);
  assert.ok(isTone(after2), `steady on node a: ${after2.hz} Hz, rms ${after2.level.toFixed(3)}`);
  assert.equal((await state()).connection, 'connected');
  assert.deepEqual(errors, []);
});
