// The console's audio graph, on one AudioContext (48 kHz where the platform allows):
//   microphone (getUserMedia) → 'tolk-capture' (20 ms frames to the page)
//   'tolk-return' (floor return through the jitter buffer and the limiter) → speakers/headset
// Voice processing (echo cancellation, noise suppression, auto gain) is off unless the
// interpreter switches it on: interpreters wear headsets, and "enhancement" damages what they
// say.  Needs a secure context (getUserMedia, AudioWorklet); secureContextMissing() says why
// not.  Main thread only.

// What is missing for the console to work here, or null.
export function secureContextMissing() {
  if (!window.isSecureContext) return 'not a secure context';
  if (!navigator.mediaDevices?.getUserMedia) return 'no getUserMedia';
  if (!window.AudioWorkletNode) return 'no AudioWorklet';
  return null;
}

export function micConstraints(deviceId, processing) {
  return {
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: !!processing.echo, noiseSuppression: !!processing.noise, autoGainControl: !!processing.gain,
      channelCount: 1,
    },
  };
}

export class ConsoleAudio {
  // onFrame({samples, time, peak}), onStats(msg): from the worklets.
  static async start(wasmBytes, limits, onFrame, onStats) {
    const a = new ConsoleAudio();
    let ctx;
    try { ctx = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' }); } catch { ctx = new AudioContext({ latencyHint: 'interactive' }); }
    a.ctx = ctx;
    const resumed = ctx.resume();  // inside the click
    await ctx.audioWorklet.addModule('/booth/worklet.js');
    a.ret = new AudioWorkletNode(ctx, 'tolk-return', { numberOfInputs: 0, outputChannelCount: [2], processorOptions: { wasm: wasmBytes, limits } });
    a.ret.port.onmessage = (e) => onStats(e.data);
    a.ret.connect(ctx.destination);
    a.capture = new AudioWorkletNode(ctx, 'tolk-capture', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    a.capture.port.onmessage = (e) => onFrame(e.data);
    a.capture.connect(ctx.destination);  // silent: it writes nothing; connected so it is pulled
    a.stream = null;
    a.source = null;
    await resumed;
    return a;
  }

  // Opens (or reopens) the microphone; resolves with the track's settings.
  async openMic(deviceId, processing) {
    this.closeMic();
    this.stream = await navigator.mediaDevices.getUserMedia(micConstraints(deviceId, processing));
    this.source = this.ctx.createMediaStreamSource(this.stream);
    this.source.connect(this.capture);
    return this.stream.getAudioTracks()[0]?.getSettings() ?? {};
  }

  closeMic() {
    this.source?.disconnect();
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.source = null;
  }

  post(msg, transfer) { this.ret.port.postMessage(msg, transfer || []); }

  // The page's clock (µs) when a microphone sample at context time t was captured: the
  // render clock now, back by how far t lies behind it and the input's reported latency.
  captureClientUs(t) {
    const nowUs = (performance.timeOrigin + performance.now()) * 1000;
    return nowUs - (this.ctx.currentTime - t) * 1e6 - (this.ctx.baseLatency || 0) * 1e6;
  }
}

export async function microphones() {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
  } catch {
    return [];
  }
}
