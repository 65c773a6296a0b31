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
    open_ = true;
    // Raw audio writes for listeners on plain TCP (booths get no audio, and Beast pings them).
    if (receives_audio_ && !ws_.secure()) {
        raw_fd_ = ws_.tcp().socket().native_handle();
        ws_.on_control_frame([this](websocket::frame_type kind) {  // within the reader: `this` lives
            if (kind != websocket::frame_type::pong)
                control_received_ = std::chrono::steady_clock::now();
        });
    }
    on_open();
    http_request().swap(request_);  // the handshake's headers are not needed any more
    start_writer();
    // The reader is a coroutine of its own, so this one's (larger) frame is freed now.
    asio::co_spawn(ws_.get_executor(), [self = shared_from_this()] { return self->read_loop(); },
                   log_exception(log_, "reader"));
}

asio::awaitable<void> ws_session::read_loop() {
    // (Reading in small pieces with read_some would keep the buffer a waiting read holds
    // smaller than Beast's 1.5 KiB first allocation, but races with Beast's close handshake:
    // a close could hang until the stall watchdog. Whole messages it is.)
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
            break;
        }
        const auto received = now_us();
        const auto size = buffer.size();
        if (!closing_) {
            const auto* data = static_cast<const std::uint8_t*>(buffer.data().data());
            if (ws_.got_text())
                on_text({reinterpret_cast<const char*>(data), size}, received);
            else
                on_binary({data, size}, received);
        }
        buffer.consume(size);
        if (buffer.capacity() > 4096)
            buffer.shrink_to_fit();  // a large message once: do not keep its room for life
    }
    teardown();
    on_closed();
}

namespace {
// The raw-write scratch space (headers and iovecs, ~1 KiB) is per thread, not per session:
// it is filled and sent without a suspension in between.
ws_frame_writer& raw_writer() {
    thread_local ws_frame_writer writer;
    writer.clear();
    return writer;
}
}  // namespace

bool ws_session::beast_may_be_writing() const {
    return control_received_.time_since_epoch().count() != 0 &&
           std::chrono::steady_clock::now() - control_received_ <
               std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms);
}

bool ws_session::deliver_audio(const frame_ref& frame) {
    if (!done_ && raw_fd_ >= 0 && raw_pending_.empty() && outbox_.writer_idle()) {
        // Nothing queued and no write of ours in flight: straight to the socket, no queue, no
        // wake-up. Beast writes on its own only to answer a ping or close: if the peer sent one
        // lately (or its answer could still be pending), the kernel is asked first.
        auto& raw = raw_writer();
        raw.add(frame);
        const auto r = raw.send(raw_fd_, beast_may_be_writing());
        if (r == ws_frame_writer::result::sent)
            return true;
        if (r == ws_frame_writer::result::partial) {
            raw_pending_ = raw.remaining();
            start_writer();  // it finishes the frame before anything else
            return true;
        }
        // would_block or an error: the writer (Beast) writes it, or reports the error.
    }
    const auto r = outbox_.push_audio(frame);
    if (r.dropped > 0)
        ctx_.counters.frames_dropped.fetch_add(r.dropped, std::memory_order_relaxed);
    if (r.wake)
        start_writer();
    return false;
}

asio::any_io_executor ws_session::executor() const {
    return const_cast<ws_stream&>(ws_).get_executor();
}

asio::awaitable<bool> ws_session::finish_raw() {
    write_started();
    auto [ec, n] = co_await asio::async_write(ws_.tcp().socket(), asio::buffer(raw_pending_), as_tuple);
    writing_ = false;
    raw_pending_.clear();
    if (ec)
        teardown();
    co_return !ec;
}

void ws_session::start_writer() {
    if (!open_ || done_ || writer_running_)
        return;
    writer_running_ = true;
    asio::co_spawn(ws_.get_executor(), [self = shared_from_this()] { return self->write_loop(); },
                   log_exception(log_, "writer"));
}

