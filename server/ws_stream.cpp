#include "server/ws_stream.hpp"
#include "server/as_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace tolk::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
template <class Ws>
Ws make_ws(any_stream&& s) {
    return std::visit(
        [](auto&& inner) -> Ws {
            using inner_t = std::decay_t<decltype(inner)>;
            using next_t = typename Ws::next_layer_type;
            if constexpr (std::is_same_v<inner_t, next_t>)
                return Ws(std::move(inner));
            else
                throw std::logic_error("ws_stream: stream type mismatch");
        },
        std::move(s));
}
}  // namespace

ws_stream::ws_stream(any_stream&& stream)
    : ws_(stream.index() == 0
              ? decltype(ws_)(std::in_place_index<0>,
                              make_ws<websocket::stream<beast::tcp_stream>>(std::move(stream)))
              : decltype(ws_)(std::in_place_index<1>,
                              make_ws<websocket::stream<tls_stream>>(std::move(stream)))) {}

ws_stream::executor_type ws_stream::get_executor() {
    return std::visit([](auto& ws) { return ws.get_executor(); }, ws_);
}

beast::tcp_stream& ws_stream::tcp() {
    return std::visit([](auto& ws) -> beast::tcp_stream& { return beast::get_lowest_layer(ws); }, ws_);
}

void ws_stream::configure(std::size_t read_message_max, std::chrono::milliseconds handshake_timeout,
                          std::chrono::milliseconds idle_timeout) {
    std::visit(
        [&](auto& ws) {
            beast::get_lowest_layer(ws).expires_never();
            auto t = websocket::stream_base::timeout::suggested(beast::role_type::server);
            t.handshake_timeout = handshake_timeout;  // also bounds the close handshake
            if (idle_timeout.count() > 0) {
                t.idle_timeout = idle_timeout;
                t.keep_alive_pings = true;
            } else {
                t.idle_timeout = websocket::stream_base::none();
                t.keep_alive_pings = false;
            }
            ws.set_option(t);
            ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
                res.set(beast::http::field::server, "tolk/" BOOST_BEAST_VERSION_STRING);
            }));
            ws.read_message_max(read_message_max);
            ws.auto_fragment(false);
        },
        ws_);
}

bool ws_stream::got_text() const {
    return std::visit([](const auto& ws) { return ws.got_text(); }, ws_);
}

asio::awaitable<std::tuple<ws_stream::error_code>> ws_stream::accept(const http_request& request) {
    return std::visit([&](auto& ws) { return ws.async_accept(request, as_tuple); }, ws_);
}

asio::awaitable<std::tuple<ws_stream::error_code, std::size_t>> ws_stream::read(beast::flat_buffer& buffer) {
    return std::visit([&](auto& ws) { return ws.async_read(buffer, as_tuple); }, ws_);
}

asio::awaitable<std::tuple<ws_stream::error_code, std::size_t>> ws_stream::write(asio::const_buffer data,
                                                                                 bool text) {
    return std::visit(
        [&](auto& ws) {
            ws.text(text);
            return ws.async_write(data, as_tuple);
        },
        ws_);
}

asio::awaitable<std::tuple<ws_stream::error_code>> ws_stream::close(websocket::close_reason reason) {
    return std::visit([&](auto& ws) { return ws.async_close(reason, as_tuple); }, ws_);
}

}  // namespace tolk::server
