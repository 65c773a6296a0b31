#pragma once
// A server-side WebSocket over plain TCP or TLS, chosen per connection. Wraps the two Beast
// stream types in a variant so that sessions are written once. Same rules as a Beast
// websocket::stream: one read and one write (or close) in flight; on the connection's shard only.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <tuple>
#include <variant>

namespace tolk::server {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using http_request = boost::beast::http::request<boost::beast::http::string_body>;
// An accepted connection, before it knows what it will be.
using any_stream = std::variant<boost::beast::tcp_stream, tls_stream>;

class ws_stream {
public:
    using error_code = boost::beast::error_code;
    using executor_type = boost::beast::tcp_stream::executor_type;

    explicit ws_stream(any_stream&& stream);

    executor_type get_executor();
    boost::beast::tcp_stream& tcp();
    bool secure() const { return ws_.index() == 1; }

    // idle_timeout 0: no idle timeout and no server-initiated pings, so Beast never writes on
    // its own except to answer the peer (listeners: a dead listener is found by its writer's
    // stall watchdog instead; on plain TCP Beast does not even read, see listener_session).
    void configure(std::size_t read_message_max, std::chrono::milliseconds handshake_timeout,
                   std::chrono::milliseconds idle_timeout);
    bool got_text() const;
    boost::asio::awaitable<std::tuple<error_code>> accept(const http_request& request);
    boost::asio::awaitable<std::tuple<error_code, std::size_t>> read(boost::beast::flat_buffer& buffer);
    boost::asio::awaitable<std::tuple<error_code, std::size_t>> write(boost::asio::const_buffer data,
                                                                      bool text);
    boost::asio::awaitable<std::tuple<error_code>> close(boost::beast::websocket::close_reason reason);

private:
    std::variant<boost::beast::websocket::stream<boost::beast::tcp_stream>,
                 boost::beast::websocket::stream<tls_stream>>
        ws_;
};

}  // namespace tolk::server
