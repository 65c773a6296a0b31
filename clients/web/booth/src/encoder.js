// Opus in 20 ms frames, 48 kHz mono: WebCodecs' AudioEncoder where the browser has one for
// Opus, else libopus in tolk_booth.wasm (codec/opus_encoder, as tolk-booth encodes).  Either
// way each packet comes back with the capture time of its first sample (µs, the page's clock)
// and goes through protocol/'s serializer in the same module.  `?encoder=wasm` (a debugging
// switch, shown on the page) skips WebCodecs: for a browser whose WebCodecs misbehaves.
// Main thread only.
export const FRAME_SAMPLES = 960;

export async function createEncoder(core, { bitrate, prefer }, onPacket) {
  if (prefer !== 'wasm' && typeof AudioEncoder !== 'undefined') {
    const config = { codec: 'opus', sampleRate: 48000, numberOfChannels: 1, bitrate,
      opus: { frameDuration: 20000, application: 'audio' } };
    try {
      const { supported } = await AudioEncoder.isConfigSupported(config);
      if (supported) return new WebCodecsEncoder(config, onPacket);
    } catch { /* fall through to wasm */ }
  }
  return new WasmEncoder(core, bitrate, onPacket);
}

// WebCodecs counts its output timestamps from its first input, so a lost input block (an audio
// glitch) would make every later packet look older than it is.  The capture times are ours
// instead: one 20 ms packet comes out per 20 ms frame in, in order, so each packet takes the
// oldest capture time waiting (at most MAX_PENDING: a stuck encoder does not grow memory).
const MAX_PENDING = 50;

class WebCodecsEncoder {
  constructor(config, onPacket) {
    this.kind = 'WebCodecs';
    this.failed = null;
    this.pending = [];
    this.enc = new AudioEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        onPacket(bytes, this.pending.length ? this.pending.shift() : chunk.timestamp);
      },
      error: (e) => { this.failed = String(e); },
    });
    this.enc.configure(config);
  }

  encode(samples, captureUs) {
    if (this.enc.state !== 'configured') return;
    const data = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: samples.length, numberOfChannels: 1,
      timestamp: Math.round(captureUs), data: samples });
    this.enc.encode(data);
    data.close();
    this.pending.push(captureUs);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  close() { try { this.enc.close(); } catch { /* closed */ } }
}

class WasmEncoder {
  constructor(core, bitrate, onPacket) {
    this.kind = 'wasm';
    this.failed = null;
    this.core = core;
    this.enc = core.createEncoder(bitrate, 20);
    this.onPacket = onPacket;
  }

  encode(samples, captureUs) { this.onPacket(this.core.encode(this.enc, samples), captureUs); }

  close() { if (this.enc) this.core.destroyEncoder(this.enc); this.enc = null; }
}
