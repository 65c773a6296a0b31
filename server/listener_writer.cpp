#include "server/listener_writer.hpp"
#include "server/as_tuple.hpp"

#include "server/log.hpp"
#include "server/ws_frame_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

namespace tolk::server {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

namespace {
// The raw-write scratch space (headers and iovecs, ~1 KiB) is per thread, not per listener:
// it is filled and sent without a suspension in between.
ws_frame_writer& scratch() {
    thread_local ws_frame_writer writer;
    writer.clear();
    return writer;
}
}  // namespace

listener_writer::listener_writer(ws_stream& ws, server_context& ctx,
                                 std::shared_ptr<spdlog::logger> log, std::size_t audio_channels)
    : listener_writer(&ws, nullptr, ws.tcp(), ctx, std::move(log), audio_channels) {}

listener_writer::listener_writer(any_stream& stream, server_context& ctx,
                                 std::shared_ptr<spdlog::logger> log, std::size_t audio_channels)
    : listener_writer(nullptr, &stream,
                      std::visit([](auto& s) -> boost::beast::tcp_stream& { return boost::beast::get_lowest_layer(s); },
                                 stream),
                      ctx, std::move(log), audio_channels) {}

listener_writer::listener_writer(ws_stream* ws, any_stream* bytes, boost::beast::tcp_stream& tcp,
                                 server_context& ctx, std::shared_ptr<spdlog::logger> log,
                                 std::size_t audio_channels)
    : ws_(ws),
      bytes_(bytes),
      tcp_(tcp),
      ctx_(ctx),
      log_(std::move(log)),
      outbox_(audio_channels, static_cast<std::uint32_t>(ctx.config.limits.listener_queue_ms) * 48),
      watchdog_timer_(tcp.get_executor()) {}

bool listener_writer::secure() const {
    return ws_ ? ws_->secure() : bytes_->index() == 1;
}

bool listener_writer::add_audio(ws_frame_writer& w, const frame_ref& frame) const {
    return ws_ ? w.add(frame) : w.add_bytes(frame.view());
}

void listener_writer::open(std::shared_ptr<void> owner, std::uint64_t session,
                           std::function<void()> failed) {
    owner_ = owner;
    session_ = session;
    failed_ = std::move(failed);
    if (!secure())
        raw_fd_ = tcp_.socket().native_handle();
    open_ = true;
    start();
}

void listener_writer::deliver(const frame_ref& frame) {
    if (done_ || close_queued_)
        return;
    if (open_ && raw() && pending_.empty() && outbox_.writer_idle()) {
        // Nothing queued and no write in flight: straight to the socket, no queue, no wake-up.
        auto& w = scratch();
        add_audio(w, frame);
        const auto r = w.send(raw_fd_);
        if (r == ws_frame_writer::result::error) {
            fail();
            return;
        }
        if (r != ws_frame_writer::result::would_block) {
            ctx_.counters.frames_out.fetch_add(1, std::memory_order_relaxed);
            if (r == ws_frame_writer::result::partial) {
                pending_ = w.remaining();
                start();  // it finishes the frame before anything else
            }
            return;
        }
        // The socket is full: queue it (bounded, dropping at the live edge) for the writer.
    }
    after_push(outbox_.push_audio(frame));
}

void listener_writer::text(std::shared_ptr<const std::string> message) {
    after_push(outbox_.push_text(std::move(message)));
}

void listener_writer::ping() {
    if (open_ && !done_ && raw())
        after_push(outbox_.push_ping("tolk"));
}

void listener_writer::pong(std::span<const std::uint8_t> payload) {
    if (!close_queued_)
        after_push(outbox_.push_pong(std::string(payload.begin(), payload.end())));
}

void listener_writer::close(std::uint16_t code, std::string reason) {
    if (close_queued_)
        return;
    close_queued_ = true;
    if (reason.size() > 123)  // the most a close frame can carry
        reason.resize(123);
    after_push(outbox_.push_close(code, std::move(reason)));
}

void listener_writer::peer_closed() {
    peer_closed_ = true;
    if (close_sent_)
        fail();  // the close handshake is complete: the server closes the connection
}

void listener_writer::stop() {
    done_ = true;
    watchdog_timer_.cancel();
}

void listener_writer::fail() {
    if (!done_ && failed_)
        failed_();
}

void listener_writer::after_push(const outbox::push_result& r) {
    if (r.dropped > 0)
        ctx_.counters.frames_dropped.fetch_add(r.dropped, std::memory_order_relaxed);
    if (!r.overflow && !r.wake)
        return;
    auto owner = owner_.lock();
    if (!owner)
        return;  // not open yet (open() starts the writer) or already gone
    if (r.overflow && !stalled_.exchange(true))
        asio::post(tcp_.get_executor(), [this, owner] { check_stall(); });
    if (r.wake)
        asio::post(tcp_.get_executor(), [this, owner] { start(); });
}

void listener_writer::start() {
    if (!open_ || done_ || running_ || close_sent_)
        return;
    auto owner = owner_.lock();
    if (!owner)
        return;
    running_ = true;
    asio::co_spawn(tcp_.get_executor(), [this, owner]() { return write_loop(); },
                   log_exception(log_, "writer"));
}

// Runs until the outbox is empty, the connection is over or the close is written. take()
// finding nothing marks the writer idle, so the next push asks for a new writer; nothing runs
// between that and the end.
asio::awaitable<void> listener_writer::write_loop() {
    std::vector<outbox::entry> batch;
    while (!done_ && !close_sent_) {
        if (!pending_.empty()) {
            if (!co_await flush_pending())
                break;
            continue;
        }
        if (!outbox_.take(batch))
            break;
        // Not `co_await (raw() ? a : b)`: GCC 12 destroys the chosen awaitable twice (a double
        // free of its coroutine frame, found by the ping hammer under valgrind).
        bool ok = false;
        if (raw())
            ok = co_await write_raw(batch);
        else if (ws_)
            ok = co_await write_beast(batch);
        else
            ok = co_await write_tls_bytes(batch);
        if (!ok)
            break;
    }
    running_ = false;
}

std::size_t listener_writer::encode(ws_frame_writer& w, std::vector<outbox::entry>& batch,
                                    std::size_t i, std::uint64_t& audio) {
    using op = ws_frame_writer::opcode;
    for (; i < batch.size(); ++i) {
        auto& e = batch[i];
        if (const auto* m = std::get_if<outbox::resync>(&e)) {
            if (!ws_) {  // bytes: the listener just hears the skip
                ++ctx_.counters.listener_resyncs;
                continue;
            }
            e = outbox::text{resync_text(*m)};  // kept in the batch while the writer points at it
        }
        bool added = false;
        if (const auto* a = std::get_if<outbox::audio>(&e)) {
            added = add_audio(w, a->frame);
            audio += added ? 1 : 0;
        } else if (const auto* t = std::get_if<outbox::text>(&e)) {
            const auto& m = *t->message;
            added = ws_ ? w.add(op::text, m)
                        : w.add_bytes({reinterpret_cast<const std::uint8_t*>(m.data()), m.size()});
        } else if (const auto* p = std::get_if<outbox::pong>(&e)) {
            added = w.add(op::pong, p->payload);
        } else if (const auto* q = std::get_if<outbox::ping>(&e)) {
            added = w.add(op::ping, q->payload);
        } else if (const auto* c = std::get_if<outbox::close>(&e)) {
            std::size_t size = 0;
            if (c->code != 0 && c->code != 1005) {  // 1005: the peer gave none; answer with none
                close_payload_[0] = static_cast<std::uint8_t>(c->code >> 8);
                close_payload_[1] = static_cast<std::uint8_t>(c->code);
                size = 2 + std::min<std::size_t>(c->reason.size(), close_payload_.size() - 2);
                std::copy_n(c->reason.begin(), size - 2, close_payload_.begin() + 2);
            }
            if (w.add(op::close, std::span<const std::uint8_t>(close_payload_.data(), size)))
                return i + 1;  // nothing after a close
        }
        if (!added)
            break;
    }
    return i;
}

// Plain TCP: runs of entries, each run in one sendmsg; what the kernel does not take is owed
// (pending_) and written before anything else.
asio::awaitable<bool> listener_writer::write_raw(std::vector<outbox::entry>& batch) {
    for (std::size_t i = 0; i < batch.size() && !done_;) {
        auto& w = scratch();
        std::uint64_t audio = 0;
        const std::size_t end = encode(w, batch, i, audio);
        const bool closes = std::holds_alternative<outbox::close>(batch[end - 1]);
        const auto r = w.send(raw_fd_);
        if (r == ws_frame_writer::result::error) {
            fail();
            co_return false;
        }
        if (r == ws_frame_writer::result::would_block)
            w.keep_all();
        if (r != ws_frame_writer::result::sent)
            pending_ = w.remaining();
        ctx_.counters.frames_out.fetch_add(audio, std::memory_order_relaxed);
        i = end;
        if (!pending_.empty() && !co_await flush_pending())
            co_return false;
        if (closes) {
            after_close_written();
            co_return false;
        }
    }
    co_return true;
}

asio::awaitable<bool> listener_writer::flush_pending() {
    write_started();
    auto [ec, n] = co_await asio::async_write(tcp_.socket(), asio::buffer(pending_), as_tuple);
    writing_ = false;
    pending_.clear();
    if (ec)
        fail();
    co_return !ec;
}

void listener_writer::after_close_written() {
    close_sent_ = true;
    if (peer_closed_)
        fail();  // the peer closed first: the handshake is complete
    else if (!watchdog_armed_)
        arm_watchdog(std::chrono::seconds(5));  // the peer has this long to answer (as Beast)
}

// TLS: one Beast write per entry (Beast answers the peer's pings itself, in order with these).
asio::awaitable<bool> listener_writer::write_beast(std::vector<outbox::entry>& batch) {
    for (auto& e : batch) {
        if (done_)
            co_return false;
        boost::beast::error_code ec;
        write_started();
        if (const auto* m = std::get_if<outbox::resync>(&e))
            e = outbox::text{resync_text(*m)};
        if (const auto* a = std::get_if<outbox::audio>(&e)) {
            std::tie(ec, std::ignore) =
                co_await ws_->write(asio::buffer(a->frame.bytes.get(), a->frame.size), false);
            if (!ec)
                ctx_.counters.frames_out.fetch_add(1, std::memory_order_relaxed);
        } else if (const auto* t = std::get_if<outbox::text>(&e)) {
            std::tie(ec, std::ignore) = co_await ws_->write(asio::buffer(*t->message), true);
        } else if (const auto* c = std::get_if<outbox::close>(&e)) {
            // Beast completes the handshake: the reader sees the peer's reply (or the timeout).
            co_await ws_->close(websocket::close_reason(static_cast<websocket::close_code>(c->code), c->reason));
            writing_ = false;
            close_sent_ = true;
            co_return false;
        }  // (no pong or ping entries: only plain-TCP listeners queue them)
        writing_ = false;
        if (ec) {
            fail();
            co_return false;
        }
    }
    co_return true;
}

// Bytes mode over TLS: one write per entry (no other writer on the stream).
asio::awaitable<bool> listener_writer::write_tls_bytes(std::vector<outbox::entry>& batch) {
    auto& tls = std::get<tls_stream>(*bytes_);
    for (auto& e : batch) {
        if (done_)
            co_return false;
        asio::const_buffer data;
        const auto* a = std::get_if<outbox::audio>(&e);
        if (a)
            data = asio::buffer(a->frame.bytes.get(), a->frame.size);
        else if (const auto* t = std::get_if<outbox::text>(&e))
            data = asio::buffer(*t->message);
        else if (std::holds_alternative<outbox::resync>(e))
            ++ctx_.counters.listener_resyncs;
        if (data.size() == 0)
            continue;
        write_started();
        auto [ec, n] = co_await asio::async_write(tls, data, as_tuple);
        writing_ = false;
        if (ec) {
            fail();
            co_return false;
        }
        if (a)
            ctx_.counters.frames_out.fetch_add(1, std::memory_order_relaxed);
    }
    co_return true;
}

std::shared_ptr<const std::string> listener_writer::resync_text(const outbox::resync& r) {
    ++ctx_.counters.listener_resyncs;
    return std::make_shared<const std::string>(
        protocol::serialize(protocol::resync{ctx_.bus.channel_id(r.channel), r.dropped}));
}

void listener_writer::write_started() {
    writing_ = true;
    write_started_ = std::chrono::steady_clock::now();
    if (!watchdog_armed_)
        arm_watchdog(std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms));
}

void listener_writer::arm_watchdog(std::chrono::steady_clock::duration after) {
    auto owner = owner_.lock();
    if (!owner)
        return;
    watchdog_armed_ = true;
    watchdog_timer_.expires_after(after);
    watchdog_timer_.async_wait([this, owner](const boost::system::error_code& ec) {
        watchdog_armed_ = false;
        if (!ec)
            check_stall();
    });
}

// The watchdog fired, or the control backlog overflowed (stalled_).
void listener_writer::check_stall() {
    if (done_)
        return;
    if (close_sent_ && raw() && !writing_) {
        log_->debug("session {}: no answer to our close: connection closed", session_);
        fail();
        return;
    }
    const auto stall = std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms);
    const auto pending = std::chrono::steady_clock::now() - write_started_;
    if (stalled_ || (writing_ && pending > stall)) {
        ++ctx_.counters.listeners_stalled;
        log_->warn("session {}: closed with 4005 stalled: not reading for over {} ms", session_,
                   ctx_.config.limits.stall_timeout_ms);
        fail();
    } else if (writing_) {  // a later write is pending: watch it for the rest of its time
        arm_watchdog(stall - pending);
    }
}

}  // namespace tolk::server
