#pragma once
// What a node's status says of a channel's listeners and technician figures, both ways, with
// the range checks of data from the network.  The technician figures (server/channel_watch_share.hpp):
// the
// "tech" object of a channel, {"booth": {...}, "heard": {...}}, each part present only when
// the node has something to say.  Compact: short keys, about 500 bytes for a channel whose
// booth is on air at the node, at most alarm_kind_count alarms and names of at most 256 bytes.
//
// Reading is range-checked: another node's figures are data from the network.  A part with
// any figure out of range, of the wrong type, or a name too long is dropped whole (the
// technician then sees no figures from that node rather than wrong ones); the other part and
// the rest of the status stand.

#include "server/channel_watch_share.hpp"
#include "server/event_bus.hpp"

#include <nlohmann/json.hpp>

namespace tolk::cluster {

// Bounds of what a node sends and accepts.
inline constexpr std::size_t max_name_bytes = 256;

// A channel's "heard": what this node's listeners report, for /api/channels on every node.
nlohmann::json heard_to_json(const server::heard_summary& h);
// Never throws; a summary with any field missing or out of range is none (counted in `refused`).
server::heard_summary heard_from_json(const nlohmann::json& j, std::uint32_t& refused);

nlohmann::json figures_to_json(const server::channel_figures& f);
// Never throws; what does not pass the checks is left out, and counted in `refused`.
server::channel_figures figures_from_json(const nlohmann::json& j, std::uint32_t& refused);

}  // namespace tolk::cluster
