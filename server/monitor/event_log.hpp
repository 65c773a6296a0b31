#pragma once
// The console's event log: alarms raised and cleared, and whatever else the server notes
// (booths on and off air, handovers, configuration reloads).  A bounded ring: the oldest
// entries go when it is full, and how many went is counted.  Each entry has a rising id so a
// console can ask for what it has not seen yet.
// Owned by one thread (the monitor's); not thread-safe: hand copies of entries to others.

#include "server/monitor/monitor_clock.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::monitor {

enum class event_kind { alarm_raised, alarm_cleared, note };

std::string_view to_string(event_kind kind);

struct event {
    std::uint64_t id = 0;  // 1, 2, 3 ... in the order added
    time_point at;
    event_kind kind = event_kind::note;
    std::string channel;   // empty for server-wide events
    std::string text;
};

class event_log {
public:
    explicit event_log(std::size_t capacity = 1000);

    const event& add(time_point at, event_kind kind, std::string channel, std::string text);

    // Entries with an id above `after_id`, oldest first (0: everything kept).
    std::vector<event> since(std::uint64_t after_id = 0) const;

    std::size_t size() const { return entries_.size(); }
    std::uint64_t dropped() const { return dropped_; }
    std::uint64_t last_id() const { return next_id_ - 1; }

private:
    std::size_t capacity_;
    std::deque<event> entries_;
    std::uint64_t next_id_ = 1;
    std::uint64_t dropped_ = 0;
};

}  // namespace tolk::monitor
