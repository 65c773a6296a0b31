// Hooks for the browser tests (tests/web), compiled only into the test build: clients/web/
// build.mjs bundles the app twice, with TOLK_TEST_HOOKS false (build/web/listen, what phones
// get) and true (build/web/listen-test, served only by the tests), and esbuild drops every
// `if (TOLK_TEST_HOOKS)` branch and this module from the first.

// ?nowebcodecs: behave as a browser without WebCodecs (older iPhones).  The app decodes with its
// wasm libopus everywhere (identical concealment on every platform), so this changes nothing
// but proves it in the tests.  Runs before anything else looks at window.
export function hideWebCodecs(params) {
  if (!params.has('nowebcodecs')) return;
  for (const k of ['AudioDecoder', 'AudioEncoder', 'EncodedAudioChunk', 'AudioData']) delete window[k];
}

// window.tolk: read the state, and capture what the page plays.
//   getAudio(): the started audio ({post, ctx, path}) or null; captures: id -> callback, filled
//   by main.js from the mixer's 'captured' messages.
export function installTestHooks(app, conn, captures) {
  let captureId = 0;
  window.tolk = {
    state: () => ({
      connection: conn.state, selected: app.selected, playing: app.playing, path: app.audio?.path ?? null,
      sampleRate: app.audio?.ctx.sampleRate ?? null, latencyMs: app.latency.ms, latencies: [...app.latency.history],
      offsetUs: conn.offsetUs, streams: Object.fromEntries(app.streamStats), uiLang: app.lang,
      rejectedFrames: app.rejectedFrames, channels: app.channels.map((c) => ({ id: c.id, on_air: c.on_air })),
    }),
    // Resolves with `samples` output samples (array of numbers at the context's rate).
    capture: (samples) => new Promise((resolve) => {
      const id = ++captureId;
      captures.set(id, (buf) => resolve(Array.from(buf)));
      app.audio.post({ type: 'capture', samples, id });
    }),
    // Resolves, after `seconds` of audio time, with what the mixer gave channel number `channel`'s
    // buffer and asked of it (mixer.js 'trace': records of 4 numbers).
    trace: (channel, seconds) => new Promise((resolve) => {
      const id = ++captureId;
      captures.set(id, (buf) => resolve(Array.from(buf)));
      app.audio.post({ type: 'trace', id, channel, seconds });
    }),
  };
}
