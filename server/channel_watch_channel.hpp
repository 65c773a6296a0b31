#pragma once
// channel_watch's per-channel record, shared by its two source files.

#include "server/channel_watch.hpp"

namespace tolk::server {

using monitor::time_point;

// One channel as watched.  `mutex` guards everything but `heard` (the timer's own).
struct channel_watch::watched {
    std::string id;
    bool recorded = false;
    std::mutex mutex;
    monitor::channel_monitor audio;
    monitor::link_monitor link;
    std::uint64_t booth = 0;
    std::string booth_name;     // the on-air booth's name (token subject), for technicians
    std::string booth_address;
    std::optional<time_point> last_frame;
    std::optional<std::uint32_t> last_sequence;
    std::uint64_t clipped_before = 0;  // clipped samples of the ended segments
    std::uint64_t corrupt_before = 0;
    std::unordered_map<const listener_link*, std::weak_ptr<listener_link>> listeners;
    // The timer's own:
    monitor::listener_aggregator heard;
    monitor::listener_summary summary;
};

}  // namespace tolk::server
