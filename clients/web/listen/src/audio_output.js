// Builds the audio graph: AudioContext (48 kHz where the platform allows) → player → output.
// The player is the AudioWorklet 'tolk-player' on secure origins; elsewhere (plain http from
// another machine: no AudioWorklet) the same Mixer runs on the main thread in a
// ScriptProcessorNode — degraded (bigger blocks, main-thread hiccups), but it plays.
// On iOS the graph ends in an <audio> element fed by a MediaStream, which keeps playing with
// the screen locked and shows the lock-screen controls.  Main thread only.
import { Mixer } from './mixer.js';

const isIOS = () => /iPad|iPhone|iPod/.test(navigator.userAgent) ||
  (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);

export async function startAudio(wasmBytes, onMessage) {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  let ctx;
  try { ctx = new Ctx({ sampleRate: 48000, latencyHint: 'interactive' }); } catch { ctx = new Ctx(); }
  if (navigator.audioSession) navigator.audioSession.type = 'playback';
  const resumed = ctx.resume();  // inside the tap: unlocks audio on iOS
  let sink = ctx.destination;
  let element = null;
  if (isIOS() && ctx.createMediaStreamDestination) {  // also inside the tap, before any await
    sink = ctx.createMediaStreamDestination();
    element = new Audio();
    element.setAttribute('playsinline', '');
    element.srcObject = sink.stream;
    element.play().catch(() => {});
  }
  let node;
  let post;
  let path;
  if (ctx.audioWorklet && window.isSecureContext) {
    await ctx.audioWorklet.addModule('worklet.js');
    node = new AudioWorkletNode(ctx, 'tolk-player', {
      numberOfInputs: 0, outputChannelCount: [2], processorOptions: { wasm: wasmBytes },
    });
    node.port.onmessage = (e) => onMessage(e.data);
    post = (msg, transfer) => node.port.postMessage(msg, transfer || []);
    path = 'AudioWorklet';
  } else {
    const mixer = new Mixer(wasmBytes, ctx.sampleRate, (msg) => onMessage(msg));
    node = ctx.createScriptProcessor(2048, 0, 2);
    node.onaudioprocess = (e) => {
      const out = e.outputBuffer;
      const left = out.getChannelData(0);
      mixer.render(left, ctx.currentTime * 1e6);
      out.getChannelData(1).set(left);
    };
    post = (msg) => mixer.handle(msg, ctx.currentTime * 1e6);
    path = 'ScriptProcessor';
  }
  node.connect(sink);
  await resumed;
  return { ctx, node, post, path, element };
}
