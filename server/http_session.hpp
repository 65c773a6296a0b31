#pragma once
// One accepted TCP connection until it becomes a WebSocket: detects TLS (when configured,
// plain HTTP keeps working on the same port), reads HTTP requests (keep-alive), answers
// them with http_api (tech_login for POST /api/login and /api/logout), or hands the stream to a
// booth, listener or technician-feed session after signed roles' check (booth sessions check
// their token themselves; listeners and the feed are checked here, before the handover).
// Owns itself (shared_from_this); runs on the connection's I/O shard (one thread).

#include "server/http_api.hpp"
#include "server/server_context.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tolk::server {

class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(boost::asio::ip::tcp::socket&& socket, connection_slot slot, server_context& ctx);
    void start();

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> start_tls_if_asked();
    // The next request; nullopt when the connection ends (a malformed one is answered 400 first).
    boost::asio::awaitable<std::optional<http_request>> read_request();
    // A WebSocket upgrade: true when a session took the connection over (or it was refused).
    boost::asio::awaitable<bool> take_websocket(http_request& req);
    std::vector<std::string> allowed_origins(const http_request& req) const;
    boost::asio::awaitable<void> admit_listener(http_request& req);
    boost::asio::awaitable<http_response> answer(const http_request& req);
    std::optional<http_response> plain_refusal(const http_request& req);
    // Writes `res`; false when the connection is to end.
    boost::asio::awaitable<bool> write(http_response& res);
    boost::asio::ip::address peer_address();  // unspecified if the socket has none
    http_client client() { return {peer_address(), stream_.index() == 1}; }
    // Accepts the WebSocket, then closes it with `code` and `reason` (which the client can show).
    boost::asio::awaitable<void> refuse_websocket(const http_request& req, std::uint16_t code, std::string reason);
    boost::beast::tcp_stream& tcp();
    static connection_role role_of(const http_request& req);
    static http_response admission_refusal(const http_request& req, admission why);
    admission admit(const http_request& req, connection_role role);

    any_stream stream_;
    boost::beast::flat_buffer buffer_;
    server_context& ctx_;
    connection_slot slot_;
    bool admitted_ = false;  // a request of this connection passed admit()
};

}  // namespace tolk::server
