#include "server/ws_session.hpp"

#include "server/log.hpp"
#include "server/ws_frame_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace tolk::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::use_awaitable;
constexpr auto as_tuple = asio::as_tuple(use_awaitable);

ws_session::ws_session(any_stream&& stream, http_request request, connection_slot slot,
                       server_context& ctx, const char* kind, std::size_t audio_channels)
    : ctx_(ctx),
      log_(log(kind)),
      ws_(std::move(stream)),
      request_(std::move(request)),
      slot_(std::move(slot)),
      receives_audio_(audio_channels > 0),
      outbox_(audio_channels,
              static_cast<std::uint32_t>(ctx.config.limits.listener_queue_ms) * 48),
      wake_(ws_.get_executor()),
      watchdog_timer_(ws_.get_executor()) {}

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
    // Booths are pinged when quiet so that a dead booth goes off air; listeners are not (see
    // ws_stream::configure): a dead listener's writes stall and the watchdog closes it.
    ws_.configure(ctx_.config.limits.max_message_bytes, std::chrono::seconds(5),
                  receives_audio_ ? std::chrono::seconds(0) : std::chrono::seconds(30));
    auto [ec] = co_await ws_.accept(request_);
    if (ec) {
        log_->debug("session {}: handshake failed: {}", id_, ec.message());
        co_return;
    }
    auto self = shared_from_this();
    asio::co_spawn(ws_.get_executor(), [self] { return self->write_loop(); }, asio::detached);
    asio::co_spawn(ws_.get_executor(), [self] { return self->watchdog(); }, asio::detached);
    on_open();
    co_await read_loop();
    teardown();
    on_closed();
}

asio::awaitable<void> ws_session::read_loop() {
    beast::flat_buffer buffer;
    while (!done_) {
        auto [ec, n] = co_await ws_.read(buffer);
        if (ec) {
            if (ec == websocket::error::message_too_big) {
                ++ctx_.counters.messages_oversized;
                log_->warn("session {}: closed: message over {} bytes", id_,
                           ctx_.config.limits.max_message_bytes);
            } else if (ec != websocket::error::closed && ec != asio::error::operation_aborted &&
                       ec != asio::error::eof) {
                log_->debug("session {}: read ended: {}", id_, ec.message());
            }
            co_return;
        }
        const auto received = now_us();
        if (!closing_) {
            const auto* data = static_cast<const std::uint8_t*>(buffer.data().data());
            if (ws_.got_text())
                on_text({reinterpret_cast<const char*>(data), n}, received);
            else
                on_binary({data, n}, received);
        }
        buffer.consume(n);
    }
}

