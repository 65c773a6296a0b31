#pragma once
// `ws://host[:port][/prefix]` URLs as given on the command line, and the request targets the
// clients build from them ("/ws/booth?channel=en").  Pure functions; any thread.
// wss:// is refused for now: the native clients speak plain WebSocket.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::client {

struct ws_url {
    std::string host;    // name or address, IPv6 without brackets
    std::uint16_t port = 80;
    std::string prefix;  // path before the tolk endpoints, "" or "/tolk" (no trailing slash)

    // prefix + path, e.g. endpoint("/ws/listen") -> "/tolk/ws/listen".
    std::string endpoint(std::string_view path) const;
    // "host:port", with brackets around an IPv6 address: the Host header and log lines.
    std::string authority() const;
    friend bool operator==(const ws_url&, const ws_url&) = default;
};

// Parses `text`; on failure returns nothing and, if `error` is given, says why.
std::optional<ws_url> parse_ws_url(std::string_view text, std::string* error = nullptr);

// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
std::string url_encode(std::string_view text);

}  // namespace tolk::client
