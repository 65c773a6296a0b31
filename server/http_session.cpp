#include "server/http_session.hpp"

#include "server/booth_session.hpp"
#include "server/http_api.hpp"
#include "server/listener_session.hpp"
#include "server/log.hpp"
#include "server/query.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace tolk::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

http_session::http_session(asio::ip::tcp::socket&& socket, server_context& ctx)
    : stream_(std::move(socket)),
      ctx_(ctx),
      slot_(ctx.connections),
      over_limit_(static_cast<std::size_t>(ctx.connections.open()) >
                  ctx.config.limits.max_connections) {}

void http_session::start() {
    asio::co_spawn(stream_.get_executor(), [self = shared_from_this()] { return self->run(); },
                   [](std::exception_ptr e) {
                       if (!e)
                           return;
                       try {
                           std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                           log("http")->error("HTTP session ended by an exception: {}", ex.what());
                       }
                   });
}

asio::awaitable<void> http_session::run() {
    if (over_limit_)
        ++ctx_.counters.connections_refused;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(8 * 1024);
        parser.body_limit(8 * 1024);
        stream_.expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, as_tuple);
        if (ec) {
            if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
                ec != asio::error::connection_reset && ec != asio::error::eof) {
                ++ctx_.counters.http_bad_requests;
                log("http")->debug("bad request: {}", ec.message());
                auto res = error_response(http_request{}, http::status::bad_request,
                                          "bad request: " + ec.message());
                res.keep_alive(false);
                co_await http::async_write(stream_, res, as_tuple);
            }
            break;
        }
        http_request req = parser.release();
        const auto path = target_path(req.target());

        if (websocket::is_upgrade(req)) {
            if (over_limit_) {
                // Accept, then close with a reason the client can show.
                websocket::stream<beast::tcp_stream> ws(std::move(stream_));
                auto [aec] = co_await ws.async_accept(req, as_tuple);
                if (!aec)
                    co_await ws.async_close(
                        websocket::close_reason(websocket::close_code::policy_error,
                                                "server is full: too many connections"), as_tuple);
                co_return;
            }
            if (path == "/ws/booth") {
                std::make_shared<booth_session>(std::move(stream_), std::move(req), std::move(slot_), ctx_)
                    ->start();
                co_return;
            }
            if (path == "/ws/listen") {
                std::make_shared<listener_session>(std::move(stream_), std::move(req), std::move(slot_),
                                                   ctx_)
                    ->start();
                co_return;
            }
        }
        http_response res = over_limit_
                                ? error_response(req, http::status::service_unavailable,
                                                 "server is full: too many connections")
                                : handle_http(req, ctx_);
        if (over_limit_)
            res.keep_alive(false);
        const bool keep_alive = res.keep_alive();
        auto [wec, wn] = co_await http::async_write(stream_, res, as_tuple);
        if (wec || !keep_alive)
            break;
    }
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace tolk::server
