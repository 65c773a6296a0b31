#pragma once
// What every session needs from the server, bundled. Owned by `server`, which outlives all
// sessions; sessions hold it by reference.

#include "server/admission.hpp"
#include "server/config.hpp"
#include "server/event_bus.hpp"
#include "server/metrics.hpp"
#include "server/session_registry.hpp"

#include <chrono>
#include <cstdint>
#include <utility>

namespace boost::asio::ssl {
class context;
}

namespace tolk::server {

class web_assets;
class access_control;
class channel_watch;
class join_sheet_cache;
class booth_desks;
namespace icecast {
class channel_pages;
}

struct server_context {
    const server_config& config;
    event_bus& bus;
    metrics& counters;
    session_registry& sessions;
    connection_tracker& connections;
    boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP only
    const web_assets* web = nullptr;          // the phone app (may be empty)
    std::string public_url;                   // base of the links on /join
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    access_control* access = nullptr;         // signed roles (owned by server; never null once started)
    channel_watch* watch = nullptr;  // the technician's view (tech_api.hpp)
    join_sheet_cache* join_cache = nullptr;  // /join's drawn sheets (owned by server; null: drawn every time)
    booth_desks* desks = nullptr;  // the booths' consoles (owned by server; never null once started)
    icecast::channel_pages* ogg_pages = nullptr;  // HTTP listeners' shared Ogg pages (owned by server)
};

// The server clock: CLOCK_MONOTONIC in µs (shared by every process on the machine).
inline std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace tolk::server
