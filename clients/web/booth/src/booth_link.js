// The console's WebSocket to /ws/booth, as tolk-booth does it (clients/booth/booth.cpp):
// `?channel=ID[&booth=NAME]`, then a `hello` carrying the booth token as its first message
// (a browser cannot set Authorization on a WebSocket, and a token in the URL ends up in logs),
// pings with `clock` reports after each pong (protocol/PROTOCOL.md "Clocks"), binary frames.
// Reconnects with a calm back-off, except after a refusal a retry cannot fix (unknown channel, the signed-roles refusals, replaced, overridden).
// Outgoing audio is bounded: beyond MAX_BUFFERED bytes waiting in the socket, frames are
// dropped (counted), never control messages.  Main thread only.
import { ClockSync } from '../../listen/src/clock_sync.js';
import CLOSE from '../../../../protocol/close_code.hpp';  // bundled by build.mjs's loader

const FINAL = [CLOSE.unknown_channel, CLOSE.unauthorized, CLOSE.forbidden, CLOSE.token_expired, CLOSE.replaced, CLOSE.overridden];
const MAX_BUFFERED = 16 * 1024;  // about 1 s of 64 kbit/s audio

export class BoothLink {
  // h: {onState(state), onMessage(msg), onFinal(code, reason), onTaken(reason)}
  constructor(url, token, h) {
    this.url = url;
    this.token = token;
    this.h = h;
    this.state = 'connecting';
    // Every pong's best sample goes to the server as a `clock` report.
    this.clock = new ClockSync((m) => this.send(m), 1000);
    this.backoff = 250;
    this.dropped = 0;
    this.sent = 0;
    this.open();
  }

  open() {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.send({ type: 'hello', client: 'tolk-booth-web/0.1', protocol: 1, ...(this.token ? { token: this.token } : {}) });
      this.clock.start();
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;  // a booth receives no audio
      let m;
      try { m = JSON.parse(e.data); } catch { return; }
      if (m.type === 'pong') this.reportClock(this.clock.onPong(m));
      if (m.type === 'welcome') { this.backoff = 250; this.setState('on'); }
      this.h.onMessage(m);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.clock.stop();
      if (FINAL.includes(e.code)) { this.setState('stopped'); this.h.onFinal(e.code, e.reason); return; }
      if (e.code === CLOSE.channel_taken) this.h.onTaken?.(e.reason);
      this.setState('reconnecting');
      this.retry = setTimeout(() => this.open(), this.backoff);
      this.backoff = Math.min(3000, this.backoff * 2);
    };
    ws.onerror = () => ws.close();
  }

  setState(s) { this.state = s; this.h.onState(s); }
  get open_() { return this.ws?.readyState === WebSocket.OPEN && this.state === 'on'; }

  send(obj) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
  }

  // One wire frame (Uint8Array); false when it was dropped.
  sendFrame(bytes) {
    if (!this.open_ || this.ws.bufferedAmount > MAX_BUFFERED) { ++this.dropped; return false; }
    this.ws.send(bytes);
    ++this.sent;
    return true;
  }

  close() {
    clearTimeout(this.retry);
    this.clock.stop();
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  reportClock(best) {
    this.send({ type: 'clock', offset_us: Math.round(best.offset), rtt_us: Math.max(0, Math.round(best.rtt)) });
  }
}
