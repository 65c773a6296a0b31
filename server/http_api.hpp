#pragma once
// Plain HTTP answers: /api/channels, /healthz, /metrics, /status, /join, /api/tech and the phone
// app's files, each after signed roles' check of its path (tech_api.hpp's scope_of).
// Called on the HTTP session's shard; reads the hub, counters and access control (thread-safe).

#include "server/auth/policy.hpp"
#include "server/server_context.hpp"
#include "server/ws_session.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace tolk::server {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// Who asks: the peer's address, and whether the request came over TLS (the status page says
// how to listen accordingly; the login cookie is Secure).
struct http_client {
    boost::asio::ip::address peer;
    bool secure = false;
};

// GET and HEAD.
http_response handle_http(const http_request& request, server_context& ctx, const http_client& client);

// A plain error answer, e.g. 503 "server is full".
http_response error_response(const http_request& request, boost::beast::http::status status,
                             std::string_view text);

// A JSON answer (no-store).
// 308 to `location` (require_tls: plain HTTP to HTTPS).
http_response redirect_response(const http_request& request, std::string location);

http_response json_response(const http_request& request, boost::beast::http::status status, std::string body);

// A refusal of signed roles: the decision's HTTP status (401, 403), with
// {"error": reason code, "reason": text}; a 401 says `WWW-Authenticate: Bearer` (RFC 6750).
http_response refusal_response(const http_request& request, const auth::decision& decision, bool had_token);

}  // namespace tolk::server
