// The WebAssembly audio core (clients/web/wasm/tolk_audio.cpp): codec/'s jitter buffer,
// protocol/'s frame parser and libopus.  Instantiated synchronously from bytes, so it works
// inside an AudioWorklet (no fetch there) and on the main thread alike.  One owner; not
// shared between threads.  Frames are never read byte by byte here: the core parses them.

// The statistics' field names and byte offsets, as the module describes its own struct
// (tolk_stats_field_*): the one table the JS side reads stats through.
// ASCII strings; no TextDecoder (not every AudioWorklet scope has one).
function cString(x, ptr) {
  const m = new Uint8Array(x.memory.buffer);
  let s = '';
  for (let i = ptr; m[i]; ++i) s += String.fromCharCode(m[i]);
  return s;
}

export function statsLayout(x) {
  const fields = [];
  for (let i = 0; i < x.tolk_stats_field_count(); ++i) {
    fields.push({ name: cString(x, x.tolk_stats_field_name(i)), offset: x.tolk_stats_field_offset(i) });
  }
  return { size: x.tolk_stats_size(), fields };
}

// The playout profiles codec/ defines (codec/playout_profile.hpp), as the module names them.
export function profileNames(x) {
  const names = [];
  for (let i = 0; i < x.tolk_profile_count(); ++i) names.push(cString(x, x.tolk_profile_name(i)));
  return names;
}

// What tolk_limiter_state writes, in order.
const LIMITER_FIELDS = ['sustained', 'warning', 'minute_dbfs', 'gain_reduction_db', 'limited_samples', 'clipped_samples'];

// Ear protection's defaults (codec/peak_limiter): the hard ceiling, the limit once sound stays
// loud for 100 ms, the one-minute warning level, in dBFS.
export const EAR_LIMITS = { ceilingDbfs: -1, sustainedDbfs: -9, warningDbfs: -18 };

// The phone app's profile: fewest interruptions, delay up to a ceiling (issue 16).
export const APP_PROFILE = 'listener';

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
    this.statsLayout = statsLayout(this.x);
    this.statsPtr = this.x.tolk_alloc(this.statsLayout.size);
    this.limiterPtr = this.x.tolk_alloc(LIMITER_FIELDS.length * 8);
  }

  // A jitter buffer with codec/'s playout profile `profile` (by name); throws for a name the
  // module does not know.
  create(profile = APP_PROFILE) {
    const bytes = Array.from(profile, (c) => c.charCodeAt(0) & 0x7f);
    new Uint8Array(this.x.memory.buffer, this.inPtr, bytes.length + 1).set([...bytes, 0]);
    const handle = this.x.tolk_create(this.inPtr);
    if (!handle) throw new Error(`unknown playout profile "${profile}"`);
    return handle;
  }
  destroy(handle) { this.x.tolk_destroy(handle); }

  // frame: Uint8Array of one wire frame.  The core parses it; handleFor(channel) names the
  // buffer it goes to (or nothing: not heard).  Returns its channel number, -1 when it does
  // not parse.
  push(frame, arrivalUs, handleFor) {
    if (frame.length > this.inCap) return -1;
    new Uint8Array(this.x.memory.buffer, this.inPtr, frame.length).set(frame);
    const channel = this.x.tolk_frame_channel(this.inPtr, frame.length);
    const handle = channel < 0 ? undefined : handleFor(channel);
    if (handle !== undefined) this.x.tolk_push(handle, this.inPtr, frame.length, arrivalUs);
    return channel;
  }

  // frame: Uint8Array of one wire frame.  Its header as the core parses it, {channel, sequence,
  // captureUs}, or null when it does not parse.
  header(frame) {
    if (frame.length > this.inCap) return null;
    new Uint8Array(this.x.memory.buffer, this.inPtr, frame.length).set(frame);
    this.headerPtr ??= this.x.tolk_alloc(3 * 8);
    if (this.x.tolk_frame_header(this.inPtr, frame.length, this.headerPtr) < 0) return null;
    const [channel, sequence, captureUs] = new Float64Array(this.x.memory.buffer, this.headerPtr, 3);
    return { channel, sequence, captureUs };
  }

  // Returns a Float32Array view of `count` samples (valid until the next call) and whether
  // the buffer is playing.
  pull(handle, count, nowUs) {
    const playing = this.x.tolk_pull(handle, this.outPtr, count, nowUs) === 1;
    return { samples: new Float32Array(this.x.memory.buffer, this.outPtr, count), playing,
      captureUs: this.x.tolk_last_capture_us(handle) };
  }

  // ---- ear protection: codec/'s peak limiter (clients/web/wasm/tolk_limiter.cpp) ----
  // A limiter at `rate` Hz, or null for levels codec/ refuses.
  createLimiter({ ceilingDbfs, sustainedDbfs, warningDbfs }, rate) {
    return this.x.tolk_limiter_create(ceilingDbfs, sustainedDbfs, warningDbfs, rate) || null;
  }
  destroyLimiter(l) { this.x.tolk_limiter_destroy(l); }
  limiterLatencySamples(l) { return this.x.tolk_limiter_latency_samples(l); }
  // Limits `samples` (a Float32Array, at most outCap) in place, through the output scratch.
  limit(l, samples) {
    const n = Math.min(samples.length, this.outCap);
    new Float32Array(this.x.memory.buffer, this.outPtr, n).set(samples.subarray(0, n));
    this.x.tolk_limiter_process(l, this.outPtr, n);
    samples.set(new Float32Array(this.x.memory.buffer, this.outPtr, n));
  }
  limiterState(l) {
    this.x.tolk_limiter_state(l, this.limiterPtr);
    const v = new Float64Array(this.x.memory.buffer, this.limiterPtr, LIMITER_FIELDS.length);
    return Object.fromEntries(LIMITER_FIELDS.map((k, i) => [k, k === 'sustained' || k === 'warning' ? v[i] === 1 : v[i]]));
  }

  stats(handle) {
    this.x.tolk_stats(handle, this.statsPtr);
    const view = new DataView(this.x.memory.buffer, this.statsPtr, this.statsLayout.size);
    const out = {};
    for (const f of this.statsLayout.fields) out[f.name] = view.getFloat64(f.offset, true);
    return out;
  }
}
