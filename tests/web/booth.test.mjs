// The interpreter's booth console (/booth, issue 12) in headless Chromium with a fake
// microphone fed from a speech WAV: it publishes with a booth token (WebCodecs, and the wasm
// encoder by its ?encoder=wasm switch) and a tolk-listen recording correlates with the WAV;
// the cough key keeps the channel on air; the floor return's delay (floor booth capture →
// console output, measured in the console); ear protection (a -26 dBFS speaker, then a 0 dBFS
// squeal: nothing played above the ceiling, the sustained limit engages, the warning shows);
// a handover between two consoles of one booth that the listener does not hear as a break.
// Then WebKitGTK: the console loads, opens the (mock) microphone where it can, shows ON AIR.
// The page's state comes from the test build's hooks (build/web/listen-test/booth).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { build, tolkServer, startServer, startBooth, issueToken, stop, waitFor, getJson, run, median, killAll, outDir,
  makeSpeechWav, requireModule } from './harness.mjs';
import { startWebKit, webkitSkip } from './webkit_driver.mjs';

const { chromium } = requireModule('playwright-core');
const RATE = 48000;

let browser;
after(async () => { await browser?.close().catch(() => {}); killAll(); });

// ---- WAV files ---------------------------------------------------------------------------------
function readWav(file) {
  const b = fs.readFileSync(file);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'data') {
      const n = Math.floor(Math.min(size, b.length - off - 8) / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; ++i) out[i] = b.readInt16LE(off + 8 + 2 * i) / 32768;
      return out;
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

function writeWav(file, samples) {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + samples.length * 2, 4); b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36);
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; ++i) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), 44 + 2 * i);
  fs.writeFileSync(file, b);
}

// The speech, mono 48 kHz (what the fake microphone and tolk-booth read unchanged).
function speech48() {
  const src = makeSpeechWav('booth-speech-src.wav');
  if (!src) return null;
  const dst = path.join(outDir, 'booth-speech.wav');
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', src, '-ac', '1', '-ar', String(RATE), '-c:a', 'pcm_s16le', dst], { timeout: 30000 });
  return dst;
}

// ---- alignment and correlation ----------------------------------------------------------------
const decimate = (x, k) => { const out = new Float32Array(Math.floor(x.length / k)); for (let i = 0; i < out.length; ++i) { let s = 0; for (let j = 0; j < k; ++j) s += x[i * k + j]; out[i] = s / k; } return out; };
function ncc(a, ai, b, bi, n) {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; ++i) { const x = a[ai + i], y = b[bi + i]; ab += x * y; aa += x * x; bb += y * y; }
  return ab / Math.sqrt(aa * bb || 1);
}
// The normalized correlation of `windowS` seconds of the recording (from its loudest part)
// with the (looped) reference, at the best alignment: coarse at 4 kHz, then sample-exact.
function correlateWithLoop(ref, rec, windowS = 2) {
  const n = Math.round(windowS * RATE);
  let best = { e: -1, at: 0 };
  for (let at = 0; at + n <= rec.length; at += RATE / 4) {
    let e = 0; for (let i = at; i < at + n; i += 8) e += rec[i] * rec[i];
    if (e > best.e) best = { e, at };
  }
  const loop = new Float32Array(ref.length * 2 + n); for (let i = 0; i < loop.length; ++i) loop[i] = ref[i % ref.length];
  const K = 12;
  const lr = decimate(loop, K), wr = decimate(rec.subarray(best.at, best.at + n), K);
  let coarse = { c: -2, lag: 0 };
  for (let lag = 0; lag < ref.length / K; ++lag) { const c = ncc(lr, lag, wr, 0, wr.length); if (c > coarse.c) coarse = { c, lag }; }
  let fine = { c: -2, lag: 0 };
  for (let lag = Math.max(0, coarse.lag * K - 2 * K); lag <= coarse.lag * K + 2 * K; ++lag) {
    const c = ncc(loop, lag, rec, best.at, n); if (c > fine.c) fine = { c, lag };
  }
  return fine.c;
}

