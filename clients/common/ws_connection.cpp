#include "clients/common/ws_connection.hpp"
#include "clients/common/nothrow.hpp"

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include <variant>

namespace tolk::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

constexpr std::size_t max_message_size = 64 * 1024;

asio::awaitable<bool> cancelled() {
    auto state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

ws_connection::ws_connection(asio::any_io_executor strand, connection_options options,
                             connection_handler& handler)
    : strand_(std::move(strand)),
      options_(std::move(options)),
      handler_(handler),
      backoff_(options_.backoff),
      wake_(strand_),
      pause_(strand_) {}

void ws_connection::start() {
    asio::co_spawn(
        strand_, [self = shared_from_this()] { return self->run(); },
        log_exception(component_logger("connection"), "connection " + options_.target));
}

void ws_connection::stop() {
    asio::dispatch(strand_, [self = shared_from_this()] {
        if (self->stopping_)
            return;
        self->stopping_ = true;
        if (self->open_) {
            self->queue_.push_back({outgoing::close, {}, {}});
            self->wake_.cancel();
        } else {
            self->pause_.cancel();
            if (self->connecting_)
                beast::get_lowest_layer(*self->connecting_).cancel();
        }
    });
}

void ws_connection::send_control(const protocol::control_message& message) {
    asio::dispatch(strand_, [self = shared_from_this(), text = protocol::serialize(message)]() mutable {
        self->enqueue({outgoing::text, std::move(text), {}});
    });
}

void ws_connection::send_audio(audio_bytes frame) {
    asio::dispatch(strand_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue({outgoing::binary, {}, std::move(frame)});
    });
}

void ws_connection::pause_reading() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->reading_paused_ = true; });
}

void ws_connection::enqueue(outgoing message) {
    if (!open_ || stopping_) {  // nothing to send on; the handler resends state on open
        if (message.kind == outgoing::binary)
            ++counters_.audio_dropped;
        return;
    }
    if (message.kind == outgoing::binary) {
        if (queued_audio_ >= options_.max_queued_audio) {
            for (auto it = queue_.begin(); it != queue_.end(); ++it) {
                if (it->kind == outgoing::binary) {
                    queue_.erase(it);
                    --queued_audio_;
                    ++counters_.audio_dropped;
                    break;
                }
            }
        }
        ++queued_audio_;
    }
    queue_.push_back(std::move(message));
    wake_.cancel();
}

asio::awaitable<void> ws_connection::run() {
    auto log = component_logger("connection");
    while (!stopping_) {
        socket_stream ws(strand_);
        close_info info = co_await connect_once(ws);
        if (info.established) {
            ++counters_.connects;
            open_ = true;
            closing_ = false;
            log->debug("{}{}: connected", options_.url.authority(), options_.target);
            enqueue({outgoing::text, protocol::serialize(protocol::hello{options_.client_name, 1, {}}), {}});
            handler_.on_open();
            auto ended = co_await (read_loop(ws) || write_loop(ws) || ping_loop());
            info = std::visit([](close_info& i) { return std::move(i); }, ended);
            open_ = false;
            queue_.clear();
            queued_audio_ = 0;
        } else {
            ++counters_.failures;
        }
        const bool retry = handler_.on_close(info) && options_.reconnect && !stopping_;
        if (!retry)
            break;
        const auto wait = backoff_.next();
        log->info("{}{}: {}{}; reconnecting in {} ms", options_.url.authority(), options_.target,
                  info.code ? "closed " + std::to_string(info.code) + " " : "", info.reason,
                  wait.count());
        pause_.expires_after(wait);
        co_await pause_.async_wait(nothrow);
    }
    handler_.on_stopped();
}

asio::awaitable<close_info> ws_connection::connect_once(socket_stream& ws) {
    connecting_ = &ws;
    struct clear_on_exit {
        socket_stream*& p;
        ~clear_on_exit() { p = nullptr; }
    } clear{connecting_};
    auto& tcp = beast::get_lowest_layer(ws);
    tcp.expires_after(options_.connect_timeout);

    asio::ip::tcp::resolver resolver(strand_);
    auto [resolve_error, endpoints] =
        co_await resolver.async_resolve(options_.url.host, std::to_string(options_.url.port), nothrow);
    if (resolve_error)
        co_return close_info{false, 0, "cannot resolve " + options_.url.host + ": " + resolve_error.message()};
    beast::error_code connect_error;
    if (options_.receive_buffer > 0) {  // must be set before the handshake fixes the window
        const auto target = endpoints.begin()->endpoint();
        tcp.socket().open(target.protocol(), connect_error);
        if (!connect_error)
            tcp.socket().set_option(asio::socket_base::receive_buffer_size(options_.receive_buffer), connect_error);
        if (!connect_error)
            std::tie(connect_error) = co_await tcp.async_connect(target, nothrow);
    } else {
        std::tie(connect_error, std::ignore) = co_await tcp.async_connect(endpoints, nothrow);
    }
    if (connect_error)
        co_return close_info{false, 0, "cannot connect to " + options_.url.authority() + ": " + connect_error.message()};
    tcp.socket().set_option(asio::ip::tcp::no_delay(true));

    ws.read_message_max(max_message_size);
    ws.set_option(websocket::stream_base::decorator(
        [name = options_.client_name, token = options_.token](websocket::request_type& req) {
            req.set(beast::http::field::user_agent, name);
            if (!token.empty())
                req.set(beast::http::field::authorization, "Bearer " + token);
        }));
    websocket::response_type response;
    auto [handshake_error] =
        co_await ws.async_handshake(response, options_.url.authority(), options_.target, nothrow);
    if (handshake_error) {
        std::string why = "WebSocket handshake with " + options_.url.authority() + options_.target +
                          " failed: " + handshake_error.message();
        if (response.result_int() != 0)
            why += " (HTTP " + std::to_string(response.result_int()) + ")";
        co_return close_info{false, 0, why};
    }
    if (stopping_)
        co_return close_info{false, 0, "stopped"};

    tcp.expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.connect_timeout;  // also bounds the closing handshake
    timeouts.idle_timeout = options_.idle_timeout.count() > 0
                                ? std::chrono::steady_clock::duration(options_.idle_timeout)
                                : websocket::stream_base::none();
    timeouts.keep_alive_pings = options_.idle_timeout.count() > 0;
    ws.set_option(timeouts);
    co_return close_info{true, 0, {}};
}

