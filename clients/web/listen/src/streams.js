// Stream routing: which channels the mixer plays at which gain, and which the connection
// subscribes to.  The selected channel (or the floor when it is off air), the floor underneath
// at the listener's level, and a channel still fading out after a language switch (kept until
// the new one plays).  Pure apart from its own memory of the last choice; main thread.
import { channelById, channelByNumber, floorChannel } from './state.js';

// id -> gain of what the listener wants to hear now.
export function wanted(app) {
  const out = new Map();
  const sel = channelById(app, app.selected);
  const floor = floorChannel(app);
  if (!app.playing || !sel) return out;
  if (sel.on_air === false && floor && floor !== sel) out.set(floor.id, 1);
  else out.set(sel.id, 1);
  if (floor && !out.has(floor.id) && app.floorGain > 0) out.set(floor.id, app.floorGain);
  return out;
}

export class StreamRouter {
  constructor() {
    this.lastSelectedNumber = null;
    this.retiring = new Set();   // channel numbers fading out after a language switch
    this.subscribed = new Set(); // channel ids the connection hears
  }

  // The mixer's stream list for `app`: [{channel, gain, retireWhen?}].
  streams(app) {
    const want = wanted(app);
    const numberOf = (id) => channelById(app, id).number;
    const selNumber = channelById(app, app.selected)?.number ?? null;
    const streams = [...want].map(([id, gain]) => ({ channel: numberOf(id), gain }));
    if (this.lastSelectedNumber !== null && selNumber !== this.lastSelectedNumber && app.playing &&
        ![...want.keys()].some((id) => numberOf(id) === this.lastSelectedNumber)) {
      this.retiring.add(this.lastSelectedNumber);  // keep it until the new one plays, then fade
    }
    this.lastSelectedNumber = app.playing ? selNumber : null;
    const first = streams[0]?.channel;
    for (const n of this.retiring) {
      if (!streams.some((s) => s.channel === n) && first !== undefined) streams.push({ channel: n, gain: 1, retireWhen: first });
    }
    if (!app.playing) this.retiring.clear();
    return streams;
  }

  retired(channelNumber) { this.retiring.delete(channelNumber); }

  // The connection was (re)opened: the server hears nothing yet.
  connectionOpened() { this.subscribed.clear(); }

  // Subscribe/unsubscribe messages that make the connection hear exactly `streams`.  Call only
  // while connected: the subscriptions are taken as sent.
  subscriptionMessages(app, streams) {
    const ids = new Set(streams.map((s) => channelByNumber(app, s.channel)?.id).filter(Boolean));
    const add = [...ids].filter((id) => !this.subscribed.has(id));
    const drop = [...this.subscribed].filter((id) => !ids.has(id));
    this.subscribed = ids;
    const out = [];
    if (add.length) out.push({ type: 'subscribe', channels: add });
    if (drop.length) out.push({ type: 'unsubscribe', channels: drop });
    return out;
  }
}
