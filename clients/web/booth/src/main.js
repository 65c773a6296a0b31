// The interpreter's booth console (issue 12), opened from the link `tolk-server token issue
// --role booth` prints: /booth?token=T[&channel=ID][&booth=NAME][&lang=fr][&encoder=wasm].
// Microphone → 20 ms Opus frames (encoder.js) → /ws/booth (booth_link.js), only while the
// server says this console's `mic` is open; the floor or a relay channel → the wasm jitter
// buffer with the `return` profile → the peak limiter → the headset (worklet.js, return_feed.js).
// This file owns the console's state and wires the modules together.
import { BoothCore } from './booth_core.js';
import { BoothLink } from './booth_link.js';
import { ConsoleAudio, secureContextMissing, microphones } from './audio.js';
import { createEncoder } from './encoder.js';
import { ReturnFeed } from './return_feed.js';
import { render, renderLevel, channelName } from './render.js';
import { setupControls, showProcessing, showMics, addChat } from './controls.js';
import { pickLanguage, translate } from './i18n.js';
import { endToEndLatencyMs, LatencyTrack } from '../../listen/src/latency.js';
import { EAR_LIMITS } from '../../listen/src/audio_core.js';
import { installTestHooks } from './test_hooks.js';
import CLOSE from '../../../../protocol/close_code.hpp';  // bundled by build.mjs's loader

const params = new URLSearchParams(location.search);
const store = (() => { try { return window.localStorage; } catch { return null; } })();
const saved = (k, d) => { try { return JSON.parse(store?.getItem(`tolk.booth.${k}`)) ?? d; } catch { return d; } };
const save = (k, v) => { try { store?.setItem(`tolk.booth.${k}`, JSON.stringify(v)); } catch { /* blocked */ } };

// Ear protection starts at codec/peak_limiter's defaults; the event may set its own levels
// ([booths] ear_*, in the booth's welcome).
const LIMITS = EAR_LIMITS;

// The token's claims (a PASETO v4.public token: the payload is readable, the server checks
// the signature): the channels it may publish, for a link without ?channel=.
function tokenClaims(token) {
  try {
    const body = token.split('.')[2].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(body + '='.repeat((4 - body.length % 4) % 4)), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes.subarray(0, bytes.length - 64)));
  } catch {
    return null;
  }
}

const token = params.get('token') || '';
const claims = token ? tokenClaims(token) : null;
const app = {
  lang: pickLanguage(params.get('lang') || store?.getItem('tolk.lang'), navigator.languages || [navigator.language]),
  channelId: params.get('channel') || claims?.channels?.[0] || '',
  boothName: params.get('booth') || '',
  processing: saved('processing', { echo: false, noise: false, gain: false }),
  micId: saved('mic', ''),
  volume: saved('volume', 1),
  encoderPref: params.get('encoder') === 'wasm' ? 'wasm' : 'auto',
  boothState: null, link: null, feed: null, audio: null, core: null, encoder: null,
  coughHeld: false, note: '', final: '', taken: false, serverError: '',
  returnStats: null, latency: new LatencyTrack(), micSettings: null,
  lastAuto: '', sequence: 0, bitrate: 32000, limits: LIMITS,
};
const t = (k, v) => translate(app.lang, k, v);
const draw = () => render(app);
document.getElementById('ui-lang').value = app.lang;

function blocked(why, how) {
  document.getElementById('blocked-why').textContent = why;
  document.getElementById('blocked-how').textContent = how;
  document.getElementById('blocked').hidden = false;
  document.getElementById('blocked').dataset.reason = why;
}

// ---- audio out: the return ------------------------------------------------------------------
function onReturnStats(m) {
  if (TOLK_TEST_HOOKS && m.type === 'captured') { captures.get(m.id)?.(m.samples); captures.delete(m.id); return; }
  if (m.type !== 'stats') return;
  app.returnStats = m;
  const c = app.feed?.channel();
  const ms = m.playing ? endToEndLatencyMs(m, app.audio.ctx, app.feed.conn.offsetUs, c?.clock_offset_us) : null;
  app.latency.update(ms === null ? null : ms + m.limiterDelayUs / 1000);
  draw();
}

