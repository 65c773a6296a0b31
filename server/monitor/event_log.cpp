#include "server/monitor/event_log.hpp"

#include <algorithm>
#include <utility>

namespace tolk::monitor {

std::string_view to_string(event_kind kind) {
    switch (kind) {
    case event_kind::alarm_raised:
        return "alarm_raised";
    case event_kind::alarm_cleared:
        return "alarm_cleared";
    case event_kind::note:
        break;
    }
    return "note";
}

event_log::event_log(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

const event& event_log::add(time_point at, event_kind kind, std::string channel,
                            std::string text) {
    if (entries_.size() == capacity_) {
        entries_.pop_front();
        ++dropped_;
    }
    entries_.push_back({next_id_++, at, kind, std::move(channel), std::move(text)});
    return entries_.back();
}

std::vector<event> event_log::since(std::uint64_t after_id) const {
    const auto first = std::find_if(entries_.begin(), entries_.end(),
                                    [&](const event& e) { return e.id > after_id; });
    return {first, entries_.end()};
}

}  // namespace tolk::monitor