asio::awaitable<void> ws_session::write_loop() {
    std::vector<outbox::entry> batch;
    ws_frame_writer raw;
    while (!done_) {
        if (!outbox_.take(batch)) {
            wake_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_.async_wait(as_tuple);
            continue;
        }
        for (std::size_t i = 0; i < batch.size();) {
            if (done_)
                co_return;
            // Fast path (plain TCP): a run of audio frames in one raw sendmsg.
            if (!ws_.secure() && batch[i].what == outbox::entry::kind::audio) {
                raw.clear();
                std::size_t j = i;
                while (j < batch.size() && batch[j].what == outbox::entry::kind::audio && raw.add(batch[j].frame))
                    ++j;
                const auto r = raw.send(ws_.tcp().socket().native_handle());
                if (r == ws_frame_writer::result::sent || r == ws_frame_writer::result::partial) {
                    if (r == ws_frame_writer::result::partial) {
                        // The kernel took part of the batch: the rest, before anything else.
                        writing_ = true;
                        write_started_ = std::chrono::steady_clock::now();
                        auto [ec, n] = co_await asio::async_write(ws_.tcp().socket(),
                                                                  asio::buffer(raw.remaining()), as_tuple);
                        writing_ = false;
                        if (ec) {
                            teardown();
                            co_return;
                        }
                    }
                    ctx_.counters.frames_out.fetch_add(j - i, std::memory_order_relaxed);
                    i = j;
                    continue;
                }
                // would_block or an error: Beast writes these frames (and reports the error).
            }
            auto& e = batch[i++];
            beast::error_code ec;
            writing_ = true;
            write_started_ = std::chrono::steady_clock::now();
            switch (e.what) {
            case outbox::entry::kind::audio: {
                std::tie(ec, std::ignore) =
                    co_await ws_.write(asio::buffer(e.frame.bytes.get(), e.frame.size), false);
                if (!ec)
                    ctx_.counters.frames_out.fetch_add(1, std::memory_order_relaxed);
                break;
            }
            case outbox::entry::kind::resync:
                ++ctx_.counters.listener_resyncs;
                e.text = std::make_shared<const std::string>(protocol::serialize(
                    protocol::resync{ctx_.bus.channel_id(e.channel), e.dropped}));
                [[fallthrough]];
            case outbox::entry::kind::text:
                std::tie(ec, std::ignore) = co_await ws_.write(asio::buffer(*e.text), true);
                break;
            case outbox::entry::kind::close:
                std::tie(ec) = co_await ws_.close(
                    websocket::close_reason(static_cast<websocket::close_code>(e.channel), *e.text));
                writing_ = false;
                co_return;  // the reader sees the peer's reply (or the timeout) and ends
            }
            writing_ = false;
            if (ec) {
                teardown();
                co_return;
            }
        }
    }
}

asio::awaitable<void> ws_session::watchdog() {
    const auto stall = std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms);
    const auto period = std::max<std::chrono::milliseconds>(stall / 4, std::chrono::milliseconds(50));
    while (!done_) {
        watchdog_timer_.expires_after(period);
        auto [ec] = co_await watchdog_timer_.async_wait(as_tuple);
        if (ec || done_)
            co_return;
        const bool pending_too_long =
            writing_ && std::chrono::steady_clock::now() - write_started_ > stall;
        if (pending_too_long || stalled_) {
            ++ctx_.counters.listeners_stalled;
            log_->warn("session {}: closed with 4005 stalled: not reading for over {} ms", id_,
                       ctx_.config.limits.stall_timeout_ms);
            teardown();
            co_return;
        }
    }
}

void ws_session::teardown() {
    if (done_)
        return;
    done_ = true;
    closing_ = true;
    wake_.cancel();
    watchdog_timer_.cancel();
    beast::error_code ec;
    ws_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    ws_.tcp().close();
}

void ws_session::after_push(const outbox::push_result& r) {
    if (r.dropped > 0)
        ctx_.counters.frames_dropped.fetch_add(r.dropped, std::memory_order_relaxed);
    if (r.overflow)
        stalled_ = true;
    if (r.wake)
        wake();
}

void ws_session::set_send_buffer(int bytes) {
    if (bytes <= 0)
        return;
    boost::system::error_code ec;
    ws_.tcp().socket().set_option(asio::socket_base::send_buffer_size(bytes), ec);
}

void ws_session::wake() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
}

void ws_session::send(const protocol::control_message& message) {
    send_text(std::make_shared<const std::string>(protocol::serialize(message)));
}

void ws_session::send_text(std::shared_ptr<const std::string> text) {
    after_push(outbox_.push_text(std::move(text)));
}

void ws_session::queue_audio(const frame_ref& frame) { after_push(outbox_.push_audio(frame)); }

void ws_session::close(std::uint16_t code, std::string reason) {
    log_->info("session {}: closing with {} {}", id_, code, reason);
    closing_ = true;
    if (reason.size() > 123)  // the most a close frame can carry
        reason.resize(123);
    after_push(outbox_.push_close(code, std::move(reason)));
}

void ws_session::close_going_away() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
        if (!self->closing_)
            self->close(close_code::going_away, "server shutting down");
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

}  // namespace tolk::server
