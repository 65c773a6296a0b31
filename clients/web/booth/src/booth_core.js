// The booth console's calls into tolk_booth.wasm (clients/web/wasm/tolk_booth.cpp) on top of
// the phone app's AudioCore (the same module instance: jitter buffers, frame parser, limiter):
// the Opus encoder and protocol/'s frame serializer (main thread), codec/'s bandwidth
// estimator (AudioWorklet; the peak limiter is AudioCore's, the phone app uses it too).  One owner per instance; the module's memory may grow, so every
// view is taken fresh after a call.
import { AudioCore } from '../../listen/src/audio_core.js';

export class BoothCore extends AudioCore {
  constructor(wasmBytes) {
    super(wasmBytes);
    this.pcmCap = 0;
    this.pcmPtr = 0;
    this.packetCap = this.x.tolk_max_packet_bytes();
    this.packetPtr = this.x.tolk_alloc(this.packetCap);
    this.wireCap = this.packetCap + 28;
    this.wirePtr = this.x.tolk_alloc(this.wireCap);
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

  // ---- bandwidth (AudioWorklet; the limiter is AudioCore's) ----
  createBandwidth() { return this.x.tolk_bandwidth_create(); }
  addBandwidth(b, samples) { this.x.tolk_bandwidth_add(b, this.pcm(samples), samples.length); }
  bandwidthHz(b) { return this.x.tolk_bandwidth_hz(b); }
  resetBandwidth(b) { this.x.tolk_bandwidth_reset(b); }
}
