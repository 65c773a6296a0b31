// Listen-in: one channel through the phone app's audio core (the same wasm jitter buffer,
// worklet and mixer, imported from listen/src), on its own /ws/listen connection (on a private
// event with a listener token that /api/tech/listener_token gives the technician).
import { startAudio } from '../../listen/src/audio_output.js';

let wasm = null;
let audio = null;
let ws = null;

export async function listenIn(channel) {
  stopListening();
  wasm ??= fetch('/tolk_audio.wasm').then((r) => r.arrayBuffer());
  audio ??= await startAudio(await wasm, () => {});
  await audio.ctx.resume();
  audio.post({ type: 'streams', streams: [], reset: true });
  audio.post({ type: 'streams', streams: [{ channel: channel.number, gain: 1 }] });
  const { token } = await fetch('/api/tech/listener_token', { cache: 'no-store' }).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  const key = token ? `&token=${encodeURIComponent(token)}` : '';
  ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/listen?channels=${encodeURIComponent(channel.id)}${key}`);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (e) => { if (typeof e.data !== 'string') audio.post({ type: 'frame', data: e.data }, [e.data]); };
}

export function stopListening() {
  if (ws) { ws.onmessage = null; ws.close(); ws = null; }
  audio?.post({ type: 'streams', streams: [] });
}
