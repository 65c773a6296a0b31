// Builds the listener app into OUT (served by tolk-server at /; the technician's console in
// OUT/tech, the booth console in OUT/booth, at the end): bundles the page script and
// the AudioWorklet with esbuild, copies the shell, draws the PNG icons, fills in the service
// worker's shell list, and writes a .gz beside every text/wasm file.
// Then the test build into TEST_OUT (default: OUT-test, e.g. build/web/listen-test): the same
// app with the test hooks compiled in (TOLK_TEST_HOOKS, see listen/src/test_hooks.js), served
// only by tests/web.  OUT itself never holds them.
//   node build.mjs --out DIR --node-modules DIR [--test-out DIR]   (tolk_audio.wasm is already in DIR)
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const here = path.dirname(new URL(import.meta.url).pathname);
const src = path.join(here, 'listen');
const out = path.resolve(arg('--out'));
const nodeModules = path.resolve(arg('--node-modules') || path.join(here, 'node_modules'));
const esbuild = createRequire(path.join(nodeModules, 'x.js'))('esbuild');

const testOut = path.resolve(arg('--test-out') || `${out}-test`);

// The close codes come from the header the server uses (protocol/close_code.hpp): a page script
// imports that file, and this loader turns its `name = code` lines into a default-exported
// object ({channel_taken: 4001, ...}).  One list for both sides, nothing mirrored by hand.
const closeCodes = {
  name: 'tolk-close-codes',
  setup(build) {
    build.onLoad({ filter: /close_code\.hpp$/ }, (args) => {
      const codes = {};
      for (const m of fs.readFileSync(args.path, 'utf8').matchAll(/constexpr std::uint16_t (\w+) = (\d+);/g)) codes[m[1]] = Number(m[2]);
      if (!Object.keys(codes).length) return { errors: [{ text: `no close codes found in ${args.path}` }] };
      return { contents: `export default ${JSON.stringify(codes)};`, loader: 'js' };
    });
  },
};
const shared = { bundle: true, minify: true, write: true, target: ['es2020', 'safari15', 'chrome90'], legalComments: 'none',
  logLevel: 'warning', plugins: [closeCodes] };

// app.js and worklet.js into `dir`, with or without the test hooks.
async function bundle(dir, testHooks) {
  const common = { ...shared, define: { TOLK_TEST_HOOKS: String(testHooks) } };
  await esbuild.build({ ...common, entryPoints: [path.join(src, 'src/main.js')], outfile: path.join(dir, 'app.js'), format: 'esm' });
  await esbuild.build({ ...common, entryPoints: [path.join(src, 'src/worklet.js')], outfile: path.join(dir, 'worklet.js'), format: 'iife' });
}

fs.mkdirSync(out, { recursive: true });
await bundle(out, false);
for (const f of ['index.html', 'style.css', 'manifest.webmanifest', 'icon.svg']) fs.copyFileSync(path.join(src, f), path.join(out, f));

