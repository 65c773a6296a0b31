#include "server/icecast/stream_listener.hpp"

#include "protocol/audio_frame.hpp"
#include "server/event_bus.hpp"
#include "server/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace tolk::server::icecast {

namespace asio = boost::asio;
namespace beast = boost::beast;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

stream_listener::stream_listener(any_stream&& stream, connection_slot slot, server_context& ctx,
                                 std::uint16_t channel, std::string head, codec::ogg_opus_tags tags)
    : stream_(std::move(stream)),
      executor_(std::visit([](auto& s) { return beast::get_lowest_layer(s).get_executor(); }, stream_)),
      slot_(std::move(slot)),
      ctx_(ctx),
      log_(log("icecast")),
      channel_(channel),
      head_(std::move(head)),
      outbox_(ctx.bus.channel_count(), static_cast<std::uint32_t>(ctx.config.limits.listener_queue_ms) * 48),
      pager_(std::move(tags), static_cast<std::uint32_t>(now_us())),
      watchdog_(executor_) {}

stream_listener::~stream_listener() {
    if (id_ != 0)
        ctx_.sessions.remove(id_);
}

beast::tcp_stream& stream_listener::tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream_);
}

void stream_listener::start() {
    id_ = ctx_.sessions.add(weak_from_this());
    ++ctx_.counters.stream_listeners;
    if (const int bytes = ctx_.config.limits.listener_send_buffer; bytes > 0) {
        boost::system::error_code ec;
        tcp().socket().set_option(asio::socket_base::send_buffer_size(bytes), ec);
    }
    tcp().expires_never();
    ctx_.bus.subscribe(channel_, shared_from_this());
    log_->info("HTTP listener {} on channel {}", id_, ctx_.bus.channel_id(channel_));
    asio::co_spawn(executor_, [self = shared_from_this()] { return self->read_loop(); },
                   log_exception(log_, "HTTP listener reader"));
    wake();  // writes the response head; then the writer idles until audio comes
}

void stream_listener::deliver(const frame_ref& frame) {
    if (done_)
        return;
    const auto r = outbox_.push_audio(frame);
    if (r.dropped > 0)
        ctx_.counters.frames_dropped.fetch_add(r.dropped, std::memory_order_relaxed);
    if (r.wake)
        wake();
}

void stream_listener::request_close(std::uint16_t, std::string) {
    asio::post(executor_, [self = shared_from_this()] { self->teardown(); });
}

void stream_listener::wake() {
    if (running_ || done_)
        return;
    running_ = true;
    asio::co_spawn(executor_, [self = shared_from_this()] { return self->write_loop(); },
                   log_exception(log_, "HTTP listener writer"));
}

std::uint64_t stream_listener::encode(std::vector<outbox::entry>& batch) {
    std::uint64_t audio = 0;
    for (const auto& e : batch) {
        if (const auto* a = std::get_if<outbox::audio>(&e)) {
            const auto parsed = protocol::parse_audio_frame(a->frame.view());
            if (!parsed)
                continue;  // the booth's frames were checked on the way in
            pager_.packet(parsed->opus, static_cast<int>(a->frame.samples),
                          parsed->header.has(protocol::frame_flag::discontinuity), out_);
            ++audio;
        } else if (std::holds_alternative<outbox::resync>(e)) {
            ++ctx_.counters.listener_resyncs;  // the player hears a skip to the live edge
        }
    }
    return audio;
}

// Runs while there is something to write; take() finding nothing parks it (the next push wakes it).
asio::awaitable<void> stream_listener::write_loop() {
    std::vector<outbox::entry> batch;
    std::uint64_t audio = 0;
    out_.assign(head_.begin(), head_.end());
    head_.clear();
    while (!done_) {
        if (out_.empty()) {
            if (!outbox_.take(batch))
                break;
            audio = encode(batch);
            if (out_.empty())
                continue;
        }
        writing_ = true;
        write_started_ = std::chrono::steady_clock::now();
        if (!watchdog_armed_)
            arm_watchdog(std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms));
        auto [ec, n] = co_await std::visit(
            [&](auto& s) { return asio::async_write(s, asio::buffer(out_), as_tuple); }, stream_);
        writing_ = false;
        out_.clear();
        if (ec) {
            teardown();
            break;
        }
        frames_ += audio;
        ctx_.counters.frames_out.fetch_add(audio, std::memory_order_relaxed);
        audio = 0;
    }
    running_ = false;
}

// Players send nothing after their request: this only notices them going away.
asio::awaitable<void> stream_listener::read_loop() {
    char sink[512];
    for (;;) {
        auto [ec, n] = co_await std::visit(
            [&](auto& s) { return s.async_read_some(asio::buffer(sink), as_tuple); }, stream_);
        if (ec)
            break;
    }
    teardown();
}

void stream_listener::arm_watchdog(std::chrono::steady_clock::duration after) {
    watchdog_armed_ = true;
    watchdog_.expires_after(after);
    watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        self->watchdog_armed_ = false;
        if (!ec)
            self->check_stall();
    });
}

void stream_listener::check_stall() {
    if (done_ || !writing_)
        return;
    const auto stall = std::chrono::milliseconds(ctx_.config.limits.stall_timeout_ms);
    const auto pending = std::chrono::steady_clock::now() - write_started_;
    if (pending < stall) {
        arm_watchdog(stall - pending);
        return;
    }
    ++ctx_.counters.listeners_stalled;
    log_->warn("HTTP listener {} on channel {} closed: not reading for over {} ms", id_,
               ctx_.bus.channel_id(channel_), ctx_.config.limits.stall_timeout_ms);
    teardown();
}

void stream_listener::teardown() {
    if (done_)
        return;
    done_ = true;
    ctx_.bus.unsubscribe(channel_, this);
    watchdog_.cancel();
    boost::system::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
    log_->info("HTTP listener {} on channel {} left after {} frames", id_, ctx_.bus.channel_id(channel_), frames_);
}

}  // namespace tolk::server::icecast
