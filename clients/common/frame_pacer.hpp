#pragma once
// The timing of a source that produces audio at the real-time rate (a file or a tone played
// as if it were a microphone).  Frame k's first sample is "captured" at capture_us(k); the
// frame is complete, and due to be sent, when its last sample is captured: due_us(k).
// Computed from the anchor with exact integer maths, so there is no cumulative drift.
// Pure value type; any thread.

#include <cstdint>

namespace tolk::client {

class frame_pacer {
public:
    frame_pacer(std::int64_t start_us, int frame_samples, int rate = 48000);

    std::int64_t capture_us(std::uint64_t k) const;
    std::int64_t due_us(std::uint64_t k) const { return capture_us(k + 1); }
    // How many frames are complete at now_us (frames 0 .. n-1 are due).
    std::uint64_t frames_due(std::int64_t now_us) const;
    // Moves the schedule so that frame k is due at now_us (after the process was stopped and
    // fell far behind: skip ahead instead of sending a burst).
    void reanchor(std::uint64_t k, std::int64_t now_us);

    std::int64_t frame_us() const { return capture_us(1) - capture_us(0); }

private:
    std::int64_t start_us_;
    std::int64_t frame_samples_;
    std::int64_t rate_;
    std::uint64_t first_ = 0;  // the frame number at start_us_
};

}  // namespace tolk::client
