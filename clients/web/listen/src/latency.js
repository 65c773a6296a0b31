// End-to-end latency, from the booth's microphone to this phone's speaker:
//   (playout time on the page's clock + the page's offset to the server)
//   − (capture time on the booth's clock + the booth's offset to the server)
// The playout time of the stream's audio position comes from the AudioContext's output
// timestamp where the browser has one, else from its reported output latency.
// Pure maths, plus a short history for the details view and the tests.
import { clientNowUs } from './connection.js';

// stream: {captureUs, audioUs} from the mixer; ctx: the AudioContext; offsetUs: page → server;
// channelOffsetUs: booth → server.  Returns ms, or null when something is unknown.
export function endToEndLatencyMs(stream, ctx, offsetUs, channelOffsetUs) {
  if (!stream || stream.captureUs < 0 || offsetUs === null || !ctx) return null;
  let playoutUs;
  const ts = ctx.getOutputTimestamp?.();
  if (ts && ts.performanceTime > 0) {
    playoutUs = (performance.timeOrigin + ts.performanceTime) * 1000 + (stream.audioUs - ts.contextTime * 1e6);
  } else {
    playoutUs = clientNowUs() + ((ctx.outputLatency || 0) + (ctx.baseLatency || 0)) * 1e6 + (stream.audioUs - ctx.currentTime * 1e6);
  }
  return ((playoutUs + offsetUs) - (stream.captureUs + (channelOffsetUs || 0))) / 1000;
}

// The latest latency and the last `keep` of them.
export class LatencyTrack {
  constructor(keep = 240) { this.keep = keep; this.ms = null; this.history = []; }

  update(ms) {
    this.ms = ms;
    if (ms === null) return;
    this.history.push(ms);
    if (this.history.length > this.keep) this.history.shift();
  }
}
