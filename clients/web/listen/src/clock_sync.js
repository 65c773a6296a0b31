// Clock offset from ping/pong (NTP-style), shared by the phone app's connection and the booth
// console's link: a burst of five pings 150 ms apart when a connection opens, then one every
// `intervalMs`; the offset is the lowest-RTT sample of the last 16.  One owner per connection;
// `send` writes a control message on it.
export const clientNowUs = () => (performance.timeOrigin + performance.now()) * 1000;

export class ClockSync {
  constructor(send, intervalMs) {
    this.send = send;
    this.intervalMs = intervalMs;
    this.samples = [];  // {offset, rtt}
    this.pinger = null;
    this.offsetUs = null;  // page clock → server clock, µs; null until the first pong
    this.rttUs = null;
  }

  start() {
    this.stop();
    let n = 0;
    this.pinger = setInterval(() => {
      this.ping();
      if (++n === 5) { clearInterval(this.pinger); this.pinger = setInterval(() => this.ping(), this.intervalMs); }
    }, 150);
    this.ping();
  }

  stop() { clearInterval(this.pinger); this.pinger = null; }

  ping() { this.send({ type: 'ping', t0: Math.round(clientNowUs()) }); }

  // A pong: updates and returns the best sample {offset, rtt}.
  onPong(m) {
    const t3 = clientNowUs();
    const offset = ((m.t1 - m.t0) + (m.t2 - t3)) / 2;
    const rtt = (t3 - m.t0) - (m.t2 - m.t1);
    this.samples.push({ offset, rtt });
    if (this.samples.length > 16) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.offsetUs = best.offset;
    this.rttUs = best.rtt;
    return best;
  }
}
