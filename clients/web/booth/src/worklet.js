// The booth console's AudioWorklet processors, on the audio rendering thread:
//   'tolk-capture'  the microphone → 20 ms frames at 48 kHz (960 samples) with the context time
//                   of each frame's first sample, and its peak, posted to the page.
//   'tolk-return'   the floor return: the source channel's frames → codec/'s jitter buffer with
//                   the `return` playout profile → volume → codec/'s peak limiter (every sample
//                   the console plays goes through it) → output; with the input quality of the
//                   source (ISO 24019: level, clipping, bandwidth, concealment) measured on what
//                   it decodes, and the limiter's own state.
// Messages in ('tolk-return'): {type:'frame', data}, {type:'source', channel}, {type:'volume', value},
//   {type:'limits', limits:{ceilingDbfs, sustainedDbfs, warningDbfs}}
//   {type:'capture', samples, id} (test build only: what the console plays, after the limiter)
// Messages out: 'tolk-capture' {type:'frame', samples, time, peak}; 'tolk-return' {type:'stats', ...}
import { BoothCore } from './booth_core.js';

const RATE = 48000;
const FRAME = 960;
const STATS_EVERY_S = 0.25;
const CLIP = 0.99;  // as codec/level_meter: |x| at or above this counts as clipped

class TolkCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / RATE;  // input samples per 48 kHz sample
    this.t = 0;                     // read position in the current block (may start at -1: prev)
    this.prev = 0;
    this.frame = new Float32Array(FRAME);
    this.n = 0;
    this.frameTime = 0;
  }

  push(x, time) {
    if (this.n === 0) this.frameTime = time;
    this.frame[this.n++] = x;
    if (this.n < FRAME) return;
    let peak = 0;
    for (const v of this.frame) peak = Math.max(peak, Math.abs(v));
    this.port.postMessage({ type: 'frame', samples: this.frame, time: this.frameTime, peak }, [this.frame.buffer]);
    this.frame = new Float32Array(FRAME);
    this.n = 0;
  }

  process(inputs) {
    const x = inputs[0]?.[0];
    if (!x) return true;
    let t = this.t;
    while (t <= x.length - 1) {  // linear interpolation to 48 kHz (a no-op at 48 kHz)
      const i = Math.floor(t);
      const f = t - i;
      const a = i < 0 ? this.prev : x[i];
      this.push(f ? a + (x[i + 1] - a) * f : a, currentTime + t / sampleRate);
      t += this.step;
    }
    this.t = t - x.length;
    this.prev = x[x.length - 1];
    return true;
  }
}

// Level and clipping of the decoded source over the stats period.
class SourceMeter {
  constructor() { this.reset(); this.clippedTotal = 0; }
  reset() { this.sum = 0; this.n = 0; this.peak = 0; }
  add(s) {
    for (let i = 0; i < s.length; ++i) {
      const a = Math.abs(s[i]);
      this.sum += a * a;
      if (a > this.peak) this.peak = a;
      if (a >= CLIP) ++this.clippedTotal;
    }
    this.n += s.length;
  }
  // Sine-referenced RMS (AES17, as codec/level_meter) and peak, in dBFS.
  read() {
    const db = (v) => (v > 1e-6 ? 20 * Math.log10(v) : -120);
    return { rmsDbfs: db(Math.sqrt(2 * this.sum / Math.max(1, this.n))), peakDbfs: db(this.peak), clipped: this.clippedTotal };
  }
}

