#pragma once
// Whose page may open a WebSocket to this server: the Origin header of an upgrade, judged
// against the Host header (the same site) and the event's allowed_origins. Browsers send
// Origin on every WebSocket handshake; native clients (tolk-booth, tolk-listen) send none and
// are judged by their token alone. Pure functions.

#include "server/ws_stream.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tolk::server {

struct origin_verdict {
    bool allowed = true;
    std::string reason;  // why not, for the 403 body and the log (names the Origin, bounded)
};

origin_verdict check_origin(const http_request& request, const std::vector<std::string>& allowed_origins);

// "https://host[:port]" in lower case, without a trailing slash; empty when `text` is not an
// http(s) origin (a path, a query, user info, a missing host).
std::string normalize_origin(std::string_view text);

}  // namespace tolk::server
