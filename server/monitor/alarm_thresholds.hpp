#pragma once
// When the alarm engine raises and clears each alarm.  Defaults suit a conference hall; the
// event file may override any of them.  Hysteresis: a condition must hold for its raise delay
// before the alarm is raised, and be gone for clear_after_seconds before it clears; continuous
// figures (jitter, loudness) also clear only below a lower level than the one that raised them.
// A plain value type; copy it where it is needed.

#include <cstdint>

namespace tolk::monitor {

struct alarm_thresholds {
    // An on-air channel whose input has been silent (below the monitor's silence level) this long.
    double silence_seconds = 10;
    // More than this many clipped samples within clipping_window_seconds.
    std::uint64_t clipped_samples = 50;
    double clipping_window_seconds = 5;
    // Integrated loudness this far from the median of the other on-air channels (ISO 20109
    // asks for consistent levels between channels).  10 LU: speakers and microphones differ
    // by a few LU in normal use; 10 LU is a level a listener has to reach for the volume for.
    double loudness_lu = 10;
    double loudness_clear_lu = 8;
    double loudness_min_seconds = 20;  // of audio in the segment, before loudness is compared
    double loudness_raise_seconds = 5;
    // Booth link: jitter (RFC 3550) above this, or this many frames missing within the window.
    double jitter_ms = 40;
    double jitter_clear_ms = 30;
    double jitter_raise_seconds = 5;
    std::uint64_t missing_frames = 10;
    double missing_window_seconds = 10;
    // A booth that should be on air (it dropped without going off air) gone this long.
    double booth_disconnected_seconds = 3;
    // This share (0..1) of a channel's reporting listeners concealing above their threshold,
    // once at least concealment_min_listeners report.
    double concealed_share = 0.25;
    std::uint32_t concealment_min_listeners = 3;
    double concealment_raise_seconds = 5;
    // Every alarm clears only after its condition has been gone this long.
    double clear_after_seconds = 5;
};

}  // namespace tolk::monitor
