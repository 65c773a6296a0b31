// The listener app: language picker, one tap to play, volume, "original underneath", calm
// reconnection, off-air notice, Media Session, Wake Lock, stats to the server, details view.
// Audio: WebSocket frames → the wasm jitter buffer (in the AudioWorklet) → output.
import { Connection, clientNowUs } from './connection.js';
import { STRINGS, pickLanguage, translate } from './i18n.js';
import { startAudio } from './audio_output.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// ?nowebcodecs: behave as a browser without WebCodecs (older iPhones).  The app decodes with its
// wasm libopus everywhere (identical concealment on every platform), so this changes nothing
// but proves it in the tests.
if (params.has('nowebcodecs')) for (const k of ['AudioDecoder', 'AudioEncoder', 'EncodedAudioChunk', 'AudioData']) delete window[k];
const store = (() => { try { return window.localStorage; } catch { return null; } })();

const app = {
  lang: pickLanguage(params.get('lang') || store?.getItem('tolk.lang'), navigator.languages || [navigator.language]),
  event: '',
  channels: [],              // from the server: {id, number, language, label, on_air, listeners, clock_offset_us}
  selected: params.get('channel'),
  playing: false,
  audio: null,               // {ctx, node, post, path}
  audioStarting: null,
  floorGain: Number(store?.getItem('tolk.floor') ?? 0),
  volume: Number(store?.getItem('tolk.volume') ?? 1),
  subscribed: new Set(),     // channel ids the connection hears
  retiring: new Set(),       // channel numbers fading out after a language switch
  streamStats: new Map(),    // channel number -> last stats from the mixer
  latencyMs: null,
  latencies: [],
  captures: new Map(),
};
const wasmBytes = fetch('tolk_audio.wasm').then((r) => r.arrayBuffer());
wasmBytes.catch(() => {});

const t = (key, vars) => translate(app.lang, key, vars);
const channelById = (id) => app.channels.find((c) => c.id === id);
const channelByNumber = (n) => app.channels.find((c) => c.number === n);
const floorChannel = () => app.channels.find((c) => c.id === 'floor' || c.language === 'mul');

