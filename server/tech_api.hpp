#pragma once
// The technician's feed: the tech_state as JSON (GET /api/tech, and pushed four times a second
// on /ws/tech), and as Prometheus figures (appended to /metrics); and which paths are the
// technician's (access_control::technician decides who may use them).

#include "server/tech_state.hpp"
#include "server/ws_stream.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace tolk::server {

class channel_watch;

nlohmann::json tech_json(const tech_state& state);

// Per-channel gauges and counters in the Prometheus text format (metrics_channels.cpp).
std::string channel_metrics(const tech_state& state);

// Who may ask for a path:
//   open        everyone: the phone app, /healthz, /api/channels (a private event's list is
//               filtered by http_api), /api/login, and the console's page itself (/tech, /tech/…:
//               no data, it shows the login form when /api/tech answers 401)
//   technician  /api/tech, /api/tech/listener_token (the console's listen-in on a private event),
//               /ws/tech, /status, /join (its codes may carry a listener token)
//   metrics     /metrics (a technician token too, as a bearer token for Prometheus)
enum class path_scope { open, technician, metrics };
path_scope scope_of(std::string_view path);

// Accepts the WebSocket of /ws/tech on `stream` and pushes watch.state_json() every 250 ms
// until the peer closes or the server stops (it reads the peer's frames to see the close).
void start_tech_feed(any_stream&& stream, http_request request, channel_watch& watch);

}  // namespace tolk::server