class TolkReturn extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.core = new BoothCore(o.wasm);
    this.limiter = this.core.createLimiter(o.limits, sampleRate);
    if (!this.limiter) throw new Error('ear protection: limiter levels refused');
    this.bandwidth = this.core.createBandwidth();
    this.meter = new SourceMeter();
    this.handle = null;
    this.channel = -1;
    this.volume = 1;
    this.acc = 0;
    this.block = new Float32Array(128);
    this.outPeak = 0;        // the loudest sample played since the start (after the limiter)
    this.playing = false;
    this.captureUs = -1;
    this.lastStats = 0;
    this.port.onmessage = (e) => this.handle_(e.data);
  }

  handle_(m) {
    if (m.type === 'frame') {
      if (this.handle) this.core.push(new Uint8Array(m.data), currentTime * 1e6, (c) => (c === this.channel ? this.handle : undefined));
    } else if (m.type === 'source') {
      if (this.handle) this.core.destroy(this.handle);
      this.handle = m.channel >= 0 ? this.core.create('return') : null;
      this.channel = m.channel;
      this.core.resetBandwidth(this.bandwidth);
      this.meter = new SourceMeter();
    } else if (m.type === 'limits') {  // the event's levels: a new limiter (null: refused, keep the old)
      const l = this.core.createLimiter(m.limits, sampleRate);
      if (l) { this.core.destroyLimiter(this.limiter); this.limiter = l; }
    } else if (m.type === 'volume') {
      this.volume = m.value;
    } else if (TOLK_TEST_HOOKS && m.type === 'capture') {
      this.capture = { id: m.id, buf: new Float32Array(m.samples), n: 0 };
    }
  }

  // The source's 48 kHz samples for this block, stretched to n output samples.
  pullSource(out, nowUs) {
    const n = out.length;
    this.acc += n * RATE / sampleRate;
    const k = Math.floor(this.acc);
    this.acc -= k;
    const r = this.core.pull(this.handle, k, nowUs);
    this.playing = r.playing;
    this.captureUs = r.captureUs;
    const src = r.samples.slice();
    if (r.playing) { this.meter.add(src); this.core.addBandwidth(this.bandwidth, src); }
    for (let i = 0; i < n; ++i) {
      if (k === n) { out[i] = src[i] * this.volume; continue; }
      const pos = i * (k - 1) / Math.max(1, n - 1);
      const j = Math.floor(pos);
      const f = pos - j;
      out[i] = (src[j] * (1 - f) + (j + 1 < k ? src[j + 1] : src[j]) * f) * this.volume;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0];
    const y = out[0];
    const nowUs = currentTime * 1e6;
    if (this.handle) this.pullSource(y, nowUs); else y.fill(0);
    this.core.limit(this.limiter, y);  // ear protection: nothing reaches the output around it
    for (let i = 0; i < y.length; ++i) { const a = Math.abs(y[i]); if (a > this.outPeak) this.outPeak = a; }
    for (let c = 1; c < out.length; ++c) out[c].set(y);
    if (TOLK_TEST_HOOKS && this.capture) this.captureBlock(y);
    if (nowUs - this.lastStats >= STATS_EVERY_S * 1e6) this.postStats(nowUs);
    return true;
  }

  captureBlock(y) {
    const c = this.capture;
    const m = Math.min(y.length, c.buf.length - c.n);
    c.buf.set(y.subarray(0, m), c.n);
    c.n += m;
    if (c.n >= c.buf.length) { this.port.postMessage({ type: 'captured', id: c.id, samples: c.buf }); this.capture = null; }
  }

  postStats(nowUs) {
    this.lastStats = nowUs;
    const level = this.meter.read();
    this.meter.reset();
    this.meter.clippedTotal = level.clipped;
    this.port.postMessage({
      type: 'stats', channel: this.channel, playing: this.playing, captureUs: this.captureUs, audioUs: nowUs,
      stats: this.handle ? this.core.stats(this.handle) : null, limiter: this.core.limiterState(this.limiter),
      outPeak: this.outPeak, limiterDelayUs: this.core.limiterLatencySamples(this.limiter) / sampleRate * 1e6, source: { ...level, bandwidthHz: this.core.bandwidthHz(this.bandwidth) },
    });
  }
}

registerProcessor('tolk-capture', TolkCapture);
registerProcessor('tolk-return', TolkReturn);
