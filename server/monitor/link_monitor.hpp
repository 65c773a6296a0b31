#pragma once
// The booth link as the server sees it, from each frame's sequence number, the booth's capture
// time and the server's arrival time: interarrival jitter (RFC 3550 section 6.4.1, in ms),
// frames missing (sequence gaps), frames late or repeated, and reconnects.
// Owned by one thread (the booth's session, or the channel's monitor); not thread-safe.

#include <cstdint>

namespace tolk::monitor {

struct link_snapshot {
    double jitter_ms = 0;
    std::uint64_t frames = 0;          // received, in order or not
    std::uint64_t frames_missing = 0;  // skipped sequence numbers
    std::uint64_t gaps = 0;            // times one or more frames were skipped
    std::uint64_t frames_late = 0;     // older than the newest (reordered or repeated)
    std::uint64_t reconnects = 0;
};

class link_monitor {
public:
    // One frame: its sequence, the booth's capture time and the server's arrival time (µs).
    void on_frame(std::uint32_t sequence, std::int64_t capture_us, std::int64_t arrival_us);

    // The booth reconnected or a new source started (a discontinuity): the next frame starts a
    // new baseline, and the reconnect is counted.
    void on_reconnect();

    const link_snapshot& snapshot() const { return snapshot_; }

private:
    link_snapshot snapshot_;
    bool have_last_ = false;
    std::uint32_t last_sequence_ = 0;
    std::int64_t last_transit_us_ = 0;  // arrival - capture of the previous in-order frame
    double jitter_us_ = 0;
};

}  // namespace tolk::monitor
