#include "server/monitor/link_monitor.hpp"

#include <cmath>

namespace tolk::monitor {
namespace {

// A jump this far ahead is a new source that did not say so, not 30 minutes of lost frames.
constexpr std::uint32_t max_gap_frames = 3000;

}  // namespace

void link_monitor::on_frame(std::uint32_t sequence, std::int64_t capture_us,
                            std::int64_t arrival_us) {
    ++snapshot_.frames;
    const std::int64_t transit = arrival_us - capture_us;
    if (!have_last_) {
        have_last_ = true;
        last_sequence_ = sequence;
        last_transit_us_ = transit;
        return;
    }
    const std::uint32_t ahead = sequence - last_sequence_;  // modulo 2^32: wraps cleanly
    if (ahead == 0 || ahead > 0x80000000u) {
        ++snapshot_.frames_late;
        return;
    }
    if (ahead > max_gap_frames) {
        on_reconnect();
        --snapshot_.reconnects;  // not announced: a new baseline, but not a reconnect
        on_frame(sequence, capture_us, arrival_us);
        --snapshot_.frames;
        return;
    }
    if (ahead > 1) {
        ++snapshot_.gaps;
        snapshot_.frames_missing += ahead - 1;
    }
    // RFC 3550: J += (|D| - J) / 16, D the change in transit time between consecutive frames.
    const double d = std::fabs(static_cast<double>(transit - last_transit_us_));
    jitter_us_ += (d - jitter_us_) / 16;
    snapshot_.jitter_ms = jitter_us_ / 1000;
    last_sequence_ = sequence;
    last_transit_us_ = transit;
}

void link_monitor::on_reconnect() {
    ++snapshot_.reconnects;
    have_last_ = false;
}

}  // namespace tolk::monitor