// ---- the event and its processes ------------------------------------------------------------
function eventFile(dir) {
  const config = path.join(dir, 'event.toml');
  fs.writeFileSync(config, `[event]\nname = "Booth console test"\n` +
    `[[channels]]\nid = "floor"\nlanguage = "mul"\nlabel = "Floor"\n` +
    `[[channels]]\nid = "en"\nlanguage = "en"\nlabel = "English"\n` +
    `[[channels]]\nid = "fr"\nlanguage = "fr"\nlabel = "Français"\n` +
    `[booths]\near_ceiling_dbfs = -3\near_sustained_dbfs = -12\near_warning_dbfs = -20\n` +
    `works_from = { FR = ["en", "es"] }\npivot = "en"\n` +
    `[auth]\nstate_dir = "${path.join(dir, 'state')}"\n`);
  return config;
}

// Records `seconds` of channel `id` to a WAV, by default with a fixed playout delay (no
// time-scaling, so a window of it lines up with the source sample for sample); resolves
// {samples, stats}.
async function record(port, id, seconds, name, jb = 'fixed:400') {
  const wav = path.join(outDir, `${name}.wav`);
  const statsPath = path.join(outDir, `${name}.json`);
  const child = run(path.join(build, 'bin/tolk-listen'), ['--server', `ws://127.0.0.1:${port}`, '--channel', id, '--output', wav,
    '--duration', String(seconds), '--jb', jb, '--stats', statsPath, '--quiet']);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, 'tolk-listen exits 0');
  return { samples: readWav(wav), stats: JSON.parse(fs.readFileSync(statsPath, 'utf8')) };
}

async function openConsole(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  if (process.env.TOLK_WEB_TEST_VERBOSE) page.on('console', (m) => console.error('page:', m.text()));
  await page.goto(url);
  await page.click('#start', { timeout: 10000 });
  return page;
}
const stateOf = (page) => page.evaluate(() => window.tolkBooth.state());

const chromiumArgs = (wav) => ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--autoplay-policy=no-user-gesture-required', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${wav}`,
  // booth.test is this machine under a name that is not localhost: an insecure context.
  '--host-resolver-rules=MAP booth.test 127.0.0.1'];

