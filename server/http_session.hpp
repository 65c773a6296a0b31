#pragma once
// One accepted TCP connection until it becomes a WebSocket: detects TLS (when configured,
// plain HTTP keeps working on the same port), reads HTTP requests (keep-alive), answers
// them with http_api, or hands the stream to a booth or listener session.
// Owns itself (shared_from_this); runs on the connection's I/O shard (one thread).

#include "server/server_context.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <memory>

namespace tolk::server {

class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(boost::asio::ip::tcp::socket&& socket, server_context& ctx);
    void start();

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> start_tls_if_asked();
    boost::asio::ip::address peer_address();  // unspecified if the socket has none
    boost::asio::awaitable<void> refuse_websocket(const http_request& req);
    boost::beast::tcp_stream& tcp();

    any_stream stream_;
    boost::beast::flat_buffer buffer_;
    server_context& ctx_;
    connection_slot slot_;
    bool over_limit_;
};

}  // namespace tolk::server