// Runs until the outbox is empty (or the connection is over). take() finding nothing marks the
// writer idle, so the next push asks for a new writer; nothing runs between that and the end.
asio::awaitable<void> ws_session::write_loop() {
    std::vector<outbox::entry> batch;
    for (;;) {
        if (done_)
            break;
        if (!raw_pending_.empty()) {
            if (!co_await finish_raw())
                break;
            continue;
        }
        if (!outbox_.take(batch))
            break;
        for (std::size_t i = 0; i < batch.size();) {
            if (done_)
                break;
            // Fast path (plain TCP): a run of audio frames in one raw sendmsg.
            if (raw_fd_ >= 0 && batch[i].what == outbox::entry::kind::audio) {
                auto& raw = raw_writer();
                std::size_t j = i;
                while (j < batch.size() && batch[j].what == outbox::entry::kind::audio && raw.add(batch[j].frame))
                    ++j;
                const auto r = raw.send(raw_fd_, beast_may_be_writing());
                if (r == ws_frame_writer::result::sent || r == ws_frame_writer::result::partial) {
                    ctx_.counters.frames_out.fetch_add(j - i, std::memory_order_relaxed);
                    i = j;
                    if (r == ws_frame_writer::result::partial) {
                        // The kernel took part of the batch: the rest, before anything else.
                        raw_pending_ = raw.remaining();
                        if (!co_await finish_raw())
                            break;
                    }
                    continue;
                }
                // would_block or an error: Beast writes these frames (and reports the error).
            }
            auto& e = batch[i++];
            beast::error_code ec;
            write_started();
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
                // With a control callback set, Beast's read defers itself on the peer's close
                // reply and can then hang with our close (seen ~1% of closes): no callback
                // from here on. No audio goes out after a close anyway.
                ws_.on_control_frame(nullptr);
                std::tie(ec) = co_await ws_.close(
                    websocket::close_reason(static_cast<websocket::close_code>(e.channel), *e.text));
                writing_ = false;
                co_return;  // the reader sees the peer's reply (or the timeout) and ends;
                            // the writer stays "running" so that nothing is written after it
            }
            writing_ = false;
            if (ec) {
                teardown();
                break;
            }
        }
    }
    writer_running_ = false;
}

void ws_session::write_started() {
    writing_ = true;
    write_started_ = std::chrono::steady_clock::now();
    if (!watchdog_armed_)
        arm_watchdog(std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms));
}

void ws_session::arm_watchdog(std::chrono::steady_clock::duration after) {
    watchdog_armed_ = true;
    watchdog_timer_.expires_after(after);
    watchdog_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        self->watchdog_armed_ = false;
        if (!ec)
            self->check_stall();
    });
}

// The watchdog fired, or the control backlog overflowed (stalled_).
void ws_session::check_stall() {
    if (done_)
        return;
    const auto stall = std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms);
    const auto pending = std::chrono::steady_clock::now() - write_started_;
    if (stalled_ || (writing_ && pending > stall)) {
        ++ctx_.counters.listeners_stalled;
        log_->warn("session {}: closed with 4005 stalled: not reading for over {} ms", id_,
                   ctx_.config.limits.stall_timeout_ms);
        teardown();
    } else if (writing_) {  // a later write is pending: watch it for the rest of its time
        arm_watchdog(stall - pending);
    }
}

void ws_session::teardown() {
    if (done_)
        return;
    done_ = true;
    closing_ = true;
    watchdog_timer_.cancel();
    beast::error_code ec;
    ws_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    ws_.tcp().close();
}

void ws_session::after_push(const outbox::push_result& r) {
    if (r.dropped > 0)
        ctx_.counters.frames_dropped.fetch_add(r.dropped, std::memory_order_relaxed);
    if (r.overflow && !stalled_.exchange(true))
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->check_stall(); });
    if (r.wake)
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->start_writer(); });
}

void ws_session::set_send_buffer(int bytes) {
    if (bytes <= 0)
        return;
    boost::system::error_code ec;
    ws_.tcp().socket().set_option(asio::socket_base::send_buffer_size(bytes), ec);
}

void ws_session::send(const protocol::control_message& message) {
    send_text(std::make_shared<const std::string>(protocol::serialize(message)));
}

void ws_session::send_text(std::shared_ptr<const std::string> text) {
    after_push(outbox_.push_text(std::move(text)));
}

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