// ---- connection -------------------------------------------------------------------------
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/listen`;
const conn = new Connection(wsUrl, {
  onState: () => { render(); },
  onOpen: () => {
    app.subscribed.clear();
    // Back to the live edge: fresh jitter buffers, then subscribe again.
    if (app.audio) app.audio.post({ type: 'streams', streams: [], reset: true });
    updateStreams();
  },
  onMessage: (m) => {
    if (m.type === 'welcome') app.event = m.event || '';
    if (m.type === 'channels') { app.event = m.event || app.event; app.channels = m.channels; updateStreams(); }
    if (m.type === 'on_air') {
      const c = app.channels.find((x) => x.id === m.channel);
      if (c) { c.on_air = m.on_air; c.clock_offset_us = m.clock_offset_us; }
      updateStreams();
    }
    if (m.type === 'subscribed') {
      for (const c of m.channels) {
        const mine = channelById(c.id);
        if (mine) Object.assign(mine, c);
      }
    }
    render();
  },
  onFrame: (data) => { if (app.audio) app.audio.post({ type: 'frame', data }, [data]); },
});
addEventListener('online', () => conn.kick());

// ---- audio ------------------------------------------------------------------------------
function onAudioMessage(m) {
  if (m.type === 'stats') {
    for (const s of m.streams) app.streamStats.set(s.channel, s);
    updateLatency();
  } else if (m.type === 'retired') {
    app.retiring.delete(m.channel);
    updateStreams();
  } else if (m.type === 'captured') {
    app.captures.get(m.id)?.(m.samples);
    app.captures.delete(m.id);
  }
}

async function ensureAudio() {
  if (app.audio) return app.audio;
  app.audioStarting ??= wasmBytes.then((bytes) => startAudio(bytes, onAudioMessage));
  app.audio = await app.audioStarting;
  app.audio.post({ type: 'volume', value: app.volume });
  return app.audio;
}

// What we want to hear now: the selected channel (or the floor when it is off air), the floor
// underneath at the listener's level, and channels still fading out after a switch.
function wanted() {
  const out = new Map();  // id -> gain
  const sel = channelById(app.selected);
  const floor = floorChannel();
  if (!app.playing || !sel) return out;
  if (sel.on_air === false && floor && floor !== sel) out.set(floor.id, 1);
  else out.set(sel.id, 1);
  if (floor && !out.has(floor.id) && app.floorGain > 0) out.set(floor.id, app.floorGain);
  return out;
}

let lastSelectedNumber = null;
function updateStreams() {
  const want = wanted();
  const selNumber = channelById(app.selected)?.number ?? null;
  const streams = [];
  for (const [id, gain] of want) streams.push({ channel: channelById(id).number, gain });
  if (lastSelectedNumber !== null && selNumber !== lastSelectedNumber && app.playing &&
      ![...want.keys()].some((id) => channelById(id).number === lastSelectedNumber)) {
    app.retiring.add(lastSelectedNumber);  // keep it until the new one plays, then fade
  }
  lastSelectedNumber = app.playing ? selNumber : null;
  const first = streams[0]?.channel;
  for (const n of app.retiring) {
    if (!streams.some((s) => s.channel === n) && first !== undefined) streams.push({ channel: n, gain: 1, retireWhen: first });
  }
  if (!app.playing) app.retiring.clear();
  app.audio?.post({ type: 'streams', streams });
  const ids = new Set(streams.map((s) => channelByNumber(s.channel)?.id).filter(Boolean));
  const add = [...ids].filter((id) => !app.subscribed.has(id));
  const drop = [...app.subscribed].filter((id) => !ids.has(id));
  if (conn.state === 'connected') {
    if (add.length) conn.send({ type: 'subscribe', channels: add });
    if (drop.length) conn.send({ type: 'unsubscribe', channels: drop });
    app.subscribed = ids;
  }
  updateMediaSession();
}

async function choose(id) {
  app.selected = id;
  history.replaceState(null, '', `?channel=${encodeURIComponent(id)}`);
  app.playing = true;
  render();
  try {
    await ensureAudio();
    await app.audio.ctx.resume();
  } catch (e) {
    console.error(e);
  }
  updateStreams();
  requestWakeLock();
  render();
}

function stop() {
  app.playing = false;
  updateStreams();
  releaseWakeLock();
  render();
}

// ---- latency and stats ------------------------------------------------------------------
// End to end: (playout_local + listener_offset) − (capture_us + channel.clock_offset_us).
function updateLatency() {
  const sel = channelById(app.selected);
  const s = sel && app.streamStats.get(sel.number);
  if (!s || s.captureUs < 0 || conn.offsetUs === null || !app.audio) { app.latencyMs = null; renderDetails(); return; }
  const ctx = app.audio.ctx;
  let playoutUs;
  const ts = ctx.getOutputTimestamp?.();
  if (ts && ts.performanceTime > 0) {
    playoutUs = (performance.timeOrigin + ts.performanceTime) * 1000 + (s.audioUs - ts.contextTime * 1e6);
  } else {
    playoutUs = clientNowUs() + ((ctx.outputLatency || 0) + (ctx.baseLatency || 0)) * 1e6 + (s.audioUs - ctx.currentTime * 1e6);
  }
  const latency = (playoutUs + conn.offsetUs) - (s.captureUs + (sel.clock_offset_us || 0));
  app.latencyMs = latency / 1000;
  app.latencies.push(app.latencyMs);
  if (app.latencies.length > 240) app.latencies.shift();
  renderDetails();
}

setInterval(() => {
  const sel = channelById(app.selected);
  const s = sel && app.streamStats.get(sel.number);
  if (!app.playing || !s) return;
  const st = s.stats;
  conn.send({
    type: 'stats', channel: sel.id,
    delay_ms: Math.round(st.current_delay_ms), target_delay_ms: Math.round(st.target_delay_ms),
    latency_ms: app.latencyMs === null ? -1 : Math.round(app.latencyMs),
    concealed_ratio: st.samples_played > 0 ? st.concealed_samples / st.samples_played : 0,
    frames_received: st.frames_received, frames_missing: st.frames_missing, interruptions: st.interruptions,
  });
}, 5000);

// ---- platform: Media Session, Wake Lock -------------------------------------------------
function updateMediaSession() {
  if (!('mediaSession' in navigator)) return;
  const sel = channelById(app.selected);
  if (sel && app.playing) {
    navigator.mediaSession.metadata = new MediaMetadata({
      title: sel.label, artist: app.event || 'tolk', album: 'tolk',
      artwork: [{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' }, { src: 'icon-512.png', sizes: '512x512', type: 'image/png' }],
    });
  }
  navigator.mediaSession.playbackState = app.playing ? 'playing' : 'paused';
  try {
    navigator.mediaSession.setActionHandler('play', () => { if (app.selected) choose(app.selected); });
    navigator.mediaSession.setActionHandler('pause', stop);
    navigator.mediaSession.setActionHandler('stop', stop);
  } catch { /* not supported */ }
}

let wakeLock = null;
async function requestWakeLock() {
  try {
    if ('wakeLock' in navigator && document.visibilityState === 'visible' && !wakeLock) {
      wakeLock = await navigator.wakeLock.request('screen');
      wakeLock.addEventListener('release', () => { wakeLock = null; });
    }
  } catch { wakeLock = null; }
}
function releaseWakeLock() { wakeLock?.release().catch(() => {}); wakeLock = null; }
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    if (app.playing) requestWakeLock();
    if (app.audio && app.playing) app.audio.ctx.resume().catch(() => {});
    conn.kick();
  }
});

// ---- rendering --------------------------------------------------------------------------
function render() {
  document.documentElement.lang = app.lang;
  $('event').textContent = app.event || 'tolk';
  $('choose').textContent = t('choose');
  $('ui-lang-label').textContent = t('uiLanguage');
  $('ui-lang').value = app.lang;
  $('volume-label').textContent = t('volume');
  $('floor-label').textContent = t('floor');
  $('details-summary').textContent = t('details');
  const status = $('status');
  status.textContent = conn.state === 'connected' ? '' : t(conn.state === 'connecting' ? 'connecting' : 'reconnecting');
  status.dataset.state = conn.state;

  const list = $('channels');
  const floor = floorChannel();
  list.replaceChildren(...app.channels.map((c) => {
    const b = document.createElement('button');
    b.className = 'channel';
    b.dataset.id = c.id;
    b.lang = c.language === 'mul' ? app.lang : c.language;
    b.setAttribute('aria-pressed', String(app.playing && c.id === app.selected));
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = c.label;
    const state = document.createElement('span');
    state.className = 'state';
    state.dataset.onAir = String(!!c.on_air);
    state.textContent = t(c.on_air ? 'onAir' : 'offAir');
    b.append(label, state);
    b.onclick = () => choose(c.id);
    return b;
  }));
  if (!app.channels.length) list.textContent = t('noChannels');

  const sel = channelById(app.selected);
  $('player').hidden = !sel;
  $('now').textContent = sel ? (app.playing ? t('listening', { label: sel.label }) : sel.label) : t('tapToListen');
  const toggle = $('toggle');
  toggle.textContent = app.playing ? t('stop') : t('play');
  toggle.dataset.playing = String(app.playing);
  const notice = $('notice');
  notice.hidden = !(sel && sel.on_air === false);
  if (sel) notice.textContent = t(floor && floor !== sel ? 'offAirFloor' : 'offAirNotice', { label: sel.label });
  $('floor-row').hidden = !floor || sel === floor;
  renderDetails();
}

function renderDetails() {
  const sel = channelById(app.selected);
  const s = sel && app.streamStats.get(sel.number);
  const st = s?.stats;
  const fmt = (v, unit) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${Math.round(v)} ${unit}`);
  const rows = [
    [t('connection'), conn.state],
    [t('latency'), fmt(app.latencyMs, 'ms')],
    [t('buffer'), fmt(st?.current_delay_ms, 'ms')],
    [t('target'), fmt(st?.target_delay_ms, 'ms')],
    [t('concealed'), st && st.samples_played > 0 ? `${(100 * st.concealed_samples / st.samples_played).toFixed(1)} %` : '–'],
    [t('clock'), conn.offsetUs === null ? '–' : `${(conn.offsetUs / 1000).toFixed(1)} ms / ${(conn.rttUs / 1000).toFixed(1)} ms`],
    [t('path'), app.audio ? `${app.audio.path} @ ${app.audio.ctx.sampleRate} Hz${window.isSecureContext ? '' : ` (${t('degraded')})`}`
      : (window.isSecureContext ? '–' : t('degraded'))],
  ];
  $('details-body').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
}

