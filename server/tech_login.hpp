#pragma once
// A technician's login: POST /api/login with a name and password (JSON {"name","password"} or
// an HTML form) → a technician token (access_control::login, Argon2id off the I/O thread), set
// as the login cookie (HttpOnly, SameSite=Strict, Secure over TLS, Max-Age = the token's life)
// and returned as JSON {"token","name","expires","jti"} for scripts. A wrong name or password:
// 401 {"error":"wrong_password",...}, counted. POST /api/logout clears the cookie.
// Runs on the HTTP session's shard.

#include "server/http_api.hpp"

#include <boost/asio/awaitable.hpp>

namespace tolk::server {

// POST /api/login or /api/logout: the paths this file answers.
bool is_login_request(const http_request& request);

boost::asio::awaitable<http_response> handle_login(const http_request& request, server_context& ctx,
                                                   const http_client& client);

}  // namespace tolk::server
