// The console's WebSocket to /ws/booth, as tolk-booth does it (clients/booth/booth.cpp):
// `?channel=ID[&booth=NAME]`, then a `hello` carrying the booth token as its first message
// (a browser cannot set Authorization on a WebSocket, and a token in the URL ends up in logs),
// pings with `clock` reports after each pong (protocol/PROTOCOL.md "Clocks"), binary frames.
// Reconnects with a calm back-off, except after a refusal a retry cannot fix (4002, 4006-4010).
// Outgoing audio is bounded: beyond MAX_BUFFERED bytes waiting in the socket, frames are
// dropped (counted), never control messages.  Main thread only.
import { clientNowUs } from '../../listen/src/connection.js';

const FINAL = [4002, 4006, 4007, 4008, 4009, 4010];
const MAX_BUFFERED = 16 * 1024;  // about 1 s of 64 kbit/s audio

export class BoothLink {
  // h: {onState(state), onMessage(msg), onFinal(code, reason), onTaken(reason)}
  constructor(url, token, h) {
    this.url = url;
    this.token = token;
    this.h = h;
    this.state = 'connecting';
    this.samples = [];
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
      this.pingBurst();
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;  // a booth receives no audio
      let m;
      try { m = JSON.parse(e.data); } catch { return; }
      if (m.type === 'pong') this.onPong(m);
      if (m.type === 'welcome') { this.backoff = 250; this.setState('on'); }
      this.h.onMessage(m);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      clearInterval(this.pinger);
      if (FINAL.includes(e.code)) { this.setState('stopped'); this.h.onFinal(e.code, e.reason); return; }
      if (e.code === 4001) this.h.onTaken?.(e.reason);
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
    clearInterval(this.pinger);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  ping() { this.send({ type: 'ping', t0: Math.round(clientNowUs()) }); }
  pingBurst() {
    clearInterval(this.pinger);
    let n = 0;
    this.pinger = setInterval(() => {
      this.ping();
      if (++n === 5) { clearInterval(this.pinger); this.pinger = setInterval(() => this.ping(), 1000); }
    }, 150);
    this.ping();
  }

  onPong(m) {
    const t3 = clientNowUs();
    const offset = ((m.t1 - m.t0) + (m.t2 - t3)) / 2;
    const rtt = (t3 - m.t0) - (m.t2 - m.t1);
    this.samples.push({ offset, rtt });
    if (this.samples.length > 16) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.send({ type: 'clock', offset_us: Math.round(best.offset), rtt_us: Math.max(0, Math.round(best.rtt)) });
  }
}
