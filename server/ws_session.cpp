#include "server/ws_session.hpp"

#include "server/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace tolk::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

ws_session::ws_session(any_stream&& stream, http_request request, connection_slot slot,
                       server_context& ctx, const char* kind, std::chrono::milliseconds link_timeout)
    : ctx_(ctx),
      log_(log(kind)),
      ws_(std::move(stream)),
      request_(std::move(request)),
      slot_(std::move(slot)),
      link_timeout_(link_timeout) {}

ws_session::~ws_session() {
    if (id_ != 0)
        ctx_.sessions.remove(id_);
}

void ws_session::start() {
    id_ = ctx_.sessions.add(weak_from_this());
    asio::co_spawn(ws_.get_executor(), [self = shared_from_this()] { return self->run(); },
                   log_exception(log_, "session"));
}

asio::awaitable<void> ws_session::run() {
    ws_.configure(ctx_.config.limits.max_message_bytes, std::chrono::seconds(5), link_timeout_);
    auto [ec] = co_await ws_.accept(request_);
    if (ec) {
        log_->debug("session {}: handshake failed: {}", id_, ec.message());
        co_return;
    }
    open_ = true;
    on_open();
    http_request().swap(request_);  // the handshake's headers are not needed any more
    start_text_writer();
    // The reader is a coroutine of its own, so this one's (larger) frame is freed now.
    asio::co_spawn(ws_.get_executor(), [self = shared_from_this()] { return self->read_loop(); },
                   log_exception(log_, "reader"));
}

asio::awaitable<void> ws_session::read_loop() {
    co_await receive();
    teardown();
    on_closed();
}

asio::awaitable<void> ws_session::receive() {
    // (Reading in small pieces with read_some would keep the buffer a waiting read holds
    // smaller than Beast's 1.5 KiB first allocation, but races with Beast's close handshake:
    // a close could hang until its timeout. Whole messages it is.)
    beast::flat_buffer buffer;
    while (!done_) {
        auto [ec, n] = co_await ws_.read(buffer);
        if (ec) {
            if (ec == websocket::error::message_too_big) {
                ++ctx_.counters.messages_oversized;
                log_->warn("session {}: closed: message over {} bytes", id_,
                           ctx_.config.limits.max_message_bytes);
            } else if (ec == beast::error::timeout) {
                link_lost_ = true;
            } else if (ec != websocket::error::closed && ec != asio::error::operation_aborted &&
                       ec != asio::error::eof) {
                log_->debug("session {}: read ended: {}", id_, ec.message());
            }
            break;
        }
        const auto size = buffer.size();
        received(ws_.got_text(), {static_cast<const std::uint8_t*>(buffer.data().data()), size}, now_us());
        buffer.consume(size);
        if (buffer.capacity() > 4096)
            buffer.shrink_to_fit();  // a large message once: do not keep its room for life
    }
}

void ws_session::received(bool text, std::span<const std::uint8_t> data, std::int64_t received_us) {
    if (closing_)
        return;
    if (text)
        on_text({reinterpret_cast<const char*>(data.data()), data.size()}, received_us);
    else
        on_binary(data, received_us);
}

asio::any_io_executor ws_session::executor() const {
    return const_cast<ws_stream&>(ws_).get_executor();
}

void ws_session::teardown() {
    if (done_)
        return;
    done_ = true;
    closing_ = true;
    on_teardown();
    beast::error_code ec;
    ws_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    ws_.tcp().close();
}

void ws_session::send(const protocol::control_message& message) {
    queue_text(std::make_shared<const std::string>(protocol::serialize(message)));
}

void ws_session::close(std::uint16_t code, std::string reason) {
    log_->info("session {}: closing with {} {}", id_, code, reason);
    closing_ = true;
    if (reason.size() > 123)  // the most a close frame can carry
        reason.resize(123);
    queue_close(code, std::move(reason));
}

void ws_session::request_close(std::uint16_t code, std::string reason) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
        if (!self->closing_) {
            self->on_close_requested(code);
            self->close(code, std::move(reason));
        }
    });
}

void ws_session::protocol_error(std::string reason) {
    ++ctx_.counters.protocol_errors;
    log_->debug("session {}: protocol error: {}", id_, reason);
    send(protocol::error_message{"protocol_error", reason});
    if (++protocol_errors_ >= ctx_.config.limits.max_protocol_errors) {
        ++ctx_.counters.protocol_closes;
        close(close_code::protocol_error,
              "too many protocol errors; last: " + reason.substr(0, 80));
    }
}

bool ws_session::accept_hello(const protocol::hello& hello) {
    if (hello.protocol == protocol::protocol_version)
        return true;
    const auto reason = "protocol " + std::to_string(hello.protocol) + " is not supported; this server speaks " +
                        std::to_string(protocol::protocol_version);
    send(protocol::error_message{"protocol_version", reason});
    close(close_code::protocol_error, reason);
    return false;
}

protocol::welcome ws_session::make_welcome(std::string role) const {
    protocol::welcome w;
    w.session = std::to_string(id_);
    w.role = std::move(role);
    w.event = ctx_.config.event_name;
    w.server_time_us = now_us();
    return w;
}

// The default text sends (booths): a few messages now and then, written through Beast. Bounded:
// a peer that lets them pile up is not reading.
void ws_session::queue_text(std::shared_ptr<const std::string> text) {
    if (texts_.size() >= 512) {
        log_->warn("session {}: closed: not reading its messages", id_);
        teardown();
        return;
    }
    texts_.push_back({std::move(text), 0});
    start_text_writer();
}

void ws_session::queue_close(std::uint16_t code, std::string reason) {
    texts_.push_back({std::make_shared<const std::string>(std::move(reason)), code});
    start_text_writer();
}

void ws_session::start_text_writer() {
    if (!open_ || done_ || text_writer_running_ || texts_.empty())
        return;
    text_writer_running_ = true;
    asio::co_spawn(ws_.get_executor(), [self = shared_from_this()] { return self->text_write_loop(); },
                   log_exception(log_, "writer"));
}

asio::awaitable<void> ws_session::text_write_loop() {
    while (!texts_.empty() && !done_) {
        auto next = std::move(texts_.front());
        texts_.pop_front();
        if (next.close != 0) {
            // Beast completes the handshake: the reader sees the peer's reply (or the timeout).
            // The writer stays "running" so that nothing is written after the close.
            co_await ws_.close(websocket::close_reason(static_cast<websocket::close_code>(next.close), *next.text));
            co_return;
        }
        auto [ec, n] = co_await ws_.write(asio::buffer(*next.text), true);
        if (ec) {
            teardown();
            break;
        }
    }
    text_writer_running_ = false;
}

}  // namespace tolk::server