asio::awaitable<close_info> ws_connection::read_loop(socket_stream& ws) {
    beast::flat_buffer buffer;
    for (;;) {
        if (reading_paused_) {
            pause_.expires_at(asio::steady_timer::time_point::max());
            co_await pause_.async_wait(nothrow);
            if (co_await cancelled())
                co_return close_info{true, 0, "cancelled"};
            continue;
        }
        auto [error, size] = co_await ws.async_read(buffer, nothrow);
        if (error && closing_ && error != websocket::error::closed) {
            // Our close aborted the read: the writer's async_close reports how it ended.
            pause_.expires_at(asio::steady_timer::time_point::max());
            co_await pause_.async_wait(nothrow);
            co_return close_info{true, 0, "cancelled"};
        }
        if (error) {
            close_info info{true, 0, error.message()};
            if (error == websocket::error::closed) {
                info.code = static_cast<std::uint16_t>(ws.reason().code);
                info.reason = std::string(ws.reason().reason.c_str());
            }
            co_return info;
        }
        const std::int64_t receipt_us = steady_now_us();
        const auto data = buffer.cdata();
        if (ws.got_binary())
            handler_.on_binary({static_cast<const std::uint8_t*>(data.data()), data.size()}, receipt_us);
        else
            handle_text({static_cast<const char*>(data.data()), data.size()}, receipt_us);
        buffer.consume(size);
    }
}

void ws_connection::handle_text(std::string_view text, std::int64_t receipt_us) {
    auto parsed = protocol::parse_control(text);
    if (!parsed) {
        ++counters_.bad_messages;
        component_logger("connection")->warn("{}: unreadable message from the server: {}",
                                             options_.target, parsed.error().message());
        return;
    }
    const protocol::control_message& message = parsed.value();
    if (const auto* p = std::get_if<protocol::pong>(&message)) {
        if (clock_.add({p->t0, p->t1, p->t2, receipt_us}))
            handler_.on_clock(clock_);
    } else if (std::holds_alternative<protocol::welcome>(message)) {
        backoff_.reset();
    } else if (const auto* e = std::get_if<protocol::error_message>(&message)) {
        component_logger("connection")->warn("{}: server error {}: {}", options_.target, e->code, e->reason);
    }
    handler_.on_control(message);
}

asio::awaitable<close_info> ws_connection::write_loop(socket_stream& ws) {
    for (;;) {
        if (queue_.empty()) {
            wake_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_.async_wait(nothrow);
            if (co_await cancelled())
                co_return close_info{true, 0, "cancelled"};
            continue;
        }
        outgoing message = std::move(queue_.front());
        queue_.pop_front();
        beast::error_code error;
        switch (message.kind) {
        case outgoing::text:
            ws.text(true);
            std::tie(error, std::ignore) =
                co_await ws.async_write(asio::buffer(message.text_body), nothrow);
            break;
        case outgoing::binary:
            --queued_audio_;
            ws.binary(true);
            std::tie(error, std::ignore) =
                co_await ws.async_write(asio::buffer(*message.binary_body), nothrow);
            ++counters_.audio_sent;
            break;
        case outgoing::close:
            closing_ = true;
            std::tie(error) = co_await ws.async_close(websocket::close_code::normal, nothrow);
            if (error)
                co_return close_info{true, 0, "close failed: " + error.message()};
            co_return close_info{true, static_cast<std::uint16_t>(ws.reason().code),
                                 std::string(ws.reason().reason.c_str())};
        }
        if (error)
            co_return close_info{true, 0, "write failed: " + error.message()};
    }
}

asio::awaitable<close_info> ws_connection::ping_loop() {
    asio::steady_timer timer(strand_);
    for (int i = 0;; ++i) {
        if (options_.ping_interval.count() > 0)
            enqueue({outgoing::text, protocol::serialize(protocol::ping{steady_now_us()}), {}});
        if (options_.ping_interval.count() <= 0)
            timer.expires_at(asio::steady_timer::time_point::max());
        else
            timer.expires_after(i < options_.quick_pings ? std::chrono::milliseconds(100)
                                                          : options_.ping_interval);
        auto [error] = co_await timer.async_wait(nothrow);
        if (error)
            co_return close_info{true, 0, "cancelled"};
    }
}

}  // namespace tolk::client
