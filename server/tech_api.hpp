#pragma once
// The technician's feed: the tech_state as JSON (GET /api/tech, and pushed four times a second
// on /ws/tech), and as Prometheus figures (appended to /metrics).  Technician endpoints answer
// loopback peers only until tokens are wired (server/auth's technician role).

#include "server/tech_state.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace tolk::server {

class channel_watch;

nlohmann::json tech_json(const tech_state& state);

// Per-channel gauges and counters in the Prometheus text format (metrics_channels.cpp).
std::string channel_metrics(const tech_state& state);

// /api/tech, /ws/tech, /tech and what is under /tech/.
bool technician_path(std::string_view path);

// Whether `peer` may use the technician endpoints (/api/tech, /ws/tech, /tech).
bool technician_allowed(const boost::asio::ip::address& peer);

// Accepts the WebSocket of /ws/tech on `stream` and pushes watch.state_json() every 250 ms
// until the peer closes or the server stops (it reads the peer's frames to see the close).
void start_tech_feed(any_stream&& stream, http_request request, channel_watch& watch);

}  // namespace tolk::server