test('booth console in Chromium', { timeout: 240000 }, async (t) => {
  const wav = speech48();
  if (!wav) { t.skip('espeak-ng missing (./tolk deps installs it)'); return; }
  const ref = readWav(wav);
  const dir = fs.mkdtempSync(path.join(outDir, 'booth-'));
  const config = eventFile(dir);
  const { port } = await startServer(0, { config });
  const base = `http://127.0.0.1:${port}`;
  const channel = async (id) => (await getJson(port, '/api/channels')).channels.find((c) => c.id === id);
  browser = await chromium.launch({ executablePath: process.env.TOLK_CHROMIUM || '/usr/bin/chromium', args: chromiumArgs(wav) });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });

  for (const [variant, query] of [['WebCodecs', ''], ['wasm', '&encoder=wasm']]) {
    await t.test(`publishes with a booth token (${variant} encoder); a listener's recording correlates with the WAV`, async () => {
      const token = await issueToken(config, 'en');
      const page = await openConsole(context, `${base}/booth?token=${encodeURIComponent(token)}${query}`);
      await waitFor('ON AIR', async () => (await stateOf(page)).air === 'live', 15000, 100);
      await waitFor('en on air', async () => (await channel('en')).on_air, 10000);
      const st = await stateOf(page);
      assert.equal(st.encoder, variant);
      assert.deepEqual([st.micSettings.echoCancellation, st.micSettings.noiseSuppression, st.micSettings.autoGainControl],
        [false, false, false], 'voice processing off by default');
      assert.match(await page.textContent('#onair'), /ON AIR/);
      const { samples, stats } = await record(port, 'en', 5, `booth-${variant}`);
      const c = correlateWithLoop(ref, samples);
      const e2e = stats.end_to_end_latency.p50_ms;
      t.diagnostic(`${variant}: correlation ${c.toFixed(3)}, frames sent ${(await stateOf(page)).sent}, ` +
        `end-to-end latency p50 ${e2e} ms (tolk-listen with a fixed 400 ms buffer)`);
      assert.ok(c >= 0.9, `correlation ${c}`);
      // The recorder holds every frame 400 ms (fixed:400): capture times that are right put the
      // end-to-end figure just above that, wrong ones (the page's clock, not the capture) far off.
      assert.ok(e2e >= 380 && e2e < 1000, `the frames carry their capture times (end-to-end ${e2e} ms, 400 of it the recorder's buffer)`);
      await page.screenshot({ path: path.join(outDir, `booth-${variant}.png`) });

      if (variant === 'WebCodecs') {
        // Cough: held Space; the console shows COUGH, the server says coughing, the channel
        // stays on air all along; released, ON AIR again.
        let offAir = 0;
        const watch = setInterval(async () => { if (!(await channel('en').catch(() => ({ on_air: true }))).on_air) ++offAir; }, 100);
        await page.keyboard.down('Space');
        await waitFor('COUGH', async () => { const s = await stateOf(page); return s.air === 'cough' && s.boothState?.coughing; }, 5000, 50);
        await new Promise((r) => setTimeout(r, 1000));
        await page.keyboard.up('Space');
        await waitFor('ON AIR after the cough', async () => { const s = await stateOf(page); return s.air === 'live' && !s.boothState?.coughing; }, 5000, 50);
        clearInterval(watch);
        assert.equal(offAir, 0, 'the channel stayed on air during the cough');
      }
      assert.deepEqual(page.errors, []);
      await page.close();
      await waitFor('en off air', async () => !(await channel('en')).on_air, 10000);
    });
  }

  await t.test('floor return: latency in the console; ear protection against a 0 dBFS squeal', async () => {
    // The floor: 4 s of speech at -26 dBFS, then 4 s of a full-scale 2.5 kHz squeal, looped.
    const peak = ref.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const speech = ref.subarray(0, 4 * RATE).map((x) => x / peak * 10 ** (-20 / 20));
    const rmsDb = 20 * Math.log10(Math.sqrt(2 * speech.reduce((a, x) => a + x * x, 0) / speech.length));
    const k = 10 ** ((-26 - rmsDb) / 20);
    const floorWav = path.join(dir, 'floor.wav');
    const floor = new Float32Array(8 * RATE);
    for (let i = 0; i < 4 * RATE; ++i) floor[i] = speech[i] * k;
    for (let i = 4 * RATE; i < floor.length; ++i) floor[i] = Math.sin(2 * Math.PI * 2500 * i / RATE);
    writeWav(floorWav, floor);
    const floorBooth = startBooth(port, 'floor', floorWav, await issueToken(config, 'floor'));
    await waitFor('floor on air', async () => (await channel('floor')).on_air, 10000);
    const page = await openConsole(context, `${base}/booth?token=${encodeURIComponent(await issueToken(config, 'en'))}`);
    await waitFor('the floor playing in the console', async () => (await stateOf(page)).returnStats?.playing, 15000, 100);
    const s0 = await stateOf(page);
    assert.equal(s0.source, 'floor');
    assert.equal(s0.returnStats.stats !== null, true);
    await waitFor('40 latency samples', async () => (await stateOf(page)).latencies.length >= 40, 20000, 250);
    const lat = median((await stateOf(page)).latencies.slice(-40));
    const js = (await stateOf(page)).returnStats.stats;
    const device = (await stateOf(page)).deviceLatencyMs;
    t.diagnostic(`floor return: median floor-booth capture → console output ${lat.toFixed(1)} ms, profile "return", ` +
      `buffer ${js.current_delay_ms.toFixed(1)} ms (target ${js.target_delay_ms.toFixed(1)} ms), ${(await stateOf(page)).sampleRate} Hz, ` +
      `the browser's own output path ${device.toFixed(1)} ms, so tolk's share ${(lat - device).toFixed(1)} ms`);
    assert.ok(lat > 0 && lat < 1000, `latency ${lat}`);
    // The baseline of the same run: the phone app (listener profile) on the same floor, at once.
    const phone = await context.newPage();
    await phone.goto(`${base}/?nosw&lang=en`);
    await phone.click('.channel[data-id="floor"]', { timeout: 10000 });
    const phoneState = () => phone.evaluate(() => window.tolk.state());
    await waitFor('40 phone-app latency samples', async () => (await phoneState()).latencies.length >= 40, 25000, 250);
    const [latNow, phoneLat] = [median((await stateOf(page)).latencies.slice(-40)), median((await phoneState()).latencies.slice(-40))];
    await phone.close();
    t.diagnostic(`same run: console (return) ${latNow.toFixed(1)} ms, phone app (listener) ${phoneLat.toFixed(1)} ms, ratio ${(latNow / phoneLat).toFixed(2)}`);
    fs.writeFileSync(path.join(outDir, 'booth-return-latency.json'), JSON.stringify({ browser: 'chromium', median_ms: lat,
      browser_output_path_ms: device, buffer_ms: js.current_delay_ms, target_ms: js.target_delay_ms,
      console_ms_with_phone: latNow, phone_app_ms: phoneLat, samples: (await stateOf(page)).latencies }, null, 1));

    // The event's levels ([booths] ear_*: -3 / -12 / -20 dBFS), not the console's defaults.  They
    // come with the booth link's welcome, which connects after the microphone opened, so
    // possibly after the floor (a connection of its own) has played for a while.
    const eventLimits = { ceilingDbfs: -3, sustainedDbfs: -12, warningDbfs: -20 };
    const sameLimits = (l) => l && Object.keys(eventLimits).every((k) => l[k] === eventLimits[k]);
    await waitFor('the booth link welcomed with the event\'s ear levels', async () => sameLimits((await stateOf(page)).limits), 10000, 100)
      .catch(() => {});
    assert.deepEqual((await stateOf(page)).limits, eventLimits);
    const ceiling = 10 ** (-3 / 20);
    const s = await waitFor('the sustained limit engaged on the squeal', async () => { const x = await stateOf(page); return x.returnStats?.limiter.sustained && x; }, 15000, 50);
    const w = await waitFor('the loudness warning shown', async () => { const x = await stateOf(page); return x.earWarningShown && x; }, 30000, 250);
    t.diagnostic(`limiter: ${JSON.stringify(w.returnStats.limiter)}, loudest sample played ${w.returnStats.outPeak.toFixed(4)}`);
    assert.ok(s.returnStats.source.peakDbfs > -3, 'the squeal reached the console at full scale');
    assert.ok(w.returnStats.outPeak <= ceiling + 1e-6, `loudest sample played ${w.returnStats.outPeak} > ceiling ${ceiling}`);
    assert.match(await page.textContent('#ear-warning'), /Too loud/);
    // What the console plays now: never above the ceiling.
    const played = await page.evaluate((n) => window.tolkBooth.capture(n), RATE / 2);
    const loudest = played.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    t.diagnostic(`captured output peak ${loudest.toFixed(3)}`);
    assert.ok(loudest <= ceiling + 1e-6);
    await page.screenshot({ path: path.join(outDir, 'booth-ear-protection.png') });
    assert.deepEqual(page.errors, []);
    await page.close();
    await stop(floorBooth);
  });

  await t.test('handover between two consoles of one booth: the listener hears one continuous channel', async () => {
    const url = async (lang) => `${base}/booth?token=${encodeURIComponent(await issueToken(config, 'fr'))}&booth=FR&lang=${lang}`;
    const a = await openConsole(context, await url('en'));
    await waitFor('A live', async () => (await stateOf(a)).air === 'live', 15000, 100);
    const b = await openConsole(context, await url('fr'));
    await waitFor('B joined, passive', async () => { const s = await stateOf(b); return s.boothState && !s.boothState.live && s.air === 'off'; }, 15000, 100);
    // The listener as a phone hears it (the adaptive buffer), and the channel's on-air flag.
    const rec = record(port, 'fr', 7, 'booth-handover', 'adaptive');
    let offAir = 0;
    const watch = setInterval(async () => { if (!(await channel('fr').catch(() => ({ on_air: true }))).on_air) ++offAir; }, 100);
    await new Promise((r) => setTimeout(r, 1500));
    await b.keyboard.press('h');  // B requests
    await waitFor('A sees the request', async () => (await stateOf(a)).boothState?.handover === 'requested', 5000, 50);
    await a.keyboard.press('h');  // A accepts
    await waitFor('B live, A passive', async () => (await stateOf(b)).air === 'live' && (await stateOf(a)).air === 'off', 5000, 50);
    assert.equal(await b.textContent('#onair'), 'À L’ANTENNE', 'B speaks French');
    const { stats } = await rec;
    clearInterval(watch);
    const p = stats.playout;
    // Continuity is structural: the server numbers the booth's frames across consoles (no frame
    // missing), sets no discontinuity (no jitter-buffer reset), and the channel never goes off
    // air.  Concealment is load-dependent (the capture → send delay of two browsers differs
    // a little at the switch): reported, bounded generously.
    t.diagnostic(`listener across the handover: ${JSON.stringify({ missing: stats.frames_missing, discontinuities: p.discontinuities,
      interruptions: stats.interruptions, concealedMs: p.concealed_samples / 48, over150: p.concealments_over_150ms,
      e2eP50: stats.end_to_end_latency.p50_ms })}`);
    assert.equal(stats.frames_missing, 0, 'no frame missing at the switch');
    assert.equal(offAir, 0, 'the channel stayed on air');
    assert.ok(p.discontinuities <= 1, 'no jitter-buffer reset at the switch (the first frame only)');
    assert.ok(stats.end_to_end_latency.max_ms < 2000, `capture times right across the handover (max ${stats.end_to_end_latency.max_ms} ms)`);
    assert.ok(p.concealed_samples / 48 < 1500, `concealed ${p.concealed_samples / 48} ms of 7 s`);
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.close();
    await b.close();
  });

  await t.test('auto-relay: the floor turns to a language the booth does not work from, the console relays the pivot and comes back', async () => {
    const page = await openConsole(context, `${base}/booth?token=${encodeURIComponent(await issueToken(config, 'fr'))}&booth=FR&lang=en`);
    await waitFor('FR live', async () => (await stateOf(page)).air === 'live', 15000, 100);
    assert.equal((await stateOf(page)).source, 'floor');
    const floorLanguage = (language) => new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/tech/floor${language ? `?language=${language}` : ''}` },
        (res) => { res.resume(); res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)))); });
      req.on('error', reject);
      req.end();
    });
    await floorLanguage('de');  // the technician: the floor speaks German; FR works from en and es
    const relaying = await waitFor('relaying from en', async () => { const x = await stateOf(page); return x.source === 'en' && x; }, 5000, 50);
    assert.match(relaying.note, /DE.*EN|relaying from EN/i, `the note says why (${relaying.note})`);
    assert.match(await page.textContent('#note'), /relaying from EN/);
    await floorLanguage('es');
    const back = await waitFor('back to the floor', async () => { const x = await stateOf(page); return x.source === 'floor' && x; }, 5000, 50);
    assert.match(back.note, /back to the floor/);
    await floorLanguage('');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  await t.test('opened over plain HTTP from another machine: the console says how to reach it over HTTPS', async () => {
    const page = await context.newPage();
    await page.goto(`http://booth.test:${port}/booth?token=${encodeURIComponent(await issueToken(config, 'en'))}&lang=fr`);
    await page.waitForSelector('#blocked', { state: 'visible', timeout: 10000 });
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    const text = await page.textContent('#blocked');
    assert.match(text, /sécurisée/, 'in the console\'s language');
    assert.match(text, new RegExp(`https://booth\\.test:${port}/booth`), `names the HTTPS address (${text})`);
    assert.equal(await page.isVisible('#start'), false, 'no start button that could only fail');
    await page.close();
  });

  await t.test('a private event: the console hears the floor with its booth token, a phone without the passcode does not', async () => {
    const pdir = fs.mkdtempSync(path.join(outDir, 'booth-private-'));
    const pconfig = path.join(pdir, 'event.toml');
    const hash = tolkServer(['password', 'hash'], 'closed door 4\n');
    fs.writeFileSync(pconfig, fs.readFileSync(config, 'utf8').replace(/state_dir = ".*"/, `state_dir = "${path.join(pdir, 'state')}"`) +
      `listener_passcode = "${hash}"\n`);
    const p = await startServer(0, { config: pconfig });
    const pbase = `http://127.0.0.1:${p.port}`;
    const floorBooth = startBooth(p.port, 'floor', 'tone:330', await issueToken(pconfig, 'floor'));
    await waitFor('floor on air', async () => (await getJson(p.port, '/api/channels')).channels.find((c) => c.id === 'floor').on_air, 10000);
    const page = await openConsole(context, `${pbase}/booth?token=${encodeURIComponent(await issueToken(pconfig, 'en'))}`);
    await waitFor('the floor playing in the console', async () => (await stateOf(page)).returnStats?.playing, 15000, 100);
    const phone = await context.newPage();
    await phone.goto(`${pbase}/?nosw&lang=en`);
    await waitFor('the phone asks for the passcode', async () => phone.isVisible('#passcode'), 10000, 100);
    assert.equal(await phone.isVisible('#channels'), false);
    assert.deepEqual(page.errors, []);
    await phone.close();
    await page.close();
    await stop(floorBooth);
    await stop(p.child);
  });
});

