// Issue 15, the Icecast egress in a real browser: headless Chromium plays /stream/fr.ogg (live
// Ogg Opus) in a plain <audio> element, WebAudio taps the element's output, and the dominant
// frequency is the French booth's tone, not another booth's.  The page is served by tolk-server
// itself (a web root made by the test), so the element is same-origin and WebAudio may read it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, startBooth, waitFor, getJson, dominantFrequency, rms, killAll, outDir,
  requireModule } from './harness.mjs';

const { chromium } = requireModule('playwright-core');
const TONES = { en: 440, fr: 550 };
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];

// The whole page: an <audio> on the stream, routed through an AnalyserNode to the speakers.
// window.capture() returns the last fftSize samples the element produced, and the rate.
const PAGE = `<!doctype html><meta charset=utf-8><title>tolk icecast</title>
<audio id=a src="/stream/fr.ogg" preload=none></audio>
<script>
const el = document.getElementById('a');
const ctx = new AudioContext();
const analyser = ctx.createAnalyser();
analyser.fftSize = 16384;
ctx.createMediaElementSource(el).connect(analyser);
analyser.connect(ctx.destination);
window.errors = [];
el.addEventListener('error', () => window.errors.push('media error ' + (el.error && el.error.code)));
window.start = async () => { await ctx.resume(); await el.play(); };
window.playing = () => !el.paused && el.currentTime > 1 && ctx.state === 'running';
window.capture = () => {
  const buf = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(buf);
  return { rate: ctx.sampleRate, samples: Array.from(buf), time: el.currentTime };
};
</script>`;

let browser;
after(async () => { await browser?.close().catch(() => {}); killAll(); });

test('Chromium plays /stream/fr.ogg in an <audio> element: the French booth\'s tone', { timeout: 90000 }, async (t) => {
  const root = fs.mkdtempSync(path.join(outDir, 'icecast-root-'));
  fs.writeFileSync(path.join(root, 'index.html'), PAGE);
  const { port } = await startServer(0, { root });
  for (const [ch, hz] of Object.entries(TONES)) startBooth(port, ch, `tone:${hz}`);
  await waitFor('booths on air', async () => (await getJson(port, '/api/channels')).channels
    .filter((c) => c.id in TONES).every((c) => c.on_air), 15000);

  browser = await chromium.launch({ executablePath: process.env.TOLK_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  await page.evaluate(() => window.start());
  await waitFor('the <audio> element playing for a second', () => page.evaluate(() => window.playing()), 20000, 100);
  await waitFor('the server counting an HTTP listener on fr', async () => (await getJson(port, '/api/channels')).channels
    .find((c) => c.id === 'fr').listeners >= 1, 5000);

  // The analyser's window (16384 samples, ~0.34 s) must be full of the stream's audio: wait
  // for a capture that is loud and, within a few Hz, one tone; report what was heard if not.
  let heard;
  try {
    heard = await waitFor('the French tone', async () => {
      const { rate, samples } = await page.evaluate(() => window.capture());
      heard = { hz: dominantFrequency(samples, rate), level: rms(samples), rate };
      return heard.level > 0.05 && Math.abs(heard.hz - TONES.fr) <= 10 && heard;
    }, 10000, 200);
  } catch (e) {
    throw new Error(`${e.message}; last heard ${JSON.stringify(heard)}`);
  }
  t.diagnostic(`heard ${heard.hz} Hz at rms ${heard.level.toFixed(3)} (${heard.rate} Hz output)`);
  assert.ok(Math.abs(heard.hz - TONES.fr) <= 10, `dominant ${heard.hz} Hz, want ${TONES.fr}`);
  assert.ok(Math.abs(heard.hz - TONES.en) > 50, 'not the English booth');
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  assert.deepEqual(pageErrors, []);
});