// ---- controls ---------------------------------------------------------------------------
function setupControls() {
  const sel = $('ui-lang');
  sel.replaceChildren(...Object.keys(STRINGS).map((l) => {
    const o = document.createElement('option');
    o.value = l;
    o.textContent = { en: 'English', fr: 'Français', es: 'Español' }[l];
    return o;
  }));
  sel.onchange = () => { app.lang = sel.value; store?.setItem('tolk.lang', app.lang); render(); };
  $('toggle').onclick = () => (app.playing ? stop() : app.selected && choose(app.selected));
  const vol = $('volume');
  vol.value = String(app.volume);
  vol.oninput = () => { app.volume = Number(vol.value); store?.setItem('tolk.volume', vol.value); app.audio?.post({ type: 'volume', value: app.volume }); };
  const fl = $('floor');
  fl.value = String(app.floorGain);
  fl.oninput = () => { app.floorGain = Number(fl.value); store?.setItem('tolk.floor', fl.value); updateStreams(); };
}

setupControls();
render();
setInterval(renderDetails, 1000);

if ('serviceWorker' in navigator && window.isSecureContext && !params.has('nosw')) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}

// For the browser tests (tests/web): read state and capture what the page plays.
let captureId = 0;
window.tolk = {
  state: () => ({
    connection: conn.state, selected: app.selected, playing: app.playing, path: app.audio?.path ?? null,
    sampleRate: app.audio?.ctx.sampleRate ?? null, latencyMs: app.latencyMs, latencies: [...app.latencies],
    offsetUs: conn.offsetUs, streams: Object.fromEntries(app.streamStats), uiLang: app.lang,
    channels: app.channels.map((c) => ({ id: c.id, on_air: c.on_air })),
  }),
  // Resolves with `samples` output samples (array of numbers at the context's rate).
  capture: (samples) => new Promise((resolve) => {
    const id = ++captureId;
    app.captures.set(id, (buf) => resolve(Array.from(buf)));
    app.audio.post({ type: 'capture', samples, id });
  }),
};
