// The page's state: what the listener chose and what the server said.  One object, owned by
// the main thread; the modules read it and main.js changes it.
import { pickLanguage } from './i18n.js';

// Saved choices (language, volume, floor level); null where storage is blocked.
export const store = (() => { try { return window.localStorage; } catch { return null; } })();

export function createState(params) {
  return {
    lang: pickLanguage(params.get('lang') || store?.getItem('tolk.lang'), navigator.languages || [navigator.language]),
    event: '',
    channels: [],              // from the server: {id, number, language, label, on_air, listeners, clock_offset_us}
    selected: params.get('channel'),
    playing: false,
    audio: null,               // {ctx, node, post, path}, once the first tap started it
    floorGain: Number(store?.getItem('tolk.floor') ?? 0),
    volume: Number(store?.getItem('tolk.volume') ?? 1),
    streamStats: new Map(),    // channel number -> stats of each stream the mixer holds now
    rejectedFrames: 0,         // frames the audio core could not parse
    latency: null,             // a LatencyTrack (latency.js)
  };
}

export const channelById = (app, id) => app.channels.find((c) => c.id === id);
export const channelByNumber = (app, n) => app.channels.find((c) => c.number === n);
export const floorChannel = (app) => app.channels.find((c) => c.id === 'floor' || c.language === 'mul');

// The selected channel's last stats from the mixer, or undefined.
export function selectedStream(app) {
  const sel = channelById(app, app.selected);
  return sel && app.streamStats.get(sel.number);
}

// Applies a control message from the server to the state.  Returns true when the channel
// list or an on-air flag changed (the streams to hear may change).
export function applyServerMessage(app, m) {
  if (m.type === 'welcome') app.event = m.event || '';
  if (m.type === 'channels') { app.event = m.event || app.event; app.channels = m.channels; return true; }
  if (m.type === 'on_air') {
    const c = channelById(app, m.channel);
    if (c) { c.on_air = m.on_air; c.clock_offset_us = m.clock_offset_us; }
    return true;
  }
  if (m.type === 'subscribed') {
    for (const c of m.channels) {
      const mine = channelById(app, c.id);
      if (mine) Object.assign(mine, c);
    }
  }
  return false;
}
