// The floor return: a listener connection (/ws/listen, the phone app's Connection: reconnects,
// clock offset) subscribed to the console's source only, the floor or the channel it relays.
// Frames go to the 'tolk-return' worklet; the channel list (labels, on air, each channel's own
// `source`: first or second hand) comes back to the page.  Main thread only.
import { Connection } from '../../listen/src/connection.js';

export const floorOf = (channels) => channels.find((c) => c.id === 'floor' || c.language === 'mul');

export class ReturnFeed {
  // post(msg, transfer): to the worklet; onChannels(): the list changed; onState(state);
  // token: the console's booth token, which opens a private event's channels to it too (shown
  // only when the server asks: a token in a URL ends up in logs).
  constructor(post, { onChannels, onState, token }) {
    this.post = post;
    this.onChannels = onChannels;
    this.channels = [];
    this.source = 'floor';   // "floor" or a channel id
    this.subscribed = null;  // the channel id the connection hears
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/listen`;
    this.conn = new Connection(url, {
      onState,
      onOpen: () => { this.subscribed = null; this.update(true); },
      onMessage: (m) => this.onMessage(m),
      onFrame: (data) => this.post({ type: 'frame', data }, [data]),
      onRefused: () => { if (token && !this.conn.query) this.conn.setQuery(`?token=${encodeURIComponent(token)}`); },
    });
  }

  onMessage(m) {
    if (m.type === 'channels') { this.channels = m.channels; this.update(false); this.onChannels(); }
    if (m.type === 'on_air' || m.type === 'subscribed') {
      for (const c of m.type === 'on_air' ? [{ id: m.channel, on_air: m.on_air, clock_offset_us: m.clock_offset_us }] : m.channels) {
        const mine = this.channels.find((x) => x.id === c.id);
        if (mine) Object.assign(mine, c);
      }
      this.onChannels();
    }
  }

  // The channel the console hears now (an object of the list), or undefined.
  channel() {
    return this.source === 'floor' ? floorOf(this.channels) : this.channels.find((c) => c.id === this.source);
  }

  setSource(source) {
    this.source = source;
    this.update(true);
  }

  // Subscribes to the source's channel and points the worklet at it (a fresh jitter buffer).
  update(force) {
    const c = this.channel();
    const id = c?.id ?? null;
    if (!force && id === this.subscribed) return;
    if (this.conn.state !== 'connected') return;
    if (this.subscribed && this.subscribed !== id) this.conn.send({ type: 'unsubscribe', channels: [this.subscribed] });
    this.post({ type: 'source', channel: c ? c.number : -1 });
    if (id) this.conn.send({ type: 'subscribe', channels: [id] });
    this.subscribed = id;
  }
}