// ---- audio in: microphone → encoder → booth link -------------------------------------------
// Every frame is encoded while the link is up, live or not: the encoder stays warm for a
// handover, and WebCodecs' timestamps (counted from its first input) stay the capture times.
// Only the sending waits for the server's `mic`.
function onMicFrame(f) {
  renderLevel(f.peak);
  if (!app.encoder) return;
  app.encoder.encode(f.samples, app.audio.captureClientUs(f.time));
}

function onPacket(opus, captureUs) {
  const s = app.boothState;
  if (app.link?.state !== 'on' || (s && !s.mic)) return;  // a passive console's mic stays closed
  const frame = app.core.serialize(app.sequence, captureUs, opus);
  app.sequence = (app.sequence + 1) >>> 0;
  app.link.sendFrame(frame);
}

async function ensureEncoder(bitrate) {
  if (app.encoder && bitrate === app.bitrate) return;
  app.encoder?.close();
  app.bitrate = bitrate;
  app.encoder = await createEncoder(app.core, { bitrate, prefer: app.encoderPref }, onPacket);
  document.getElementById('encoder').textContent = `${app.encoder.kind}, Opus 20 ms, ${Math.round(bitrate / 1000)} kbit/s` +
    (app.encoderPref === 'wasm' ? ' (?encoder=wasm)' : '');
}

// ---- the booth link ---------------------------------------------------------------------------
function onBoothMessage(m) {
  if (m.type === 'welcome') {
    app.final = ''; app.taken = false;
    ensureEncoder(m.bitrate > 0 ? m.bitrate : 32000).then(draw);
    if (typeof m.ear_ceiling_dbfs === 'number') {  // the event's ear protection ([booths] ear_*)
      app.limits = { ceilingDbfs: m.ear_ceiling_dbfs, sustainedDbfs: m.ear_sustained_dbfs, warningDbfs: m.ear_warning_dbfs };
      app.audio.post({ type: 'limits', limits: app.limits });
    }
    app.link.send({ type: 'source', source: app.feed.source });
  } else if (m.type === 'booth_state') {
    app.boothState = m;
    if (!m.live) app.coughHeld = app.coughHeld && m.mic;
    autoRelay(m);
  } else if (m.type === 'chat') {
    addChat(`${m.from || m.from_booth || '?'} → ${m.to}: ${m.text}`);
  } else if (m.type === 'error') {
    app.serverError = `${m.code}: ${m.reason}`;
    setTimeout(() => { app.serverError = ''; draw(); }, 6000);
  }
  draw();
}

// Auto-relay (server side: another part of issue 12): when the server suggests a source
// (`auto_source`: "floor" or a channel id) that differs from the one the console hears, the
// console takes it by itself and says so.  It acts when the suggestion changes, so an
// interpreter's own choice holds until the next one.
function autoRelay(s) {
  const auto = typeof s.auto_source === 'string' ? s.auto_source : '';
  if (!auto || auto === app.lastAuto) { app.lastAuto = auto; return; }
  app.lastAuto = auto;
  if (auto === app.feed.source) return;
  selectSource(auto);
  const floor = (s.floor_language || '?').toUpperCase();
  const relayed = app.feed.channels.find((c) => c.id === auto);
  app.note = auto === 'floor' ? t('autoBack', { floor }) : t('autoRelay', { floor, source: (relayed?.language || channelName(relayed) || auto).toUpperCase() });
  app.noteReason = s.auto_reason || '';
}

function selectSource(source) {
  app.feed.setSource(source);
  app.link?.send({ type: 'source', source });
  app.returnStats = null;
  app.latency = new LatencyTrack();
}

