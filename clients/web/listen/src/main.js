// The listener app: language picker, one tap to play, volume, "original underneath", calm
// reconnection, off-air notice, Media Session, Wake Lock, stats to the server, details view.
// Audio: WebSocket frames → the wasm jitter buffer (in the AudioWorklet) → output.
// This file wires the pieces together; each concern lives in its own module:
//   state.js (the state), streams.js (what to hear and subscribe to), latency.js, dropouts.js,
//   stats_upload.js, media_session.js, wake_lock.js, render.js, controls.js, access.js (a private
//   event's passcode or token), nodes.js (several nodes: the suggested one, failover),
//   test_hooks.js (test build only: TOLK_TEST_HOOKS is set by build.mjs).
import { Connection } from './connection.js';
import { NodeList, followNodes, listenUrlOf } from './nodes.js';
import { startAudio } from './audio_output.js';
import { createState, channelById, applyServerMessage, selectedStream } from './state.js';
import { StreamRouter } from './streams.js';
import { endToEndLatencyMs, LatencyTrack } from './latency.js';
import { DropoutTrack } from './dropouts.js';
import { statsMessage, STATS_UPLOAD_EVERY_MS } from './stats_upload.js';
import { updateMediaSession } from './media_session.js';
import { WakeLock } from './wake_lock.js';
import { render as renderPage, renderDetails as renderDetailsOf } from './render.js';
import { setupControls } from './controls.js';
import { channelLabel } from './i18n.js';
import { accessQuery, loadAccess, saveAccess, forgetAccess, refusalMessage, eventName } from './access.js';
import { hideWebCodecs, installTestHooks } from './test_hooks.js';

const params = new URLSearchParams(location.search);
if (TOLK_TEST_HOOKS) hideWebCodecs(params);
const app = createState(params);
app.access = params.get('token') ? { token: params.get('token') } : null;  // a join link's listener token
app.locked = null;  // a private event without its key: {error: an i18n key or null}
app.latency = new LatencyTrack();
app.dropouts = new DropoutTrack();
const router = new StreamRouter();
const wakeLock = new WakeLock();
const captures = new Map();  // test build: capture id -> callback
let audioStarting = null;
const wasmBytes = fetch('tolk_audio.wasm').then((r) => r.arrayBuffer());
wasmBytes.catch(() => {});

const render = () => renderPage(app, conn, choose);
const renderDetails = () => renderDetailsOf(app, conn);

// ---- connection -------------------------------------------------------------------------
const nodes = new NodeList(location.origin);
const conn = new Connection(listenUrlOf(location.origin), {
  nextUrl: () => (nodes.origins.length > 1 ? listenUrlOf(nodes.next()) : null),
  query: accessQuery(app.access),
  onState: () => { render(); },
  onRefused: (code, reason) => { refused(code, reason); },
  onOpen: () => {
    router.connectionOpened();
    // Back to the live edge: fresh jitter buffers, then subscribe again.
    if (app.audio) app.audio.post({ type: 'streams', streams: [], reset: true });
    updateStreams();
  },
  onMessage: (m) => {
    if (m.type === 'welcome') { app.locked = null; saveAccess(m.event, app.access); }
    if (applyServerMessage(app, m)) updateStreams();
    render();
  },
  onFrame: (data) => { if (app.audio) app.audio.post({ type: 'frame', data }, [data]); },
});
addEventListener('online', () => conn.kick());
followNodes(nodes, conn);

// ---- a private event ----------------------------------------------------------------------
// Refused: try what this phone remembers for the event, else ask for the passcode (saying why
// when what was tried did not open it).
async function refused(code, reason) {
  const tried = app.access;
  app.event ||= await eventName();
  if (tried) forgetAccess(app.event);
  const stored = !tried && loadAccess(app.event);
  app.access = null;
  if (stored) {
    app.access = stored;
    conn.setQuery(accessQuery(stored));
    return;
  }
  app.locked = { error: refusalMessage(code, reason, tried) };
  render();
}

function unlock(passcode) {
  app.access = { passcode };
  conn.setQuery(accessQuery(app.access));
  render();
}

// ---- audio ------------------------------------------------------------------------------
function onAudioMessage(m) {
  if (m.type === 'stats') {
    app.streamStats = new Map(m.streams.map((s) => [s.channel, s]));  // what the mixer plays now
    app.rejectedFrames = m.rejectedFrames;
    updateLatency();
  } else if (m.type === 'retired') {
    router.retired(m.channel);
    updateStreams();
  } else if (TOLK_TEST_HOOKS && m.type === 'captured') {
    captures.get(m.id)?.(m.samples);
    captures.delete(m.id);
  }
}

async function ensureAudio() {
  if (app.audio) return app.audio;
  audioStarting ??= wasmBytes.then((bytes) => startAudio(bytes, onAudioMessage));
  app.audio = await audioStarting;
  app.audio.post({ type: 'volume', value: app.volume });
  return app.audio;
}

function updateStreams() {
  const streams = router.streams(app);
  app.audio?.post({ type: 'streams', streams });
  if (conn.state === 'connected') for (const m of router.subscriptionMessages(app, streams)) conn.send(m);
  const sel = channelById(app, app.selected);
  updateMediaSession({ label: sel && channelLabel(sel, app.lang), event: app.event, playing: app.playing },
    { play: () => { if (app.selected) choose(app.selected); }, stop });
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
  wakeLock.request();
  render();
}

function stop() {
  app.playing = false;
  updateStreams();
  wakeLock.release();
  render();
}

// ---- latency and stats ------------------------------------------------------------------
function updateLatency() {
  const sel = channelById(app, app.selected);
  const stream = selectedStream(app);
  app.latency.update(endToEndLatencyMs(stream, app.audio?.ctx, conn.offsetUs, sel?.clock_offset_us));
  if (stream) app.dropouts.update(performance.now(), `${stream.channel}/${stream.handle}`, stream.stats);
  renderDetails();
}

setInterval(() => {
  const s = selectedStream(app);
  if (app.playing && s) {
    conn.send(statsMessage(app.selected, s.stats, app.latency.ms, { profile: s.profile, offsetUs: conn.offsetUs, rttUs: conn.rttUs }));
  }
}, STATS_UPLOAD_EVERY_MS);

// ---- page life ----------------------------------------------------------------------------
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    if (app.playing) wakeLock.request();
    if (app.audio && app.playing) app.audio.ctx.resume().catch(() => {});
    conn.kick();
  }
});

setupControls(app, {
  language: (lang) => { app.lang = lang; render(); },
  toggle: () => (app.playing ? stop() : app.selected && choose(app.selected)),
  volume: (value) => { app.volume = value; app.audio?.post({ type: 'volume', value }); },
  floor: (gain) => { app.floorGain = gain; updateStreams(); },
  unlock,
});
render();
setInterval(renderDetails, 1000);

// The test build skips the service worker with ?nosw (a cached shell would outlive the test's
// build); phones always get it.
const useServiceWorker = !(TOLK_TEST_HOOKS && params.has('nosw'));
if ('serviceWorker' in navigator && window.isSecureContext && useServiceWorker) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}

if (TOLK_TEST_HOOKS) installTestHooks(app, conn, captures);
