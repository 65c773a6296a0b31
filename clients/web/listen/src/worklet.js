// The AudioWorklet processor: the jitter buffers run here, on the audio rendering thread, and
// pull exactly one render quantum at a time.  Chosen over a main-thread decoder feeding a ring
// buffer because the rendering thread keeps its pace when the page is in the background or
// the screen is locked (the main thread is throttled then), so concealment and time-scaling
// decisions are taken at the moment the audio is needed, with the device's own clock.
// The wasm bytes come in processorOptions (there is no fetch in a worklet).
import { Mixer } from './mixer.js';

class TolkPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.mixer = new Mixer(options.processorOptions.wasm, sampleRate, (msg) => {
      this.port.postMessage(msg, msg.samples ? [msg.samples.buffer] : []);
    });
    this.port.onmessage = (e) => this.mixer.handle(e.data, currentTime * 1e6);
  }

  process(_inputs, outputs) {
    const out = outputs[0];
    this.mixer.render(out[0], currentTime * 1e6);
    for (let c = 1; c < out.length; ++c) out[c].set(out[0]);
    return true;
  }
}

registerProcessor('tolk-player', TolkPlayer);