function connectBooth() {
  const q = new URLSearchParams({ channel: app.channelId });
  if (app.boothName) q.set('booth', app.boothName);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/booth?${q}`;
  app.link = new BoothLink(url, token, {
    onState: () => draw(),
    onMessage: onBoothMessage,
    onTaken: () => { app.taken = true; },
    onFinal: (code, reason) => {
      app.final = code === CLOSE.replaced ? t('replaced') : code === CLOSE.overridden ? t('overridden', { reason }) : t('refused', { reason: reason || code });
      app.audio?.closeMic();
      draw();
    },
  });
}

// ---- controls ---------------------------------------------------------------------------------
const act = {
  cough(on) {
    if (on === app.coughHeld) return;
    app.coughHeld = on;
    app.link?.send({ type: 'cough', on });
    draw();
  },
  handover() {
    const s = app.boothState;
    if (!s || s.partners === 0) return;
    app.link.send({ type: 'handover', action: s.live ? 'accept' : 'request' });
  },
  decline() { if (app.boothState?.handover === 'requested') app.link.send({ type: 'handover', action: 'decline' }); },
  output(i) {
    const outs = app.boothState?.outputs ?? [];
    if (outs.length === 2 && outs[i] !== app.boothState.channel) app.link.send({ type: 'output', channel: outs[i] });
  },
  slowDown() { app.link?.send({ type: 'slow_down' }); app.note = t('slowDownSent'); draw(); setTimeout(() => { if (app.note === t('slowDownSent')) { app.note = ''; draw(); } }, 3000); },
  source(id) { app.note = ''; selectSource(id); draw(); },
  volume(v) { app.volume = v; save('volume', v); app.audio?.post({ type: 'volume', value: v }); },
  async processing(p) { app.processing = p; save('processing', p); await openMic(); },
  async mic(id) { app.micId = id; save('mic', id); await openMic(); },
  chat(to, text) { app.link?.send({ type: 'chat', to, text }); addChat(`→ ${t({ partner: 'toPartner', booths: 'toBooths', technician: 'toTechnician' }[to])}: ${text}`); },
  lang(l) { app.lang = l; try { store?.setItem('tolk.lang', l); } catch { /* blocked */ } draw(); },
};

async function openMic() {
  try {
    app.micSettings = await app.audio.openMic(app.micId, app.processing);
    const devices = await microphones();
    showMics(devices, app.micSettings.deviceId || app.micId);
  } catch (e) {
    app.serverError = t('micDenied', { reason: e.message || e.name });
  }
  draw();
}

// ---- start ------------------------------------------------------------------------------------
async function start() {
  document.getElementById('start').hidden = true;
  document.getElementById('console').hidden = false;
  const wasm = await wasmBytes;
  app.core = new BoothCore(wasm);
  app.audio = await ConsoleAudio.start(wasm, LIMITS, onMicFrame, onReturnStats);
  app.audio.post({ type: 'volume', value: app.volume });
  app.feed = new ReturnFeed((msg, tr) => app.audio.post(msg, tr), { onChannels: draw, onState: draw, token });
  await openMic();
  connectBooth();
  draw();
}

const captures = new Map();
const wasmBytes = fetch('/booth/tolk_booth.wasm').then((r) => { if (!r.ok) throw new Error(`tolk_booth.wasm: ${r.status}`); return r.arrayBuffer(); });
wasmBytes.catch(() => {});
document.getElementById('volume').value = app.volume;
showProcessing(app.processing);
setupControls(act);
if (TOLK_TEST_HOOKS) installTestHooks(app, captures, start);

const missing = secureContextMissing();
if (missing) {
  blocked(t('insecure'), t('insecureHow', { host: location.host }));
} else if (!token && !params.get('channel')) {
  blocked(t('noToken'), '');
} else {
  const go = document.getElementById('start');
  go.hidden = false;
  go.addEventListener('click', () => { start().catch((e) => { app.serverError = String(e); draw(); }); }, { once: true });
}
render(app);
