// The WebAssembly audio core (clients/web/wasm/tolk_audio.cpp): codec/'s jitter buffer and
// libopus.  Instantiated synchronously from bytes, so it works inside an AudioWorklet (no fetch
// there) and on the main thread alike.  One owner; not shared between threads.

const STATS = ['frames_received', 'frames_missing', 'frames_late', 'samples_played',
  'concealed_samples', 'concealment_events', 'interruptions', 'discontinuities',
  'current_delay_ms', 'target_delay_ms', 'drift_ppm', 'mean_delay_ms'];

export class AudioCore {
  constructor(wasmBytes) {
    const module = new WebAssembly.Module(wasmBytes);
    const imports = {
      env: { emscripten_notify_memory_growth() {} },
      wasi_snapshot_preview1: { proc_exit(code) { throw new Error(`tolk audio core exited (${code})`); } },
    };
    for (const imp of WebAssembly.Module.imports(module)) {  // anything else: a harmless stub
      imports[imp.module] ??= {};
      imports[imp.module][imp.name] ??= () => 0;
    }
    this.x = new WebAssembly.Instance(module, imports).exports;
    this.x._initialize?.();
    this.inCap = 4096;
    this.inPtr = this.x.tolk_alloc(this.inCap);
    this.outCap = 8192;
    this.outPtr = this.x.tolk_alloc(this.outCap * 4);
    this.statsPtr = this.x.tolk_alloc(STATS.length * 8);
  }

  create(minDelayMs = 0, maxDelayMs = 300) { return this.x.tolk_create(minDelayMs, maxDelayMs); }
  destroy(handle) { this.x.tolk_destroy(handle); }

  // frame: Uint8Array of one wire frame.  Returns its channel number or -1.
  push(handle, frame, arrivalUs) {
    if (frame.length > this.inCap) return -1;
    new Uint8Array(this.x.memory.buffer, this.inPtr, frame.length).set(frame);
    return this.x.tolk_push(handle, this.inPtr, frame.length, arrivalUs);
  }

  // Returns a Float32Array view of `count` samples (valid until the next call) and whether
  // the buffer is playing.
  pull(handle, count, nowUs) {
    const playing = this.x.tolk_pull(handle, this.outPtr, count, nowUs) === 1;
    return { samples: new Float32Array(this.x.memory.buffer, this.outPtr, count), playing,
      captureUs: this.x.tolk_last_capture_us(handle) };
  }

  stats(handle) {
    this.x.tolk_stats(handle, this.statsPtr);
    const v = new Float64Array(this.x.memory.buffer, this.statsPtr, STATS.length);
    const out = {};
    STATS.forEach((name, i) => { out[name] = v[i]; });
    return out;
  }
}
