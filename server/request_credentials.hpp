#pragma once
// What an HTTP request or WebSocket handshake presents for signed roles, read from its headers
// and query: `Authorization: Bearer T`, the technician's login cookie, `?token=T` (the link of a
// listener token) and `?passcode=P` (a private event's listeners); and whether it comes from
// this machine. Pure functions.

#include "server/ws_stream.hpp"

#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>

namespace tolk::server {

// The cookie POST /api/login sets (HttpOnly, SameSite=Strict, Secure over TLS).
inline constexpr std::string_view technician_cookie = "tolk_tech";

struct presented_credentials {
    std::string bearer;       // Authorization: Bearer …
    std::string cookie;       // the technician_cookie
    std::string query_token;  // ?token=
    std::string passcode;     // ?passcode=
};

presented_credentials credentials_of(const http_request& request);

// The value of cookie `name` in a Cookie header ("a=1; tolk_tech=…"), empty when absent.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

// The request counts as this machine's (loopback's technician access) when the peer is
// 127.0.0.1 or ::1 (is_loopback), no reverse proxy forwarded it (Forwarded, X-Forwarded-For,
// X-Real-IP: a proxy on the same host would otherwise open everything to everyone) and it does
// not come from another site's page (an Origin header naming another host than Host: a page
// open in the server machine's browser must not read the console).
bool from_this_machine(const http_request& request, const boost::asio::ip::address& peer);

}  // namespace tolk::server
