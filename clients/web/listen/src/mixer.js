// Mixes the channels the listener hears (the interpretation, and the floor underneath at the
// listener's level) out of one jitter buffer each, at the output's sample rate, through the
// peak limiter (ear protection).  Runs where
// the audio is rendered: inside the AudioWorklet, or in a ScriptProcessorNode callback on the
// fallback path.  Talks to the page by messages only (post(msg) out, handle(msg) in).
//   in:  {type:'frame', data:ArrayBuffer}   {type:'streams', streams:[{channel, gain, retireWhen?}], reset?}
//        {type:'volume', value}  {type:'capture', samples, id}  {type:'trace', id, channel, seconds}
//        (the last two: test build only)
//   out: {type:'stats', streams:[{channel, handle, playing, captureUs, audioUs, profile, stats}], rejectedFrames}
//        {type:'retired', channel}  {type:'captured', id, samples:Float32Array|Float64Array} (test build only;
//        a trace's samples are records of 4: [0, pull audio time us, 48 kHz samples, 0] or
//        [1, frame arrival audio time us, sequence, capture us], what tolk-jbsim --pulls replays)
import { AudioCore, APP_PROFILE, EAR_LIMITS } from './audio_core.js';

const RATE = 48000;
const STATS_EVERY_S = 0.25;

export class Mixer {
  constructor(wasmBytes, outputRate, post) {
    this.core = new AudioCore(wasmBytes);
    this.rate = outputRate;
    this.post = post;
    this.streams = new Map();  // channel number -> {handle, gain, target, retireWhen, playing, captureUs}
    this.volume = 1;
    this.acc = 0;
    this.lastStats = 0;
    this.rejected = 0;  // frames that did not parse (ignored, counted in the stats)
    // Ear protection on everything the phone plays (codec/peak_limiter, its default levels): a
    // feedback squeal in a booth never reaches an earbud above -1 dBFS.
    this.limiter = this.core.createLimiter(EAR_LIMITS, outputRate);
    this.limiterDelayUs = this.limiter ? this.core.limiterLatencySamples(this.limiter) / outputRate * 1e6 : 0;
  }

  handle(msg, nowUs) {
    switch (msg.type) {
      case 'frame':
        if (TOLK_TEST_HOOKS && this.trace) this.traceFrame(new Uint8Array(msg.data), nowUs);
        if (this.core.push(new Uint8Array(msg.data), nowUs, (channel) => this.streams.get(channel)?.handle) < 0) ++this.rejected;
        break;
      case 'streams': this.setStreams(msg.streams, msg.reset); break;
      case 'volume': this.volume = msg.value; break;
      default:  // the test build's capture request (test_hooks.js)
        if (TOLK_TEST_HOOKS && msg.type === 'capture') this.capture = { id: msg.id, buf: new Float32Array(msg.samples), n: 0 };
        if (TOLK_TEST_HOOKS && msg.type === 'trace') {
          this.trace = { id: msg.id, channel: msg.channel, endUs: nowUs + msg.seconds * 1e6, buf: new Float64Array(4 * 1024), n: 0 };
        }
    }
  }

  setStreams(list, reset) {
    const wanted = new Map(list.map((s) => [s.channel, s]));
    for (const [channel, s] of this.streams) {
      if (!wanted.has(channel) || reset) { this.core.destroy(s.handle); this.streams.delete(channel); }
    }
    for (const w of list) {
      let s = this.streams.get(w.channel);
      if (!s) {
        s = { handle: this.core.create(APP_PROFILE), gain: 0, playing: false, captureUs: -1 };
        this.streams.set(w.channel, s);
      }
      s.target = w.gain;
      s.retireWhen = w.retireWhen ?? null;
    }
  }

  // Fills `out` (Float32Array, output rate) for the block starting at audio time nowUs.
  render(out, nowUs) {
    const n = out.length;
    out.fill(0);
    // 48 kHz samples this block needs (equal to n when the output runs at 48 kHz).
    this.acc += n * RATE / this.rate;
    const k = Math.floor(this.acc);
    this.acc -= k;
    for (const [channel, s] of this.streams) {
      if (TOLK_TEST_HOOKS && this.trace?.channel === channel) this.traceRecord(0, nowUs, k, 0);
      const r = this.core.pull(s.handle, k, nowUs);
      s.playing = r.playing;
      s.captureUs = r.captureUs;
      const retiring = s.retireWhen !== null && this.streams.get(s.retireWhen)?.playing;
      const target = retiring ? 0 : s.target;
      const g0 = s.gain;
      const g1 = g0 + Math.max(-0.1, Math.min(0.1, target - g0));  // ~40 ms ramps
      s.gain = g1;
      if (g0 === 0 && g1 === 0) {
        if (retiring) { this.core.destroy(s.handle); this.streams.delete(channel); this.post({ type: 'retired', channel }); }
        continue;
      }
      const src = r.samples;
      for (let i = 0; i < n; ++i) {
        const g = (g0 + (g1 - g0) * i / n) * this.volume;
        if (k === n) { out[i] += g * src[i]; continue; }
        const pos = i * (k - 1) / Math.max(1, n - 1);  // stretch k samples over the block
        const j = Math.floor(pos);
        const f = pos - j;
        out[i] += g * (src[j] * (1 - f) + (j + 1 < k ? src[j + 1] : src[j]) * f);
      }
    }
    if (this.limiter) this.core.limit(this.limiter, out);
    if (TOLK_TEST_HOOKS && this.capture) {  // test build only (test_hooks.js)
      const c = this.capture;
      const m = Math.min(n, c.buf.length - c.n);
      c.buf.set(out.subarray(0, m), c.n);
      c.n += m;
      if (c.n >= c.buf.length) { this.post({ type: 'captured', id: c.id, samples: c.buf }); this.capture = null; }
    }
    if (TOLK_TEST_HOOKS && this.trace && nowUs >= this.trace.endUs) {
      this.post({ type: 'captured', id: this.trace.id, samples: this.trace.buf.slice(0, this.trace.n) });
      this.trace = null;
    }
    if (nowUs - this.lastStats >= STATS_EVERY_S * 1e6) {
      this.lastStats = nowUs;
      const streams = [];
      for (const [channel, s] of this.streams) {
        // audioUs: when this block's first sample leaves the limiter's look-ahead.
        streams.push({ channel, handle: s.handle, playing: s.playing, captureUs: s.captureUs, audioUs: nowUs + this.limiterDelayUs, profile: APP_PROFILE,
          stats: this.core.stats(s.handle) });
      }
      this.post({ type: 'stats', streams, rejectedFrames: this.rejected });
    }
  }

  // Test build only: what the buffer of the traced channel is given and asked for, in its own
  // clock (the audio clock), so tolk-jbsim can replay exactly this browser's pace.
  traceFrame(bytes, nowUs) {
    const h = this.core.header(bytes);
    if (h?.channel === this.trace.channel) this.traceRecord(1, nowUs, h.sequence, h.captureUs);
  }

  traceRecord(kind, nowUs, a, b) {
    const t = this.trace;
    if (t.n + 4 > t.buf.length) { const bigger = new Float64Array(t.buf.length * 2); bigger.set(t.buf); t.buf = bigger; }
    t.buf.set([kind, nowUs, a, b], t.n);
    t.n += 4;
  }
}