// WebKitGTK: MiniBrowser with WebKit's mock capture devices (a WebKitSettings switch) where the
// engine offers them.
test('booth console in WebKitGTK', { skip: webkitSkip, timeout: 120000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(outDir, 'booth-webkit-'));
  const config = eventFile(dir);
  const { port } = await startServer(0, { config });
  const webkit = await startWebKit({ browserArgs: ['--enable-media-stream=true', '--enable-mock-capture-devices=true'] });
  const browser = await webkit.session();
  try {
    await browser.goto(`http://127.0.0.1:${port}/booth?token=${encodeURIComponent(await issueToken(config, 'en'))}&lang=en`);
    await waitFor('the console loaded', async () => (await browser.exec('return !!window.tolkBooth')), 10000, 100);
    const blocked = await browser.exec('return document.getElementById("blocked").hidden ? null : document.getElementById("blocked").textContent');
    if (blocked) {
      t.diagnostic(`WebKitGTK cannot open a microphone here: ${blocked}`);
      assert.match(blocked, /HTTPS/);
      return;
    }
    await browser.click('#start');
    const s = await waitFor('ON AIR (or a microphone error)', async () => {
      const x = await browser.exec('return window.tolkBooth.state()');
      return (x.air === 'live' || /microphone/i.test(x.banner)) && x;
    }, 20000, 200);
    fs.writeFileSync(path.join(outDir, 'booth-webkit.png'), await browser.screenshot());
    t.diagnostic(`WebKitGTK: ${s.air}, encoder ${s.encoder}, ${s.sampleRate} Hz, mic ${JSON.stringify(s.micSettings)}; banner "${s.banner}"`);
    assert.equal(s.air, 'live', `WebKitGTK shows ON AIR (banner: ${s.banner})`);
    assert.match(await browser.exec('return document.getElementById("onair").textContent'), /ON AIR/);
    await waitFor('en on air, published from WebKitGTK', async () => (await getJson(port, '/api/channels')).channels.find((c) => c.id === 'en').on_air, 10000);
  } finally {
    await browser.close();
    await webkit.stop();
  }
});