// PNG icons: the same ring and dot as icon.svg, drawn without any image library.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) { c ^= b; for (let k = 0; k < 8; ++k) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c >>> 0;
}
function png(size) {
  const raw = Buffer.alloc(size * (size * 3 + 1));
  const bg = [0x11, 0x14, 0x18], fg = [0xf2, 0xb5, 0x44];
  for (let y = 0; y < size; ++y) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; ++x) {
      const d = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) / size * 64;
      const col = (d > 17 && d < 23) || d < 7 ? fg : bg;
      raw.set(col, y * (size * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
for (const s of [192, 512]) fs.writeFileSync(path.join(out, `icon-${s}.png`), png(s));

const shell = ['./', 'app.js', 'worklet.js', 'style.css', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png', 'tolk_audio.wasm'];
const hash = crypto.createHash('sha256');
for (const f of shell.slice(1)) hash.update(fs.readFileSync(path.join(out, f)));
hash.update(fs.readFileSync(path.join(out, 'index.html')));
const sw = fs.readFileSync(path.join(src, 'sw.js'), 'utf8')
  .replace('__VERSION__', hash.digest('hex').slice(0, 12)).replace('__SHELL__', JSON.stringify(shell));
fs.writeFileSync(path.join(out, 'sw.js'), sw);

// Pre-compressed siblings, and the first-play transfer (what a phone downloads before sound).
let firstPlay = 0;
for (const f of fs.readdirSync(out)) {
  if (!/\.(html|js|css|webmanifest|svg|wasm)$/.test(f)) continue;
  const body = fs.readFileSync(path.join(out, f));
  const gz = zlib.gzipSync(body, { level: 9 });
  fs.writeFileSync(path.join(out, `${f}.gz`), gz);
  if (['index.html', 'app.js', 'worklet.js', 'style.css', 'tolk_audio.wasm'].includes(f)) firstPlay += gz.length;
}
fs.writeFileSync(path.join(out, 'build-info.json'), JSON.stringify({ first_play_gzip_bytes: firstPlay }) + '\n');
console.log(`tolk-web: ${path.relative(process.cwd(), out) || out}: first play ${(firstPlay / 1024).toFixed(1)} KiB gzip`);

// The test build: the production files (no .gz: the tests do not need them), then the bundles
// with the hooks.
fs.rmSync(testOut, { recursive: true, force: true });
fs.mkdirSync(testOut, { recursive: true });
for (const f of fs.readdirSync(out)) {
  if (!f.endsWith('.gz') && f !== 'build-info.json' && f !== 'tech' && f !== 'booth') fs.copyFileSync(path.join(out, f), path.join(testOut, f));
}
await bundle(testOut, true);

// The technician's console into OUT/tech (served at /tech): its script with uPlot bundled, the
// uPlot stylesheet, the page.  Its listen-in imports the listener app's audio modules and uses
// OUT's worklet.js and tolk_audio.wasm.
const techSrc = path.join(here, 'tech');
const techOut = path.join(out, 'tech');
fs.mkdirSync(techOut, { recursive: true });
await esbuild.build({ ...shared, entryPoints: [path.join(techSrc, 'src/main.js')], outfile: path.join(techOut, 'app.js'),
  format: 'esm', nodePaths: [nodeModules], define: { TOLK_TEST_HOOKS: 'false' } });
fs.copyFileSync(path.join(nodeModules, 'uplot/dist/uPlot.min.css'), path.join(techOut, 'app.css'));
for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(techSrc, f), path.join(techOut, f));
for (const f of fs.readdirSync(techOut)) {
  if (/\.(html|js|css)$/.test(f)) fs.writeFileSync(path.join(techOut, `${f}.gz`), zlib.gzipSync(fs.readFileSync(path.join(techOut, f)), { level: 9 }));
}
console.log(`tolk-web: technician's console in ${path.relative(process.cwd(), techOut) || techOut}`);

// The booth console into OUT/booth (served at /booth): its page script and its AudioWorklet
// (capture and floor return), with tolk_booth.wasm (the audio core with the encoder, limiter
// and bandwidth estimator, already there).  Its test build (TOLK_TEST_HOOKS, booth/src/
// test_hooks.js) goes to TEST_OUT/booth, beside the phone app's.
const boothSrc = path.join(here, 'booth');
async function bundleBooth(dir, testHooks) {
  fs.mkdirSync(dir, { recursive: true });
  const common = { ...shared, define: { TOLK_TEST_HOOKS: String(testHooks) } };
  await esbuild.build({ ...common, entryPoints: [path.join(boothSrc, 'src/main.js')], outfile: path.join(dir, 'app.js'), format: 'esm' });
  await esbuild.build({ ...common, entryPoints: [path.join(boothSrc, 'src/worklet.js')], outfile: path.join(dir, 'worklet.js'), format: 'iife' });
  for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(boothSrc, f), path.join(dir, f));
}
const boothOut = path.join(out, 'booth');
await bundleBooth(boothOut, false);
for (const f of fs.readdirSync(boothOut)) {
  if (/\.(html|js|css|wasm)$/.test(f)) fs.writeFileSync(path.join(boothOut, `${f}.gz`), zlib.gzipSync(fs.readFileSync(path.join(boothOut, f)), { level: 9 }));
}
await bundleBooth(path.join(testOut, 'booth'), true);
fs.copyFileSync(path.join(boothOut, 'tolk_booth.wasm'), path.join(testOut, 'booth', 'tolk_booth.wasm'));
console.log(`tolk-web: booth console in ${path.relative(process.cwd(), boothOut) || boothOut}`);
