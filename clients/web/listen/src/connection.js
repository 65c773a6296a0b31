// The listener's WebSocket to tolk-server (/ws/listen): reconnects by itself with a calm
// back-off, re-subscribes, keeps a clock offset from ping/pong (lowest RTT of recent samples,
// protocol/PROTOCOL.md "Clocks").  A refusal of signed roles (close codes 4006-4008: a private
// event without its passcode or token) is not retried: the page asks for the passcode, then
// setQuery() opens again with it.  Main thread only.
import { ClockSync } from './clock_sync.js';
import CLOSE from '../../../../protocol/close_code.hpp';  // bundled by build.mjs's loader

export { clientNowUs } from './clock_sync.js';

const REFUSED = [CLOSE.unauthorized, CLOSE.forbidden, CLOSE.token_expired];

export class Connection {
  constructor(url, handlers) {
    this.url = url;
    this.h = handlers;  // {onState(state), onMessage(msg), onFrame(ArrayBuffer), onOpen(), onRefused(code, reason), nextUrl()}
    this.query = handlers.query || '';
    this.state = 'connecting';
    this.clock = new ClockSync((m) => this.send(m), 2000);
    this.backoff = 250;
    this.open();
  }

  open() {
    const ws = new WebSocket(this.url + this.query);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.backoff = 250;
      this.setState('connected');
      this.send({ type: 'hello', client: 'tolk-web/0.1', protocol: 1 });
      this.clock.start();
      this.h.onOpen?.();
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') { this.h.onFrame(e.data); return; }
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.type === 'pong') this.clock.onPong(msg);
      this.h.onMessage(msg);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.clock.stop();
      if (REFUSED.includes(e.code)) {
        this.setState('locked');
        this.h.onRefused?.(e.code, e.reason);
        return;
      }
      this.setState('reconnecting');
      const next = this.h.nextUrl?.();  // several nodes: walk on to the next (nodes.js)
      if (next) this.url = next;
      this.retry = setTimeout(() => this.open(), this.backoff);
      this.backoff = Math.min(3000, this.backoff * 2);
    };
    ws.onerror = () => ws.close();
  }

  // Opens again with another query (a private event's passcode or token).
  setQuery(query) {
    this.query = query;
    this.state = 'connecting';
    this.kick(true);
  }

  // Connect to another node (nodes.js: the one the server suggests).
  moveTo(url) {
    if (url === this.url) return;
    this.url = url;
    clearTimeout(this.retry);
    this.backoff = 250;
    const old = this.ws;
    this.ws = null;  // its close event is ignored
    try { old?.close(); } catch { /* closed */ }
    this.open();
  }

  // Reconnect at once (e.g. the network came back); not while refused, unless `force`.
  kick(force = false) {
    if (this.ws.readyState === WebSocket.OPEN || (this.state === 'locked' && !force)) return;
    clearTimeout(this.retry);
    this.backoff = 250;
    try { this.ws.close(); } catch { /* closed */ }
    this.ws = null;
    this.open();
  }

  setState(s) { this.state = s; this.h.onState(s); }

  send(obj) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
  }

  // Page clock → server clock and the round trip, µs (null until the first pong).
  get offsetUs() { return this.clock.offsetUs; }
  get rttUs() { return this.clock.rttUs; }
}
