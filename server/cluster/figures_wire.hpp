#pragma once
// A channel's technician figures (server/channel_watch_share.hpp) in a node's status: the
// "tech" object of a channel, {"booth": {...}, "heard": {...}}, each part present only when
// the node has something to say.  Compact: short keys, about 500 bytes for a channel whose
// booth is on air at the node, at most alarm_kind_count alarms and names of at most 256 bytes.
//
// Reading is range-checked: another node's figures are data from the network.  A part with
// any figure out of range, of the wrong type, or a name too long is dropped whole (the
// technician then sees no figures from that node rather than wrong ones); the other part and
// the rest of the status stand.

#include "server/channel_watch_share.hpp"

#include <nlohmann/json.hpp>

namespace tolk::cluster {

// Bounds of what a node sends and accepts.
inline constexpr std::size_t max_name_bytes = 256;

nlohmann::json figures_to_json(const server::channel_figures& f);
// Never throws; what does not pass the checks is left out, and counted in `refused`.
server::channel_figures figures_from_json(const nlohmann::json& j, std::uint32_t& refused);

}  // namespace tolk::cluster
