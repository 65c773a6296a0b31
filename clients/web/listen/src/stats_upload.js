// The stats message the page sends to the server every few seconds for the channel it plays
// (protocol/PROTOCOL.md, "stats"); the server shows them to the technicians.
export const STATS_UPLOAD_EVERY_MS = 5000;

// channelId: the playing channel; st: the audio core's stats (named fields); latencyMs or null.
export function statsMessage(channelId, st, latencyMs) {
  return {
    type: 'stats', channel: channelId,
    delay_ms: Math.round(st.current_delay_ms), target_delay_ms: Math.round(st.target_delay_ms),
    latency_ms: latencyMs === null ? -1 : Math.round(latencyMs),
    concealed_ratio: st.samples_played > 0 ? st.concealed_samples / st.samples_played : 0,
    frames_received: st.frames_received, frames_missing: st.frames_missing, interruptions: st.interruptions,
  };
}
