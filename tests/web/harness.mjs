// Shared pieces of the browser tests: start tolk-server and booths, serve the app (through
// tolk-server's --web-root when it has one, else a small static server + proxy), bounded
// waits, and the dominant frequency of captured audio.  Every child is killed at exit.
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const build = path.resolve(process.env.TOLK_BUILD_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), '../../build'));
export const webRoot = path.join(build, 'web');
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

const serverHelp = (() => {
  try { return execFileSync(path.join(build, 'bin/tolk-server'), ['--help'], { encoding: 'utf8' }); } catch { return ''; }
})();
export const serverServesWeb = serverHelp.includes('--web-root');

// Starts tolk-server; resolves {port, child}.  `port` 0: any.
export function startServer(port = 0) {
  const args = ['--listen', `127.0.0.1:${port}`, '--log-level', 'warn'];
  // The app's build output; served at / (tolk-server maps --web-root itself to /).
  if (serverServesWeb) args.push('--web-root', path.join(webRoot, 'listen'));
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

export function startBooth(port, channel, input) {
  return run(path.join(build, 'bin/tolk-booth'), ['--server', `ws://127.0.0.1:${port}`, '--channel', channel, '--input', input, '--loop', '--quiet']);
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

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

// Until tolk-server serves the app itself: serve build/web/listen at / and pass /ws and /api
// through to the server on `backend()` (a function: the port changes across restarts).
export function startStaticProxy(backend) {
  const root = path.join(webRoot, 'listen');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') {
      const up = http.request({ host: '127.0.0.1', port: backend(), path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers); r.pipe(res);
      });
      up.on('error', () => { res.writeHead(502); res.end(); });
      req.pipe(up);
      return;
    }
    const file = path.join(root, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404); res.end('not found'); return; }
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(backend(), '127.0.0.1', () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket); socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, server })));
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
