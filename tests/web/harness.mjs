// Shared pieces of the browser tests: start tolk-server (serving the app's test build, with
// the test hooks: build/web/listen-test, see clients/web/build.mjs) and booths, bounded waits,
// and the dominant frequency of captured audio.  Every child is killed at exit.
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const build = path.resolve(process.env.TOLK_BUILD_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), '../../build'));
export const webRoot = path.join(build, 'web');
export const testAppRoot = path.join(webRoot, 'listen-test');
export const outDir = process.env.TOLK_WEB_TEST_OUT || path.join(build, 'test-output', 'web');
fs.mkdirSync(outDir, { recursive: true });
export const requireModule = createRequire(path.join(process.env.TOLK_NODE_MODULES || path.join(build, 'web/npm/node_modules'), 'x.js'));

const children = new Set();
export function killAll() {
  for (const c of children) killTree(c);
  children.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(1); });

// Each child leads its own process group, so its own children (Xvfb under xvfb-run, the
// browser under its driver) go with it.
function killTree(child) {
  try { process.kill(-child.pid, 'SIGKILL'); } catch { try { child.kill('SIGKILL'); } catch { /* gone */ } }
}

export function run(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.stderr.on('data', (d) => { if (process.env.TOLK_WEB_TEST_VERBOSE) process.stderr.write(d); });
  return child;
}

export async function waitFor(what, fn, timeoutMs = 10000, everyMs = 50) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Starts tolk-server; resolves {port, child}.  `port` 0: any.
// config: an event file (default: the built-in demo); root: the web root (default: the app's
// test build, served at / — the production build in build/web/listen has no hooks).
export function startServer(port = 0, { config, root = testAppRoot } = {}) {
  const args = ['--listen', `127.0.0.1:${port}`, '--log-level', 'warn', '--web-root', root];
  if (config) args.push('--config', config);
  const child = run(path.join(build, 'bin/tolk-server'), args);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('tolk-server did not print its address')), 10000);
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/listening on [^\s]*:(\d+)/);
      if (m) { clearTimeout(timer); resolve({ port: Number(m[1]), child }); }
    });
    child.on('exit', (code) => reject(new Error(`tolk-server exited (${code})`)));
  });
}

// token: a booth token, for an event other than the built-in demo (see issueToken).
export function startBooth(port, channel, input, token) {
  return run(path.join(build, 'bin/tolk-booth'), ['--server', `ws://127.0.0.1:${port}`, '--channel', channel, '--input', input, '--loop', '--quiet',
    ...(token ? ['--token', token] : [])]);
}

// A booth token for CHANNELS (comma-separated) of the event file CONFIG, from tolk-server itself.
// Runs a tolk-server subcommand (password hash, token issue); resolves its output, trimmed.
export const tolkServer = (args, input) =>
  execFileSync(path.join(build, 'bin/tolk-server'), args, { input, timeout: 30000 }).toString().trim();

export async function issueToken(config, channels) {
  const child = run(path.join(build, 'bin/tolk-server'), ['token', 'issue', '--config', config, '--role', 'booth',
    '--channels', channels, '--name', 'test booth', '--ttl', '1h']);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`tolk-server token issue exited ${code}`);
  return out.split(/\s+/)[0];
}

export async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  killTree(child);
  await gone;
}

export async function getJson(port, p) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

// Dominant frequency (Hz) of `samples` at `rate`: Goertzel over 50–4000 Hz, refined to 1 Hz.
export function dominantFrequency(samples, rate) {
  const power = (f) => {
    const w = 2 * Math.PI * f / rate, c = 2 * Math.cos(w);
    let s1 = 0, s2 = 0;
    for (const x of samples) { const s0 = x + c * s1 - s2; s2 = s1; s1 = s0; }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
  };
  let best = 0, bestP = -1;
  for (let f = 50; f <= 4000; f += 10) { const p = power(f); if (p > bestP) { bestP = p; best = f; } }
  for (let f = best - 10; f <= best + 10; f += 1) { const p = power(f); if (p > bestP) { bestP = p; best = f; } }
  return best;
}

export const rms = (s) => Math.sqrt(s.reduce((a, x) => a + x * x, 0) / Math.max(1, s.length));
export const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

// A spoken WAV for a booth (espeak-ng, about 9 s; the booth loops it seamlessly), or null
// when espeak-ng is missing (./tolk deps installs it).
export function makeSpeechWav(name = 'speech.wav') {
  const wav = path.join(outDir, name);
  const text = 'Good morning. The committee meeting is now open. Let us turn to the first item of the agenda, ' +
    'the report of the working group on the fisheries of the northern coast.';
  try {
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, text], { stdio: 'ignore', timeout: 30000 });
  } catch {
    return null;
  }
  return fs.statSync(wav).size > 44 ? wav : null;
}

// Plays on `channelNumber` until the buffer has played `seconds` after its first second, and
// reads its own time-scaling count (codec/'s time_scale_operations, and of them those in pauses,
// which are not heard) then and at the end of the first second, and how many concealment runs
// (stalls) came after it.  state(): the page's window.tolk.state().  Resolves {first, after,
// afterInSpeech, concealmentsAfter, stats}.
export async function countTimeScaling(state, channelNumber, seconds, timeoutMs) {
  const stats = async () => (await state()).streams[channelNumber]?.stats;
  const played = (n) => async () => { const s = await stats(); return s && s.samples_played >= n * 48000 && s; };
  const first = await waitFor('the first second played', played(1), 15000, 100);
  const end = await waitFor(`${seconds} s more played`, played(1 + seconds), timeoutMs, 250);
  const inSpeech = (s) => s.time_scale_operations - s.time_scale_operations_in_pauses;
  return { first: first.time_scale_operations, after: end.time_scale_operations - first.time_scale_operations,
    afterInSpeech: inSpeech(end) - inSpeech(first),
    concealmentsFirst: first.concealment_events, concealmentsAfter: end.concealment_events - first.concealment_events, stats: end };
}
