#pragma once
// Plain HTTP answers: /api/channels, /healthz, /metrics and the root page.
// Called on the HTTP session's shard; reads the hub and counters (both thread-safe).

#include "server/server_context.hpp"
#include "server/ws_session.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace tolk::server {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// `secure`: the request came over TLS (the status page says how to listen accordingly).
http_response handle_http(const http_request& request, server_context& ctx, bool secure);

// A plain error answer, e.g. 503 "server is full".
http_response error_response(const http_request& request, boost::beast::http::status status,
                             std::string_view text);

}  // namespace tolk::server
