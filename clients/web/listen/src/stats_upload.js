// The stats message the page sends to the server every few seconds for the channel it plays
// (protocol/PROTOCOL.md, "stats"); the server shows them to the technicians.  The raw clock
// figures (the page's offset to the server clock and the round trip) travel here, not in the
// details view.
export const STATS_UPLOAD_EVERY_MS = 5000;

// channelId: the playing channel; st: the audio core's stats (named fields); latencyMs or null;
// extra: {profile, offsetUs, rttUs} (null where unknown).
export function statsMessage(channelId, st, latencyMs, extra = {}) {
  const msg = {
    type: 'stats', channel: channelId,
    delay_ms: Math.round(st.current_delay_ms), target_delay_ms: Math.round(st.target_delay_ms),
    latency_ms: latencyMs === null ? -1 : Math.round(latencyMs),
    concealed_ratio: st.samples_played > 0 ? st.concealed_samples / st.samples_played : 0,
    frames_received: st.frames_received, frames_missing: st.frames_missing, interruptions: st.interruptions,
    time_scale_operations: st.time_scale_operations,
    concealments_under_40ms: st.concealments_under_40ms,
    concealments_40_to_150ms: st.concealments_40_to_150ms,
    concealments_over_150ms: st.concealments_over_150ms,
    rtt_us: extra.rttUs === null || extra.rttUs === undefined ? -1 : Math.round(extra.rttUs),
  };
  if (extra.profile) msg.profile = extra.profile;
  if (extra.offsetUs !== null && extra.offsetUs !== undefined) msg.clock_offset_us = Math.round(extra.offsetUs);
  return msg;
}
