// Hooks for the browser tests (tests/web/booth.test.mjs), compiled only into the test build
// (clients/web/build.mjs: TOLK_TEST_HOOKS; build/web/listen-test/booth), never into what
// interpreters get.  window.tolkBooth:
//   state(): what the console shows and measures; capture(n): n samples of what it plays
//   (after the limiter), as an array.
import { airState } from './render.js';

export function installTestHooks(app, captures, start) {
  let captureId = 0;
  window.tolkBooth = {
    state: () => ({
      air: airState(app).cls, link: app.link?.state ?? null, boothState: app.boothState, source: app.feed?.source ?? null,
      encoder: app.encoder?.kind ?? null, encoderFailed: app.encoder?.failed ?? null, sent: app.link?.sent ?? 0,
      dropped: app.link?.dropped ?? 0, returnStats: app.returnStats, latencies: [...app.latency.history],
      note: app.note, limits: app.limits, micSettings: app.micSettings, sampleRate: app.audio?.ctx.sampleRate ?? null,
      // What the browser says its own output path adds (processing + device), ms.
      deviceLatencyMs: app.audio ? ((app.audio.ctx.baseLatency || 0) + (app.audio.ctx.outputLatency || 0)) * 1000 : null,
      earWarningShown: !document.getElementById('ear-warning').hidden, banner: document.getElementById('banner').textContent,
    }),
    capture: (samples) => new Promise((resolve) => {
      const id = ++captureId;
      captures.set(id, (buf) => resolve(Array.from(buf)));
      app.audio.post({ type: 'capture', samples, id });
    }),
    start,
  };
}
