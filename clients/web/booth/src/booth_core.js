// The booth console's calls into tolk_booth.wasm (clients/web/wasm/tolk_booth.cpp) on top of
// the phone app's AudioCore (the same module instance: jitter buffers, frame parser): the Opus
// encoder and protocol/'s frame serializer (main thread), codec/'s peak limiter and bandwidth
// estimator (AudioWorklet).  One owner per instance; the module's memory may grow, so every
// view is taken fresh after a call.
import { AudioCore } from '../../listen/src/audio_core.js';

const LIMITER_FIELDS = ['sustained', 'warning', 'minute_dbfs', 'gain_reduction_db', 'limited_samples', 'clipped_samples'];

export class BoothCore extends AudioCore {
  constructor(wasmBytes) {
    super(wasmBytes);
    this.pcmCap = 0;
    this.pcmPtr = 0;
    this.packetCap = this.x.tolk_max_packet_bytes();
    this.packetPtr = this.x.tolk_alloc(this.packetCap);
    this.wireCap = this.packetCap + 28;
    this.wirePtr = this.x.tolk_alloc(this.wireCap);
    this.limiterPtr = this.x.tolk_alloc(LIMITER_FIELDS.length * 8);
  }

  // Float samples into module memory (grown as needed); returns the pointer.
  pcm(samples) {
    if (samples.length > this.pcmCap) {
      if (this.pcmPtr) this.x.tolk_free(this.pcmPtr);
      this.pcmCap = samples.length;
      this.pcmPtr = this.x.tolk_alloc(this.pcmCap * 4);
    }
    new Float32Array(this.x.memory.buffer, this.pcmPtr, samples.length).set(samples);
    return this.pcmPtr;
  }

  // ---- encoder and serializer (main thread) ----
  createEncoder(bitrate, frameMs = 20) {
    const e = this.x.tolk_encoder_create(bitrate, frameMs);
    if (!e) throw new Error(`the wasm encoder refuses ${bitrate} bit/s, ${frameMs} ms`);
    return e;
  }
  destroyEncoder(e) { this.x.tolk_encoder_destroy(e); }

  // One frame of samples (Float32Array of the encoder's frame size) → a copy of the Opus packet.
  encode(e, samples) {
    const ptr = this.pcm(samples);
    const n = this.x.tolk_encode(e, ptr, samples.length, this.packetPtr, this.packetCap);
    if (n < 0) throw new Error(`wasm encoder: a frame of ${samples.length} samples does not fit`);
    return new Uint8Array(this.x.memory.buffer, this.packetPtr, n).slice();
  }

  // The wire frame (protocol/audio_frame.hpp) of one Opus packet: a fresh Uint8Array.
  serialize(sequence, captureUs, opus, flags = 0) {
    if (opus.length > this.packetCap) throw new Error(`Opus packet of ${opus.length} bytes`);
    new Uint8Array(this.x.memory.buffer, this.packetPtr, opus.length).set(opus);
    const n = this.x.tolk_serialize_frame(sequence, Math.round(captureUs), flags, this.packetPtr, opus.length, this.wirePtr, this.wireCap);
    if (n < 0) throw new Error('frame serializer: no room');
    return new Uint8Array(this.x.memory.buffer, this.wirePtr, n).slice();
  }

  // ---- limiter and bandwidth (AudioWorklet) ----
  // A limiter, or null for levels codec/ refuses.
  createLimiter({ ceilingDbfs, sustainedDbfs, warningDbfs }, rate) {
    return this.x.tolk_limiter_create(ceilingDbfs, sustainedDbfs, warningDbfs, rate) || null;
  }
  // Limits `samples` (a Float32Array) in place.
  limit(l, samples) {
    const ptr = this.pcm(samples);
    this.x.tolk_limiter_process(l, ptr, samples.length);
    samples.set(new Float32Array(this.x.memory.buffer, ptr, samples.length));
  }
  destroyLimiter(l) { this.x.tolk_limiter_destroy(l); }
  limiterLatencySamples(l) { return this.x.tolk_limiter_latency_samples(l); }
  limiterState(l) {
    this.x.tolk_limiter_state(l, this.limiterPtr);
    const v = new Float64Array(this.x.memory.buffer, this.limiterPtr, LIMITER_FIELDS.length);
    return Object.fromEntries(LIMITER_FIELDS.map((k, i) => [k, k === 'sustained' || k === 'warning' ? v[i] === 1 : v[i]]));
  }

  createBandwidth() { return this.x.tolk_bandwidth_create(); }
  addBandwidth(b, samples) { this.x.tolk_bandwidth_add(b, this.pcm(samples), samples.length); }
  bandwidthHz(b) { return this.x.tolk_bandwidth_hz(b); }
  resetBandwidth(b) { this.x.tolk_bandwidth_reset(b); }
}
