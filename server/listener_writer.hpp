#pragma once
// The one writer of a listener's socket. Everything the server sends a listener (audio, text,
// resync markers, pongs, the close frame) goes through here, in order, and only here are
// frames_out counted.
//
// Two framings, chosen at construction: WebSocket (listener_session: audio as binary messages,
// text, pings, pongs, the close frame) or bytes (icecast::stream_listener, an HTTP response body:
// audio frames and text() payloads written as they are, resync markers only counted; nothing
// else is queued there).
//
// Two paths, chosen at open() for the connection's life:
// - plain TCP: our own framing (ws_frame_writer) written straight to the socket. Beast wrote the
//   handshake and never writes again: the listener's reader is our own too (ws_frame_reader)
//   and hands pings and closes here, so no other byte can land inside one of ours.
// - TLS: through Beast (the encryption is Beast's), which also answers pings itself; Beast
//   orders its own writes, so nothing interleaves there either. Bytes mode: one async_write
//   per entry on the TLS stream.
//
// Threading: the listener lives on one I/O shard (an io_context with one thread); deliver(),
// pong(), close() and stop() run there. text() may be called from any thread (the hub's
// notify): it queues and posts a wake-up. The outbox has its own mutex.
//
// The write coroutine exists only while there is something to write: started when a push finds
// it idle, ended when the outbox is empty. Audio to an idle writer is not even queued: deliver()
// writes it at once. The stall watchdog is armed only while a write is pending and closes a
// listener whose write has been pending longer than the stall timeout.

#include "server/outbox.hpp"
#include "server/server_context.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tolk::server {

class ws_frame_writer;

class listener_writer {
public:
    listener_writer(ws_stream& ws, server_context& ctx, std::shared_ptr<spdlog::logger> log,
                    std::size_t audio_channels);
    // Bytes mode, on an HTTP connection whose response this writer writes.
    listener_writer(any_stream& stream, server_context& ctx, std::shared_ptr<spdlog::logger> log,
                    std::size_t audio_channels);

    // After the handshake: `owner` is kept alive by the coroutines and timers; `failed` ends the
    // connection (called when a write fails, stalls, or a close handshake is over).
    void open(std::shared_ptr<void> owner, std::uint64_t session, std::function<void()> failed);
    bool raw() const { return raw_fd_ >= 0; }

    void deliver(const frame_ref& frame);                      // on the shard
    // Any thread. Bytes mode: bytes that are never dropped (a response head, stream headers).
    void text(std::shared_ptr<const std::string> message);
    void pong(std::span<const std::uint8_t> payload);          // on the shard; plain TCP only
    void ping();                                               // on the shard; plain TCP only
    // On the shard: a close after what is queued; nothing is written after it. Plain TCP: the
    // connection ends when the peer's close has come too, or a close timeout after ours.
    void close(std::uint16_t code, std::string reason);
    void peer_closed();  // on the shard; plain TCP: the peer sent its close frame
    void stop();  // on the shard: the connection is over

private:
    listener_writer(ws_stream* ws, any_stream* bytes, boost::beast::tcp_stream& tcp, server_context& ctx,
                    std::shared_ptr<spdlog::logger> log, std::size_t audio_channels);
    bool secure() const;
    bool add_audio(ws_frame_writer& w, const frame_ref& frame) const;
    boost::asio::awaitable<void> write_loop();
    boost::asio::awaitable<bool> write_raw(std::vector<outbox::entry>& batch);
    boost::asio::awaitable<bool> write_beast(std::vector<outbox::entry>& batch);
    boost::asio::awaitable<bool> write_tls_bytes(std::vector<outbox::entry>& batch);
    boost::asio::awaitable<bool> flush_pending();
    // Adds entries from batch[i] on to w while they fit; returns how far it got.
    std::size_t encode(ws_frame_writer& w, std::vector<outbox::entry>& batch, std::size_t i,
                       std::uint64_t& audio);
    void after_close_written();
    std::shared_ptr<const std::string> resync_text(const outbox::resync& r);
    void after_push(const outbox::push_result& r);  // any thread
    void start();  // on the shard: unless running
    void write_started();
    void arm_watchdog(std::chrono::steady_clock::duration after);
    void check_stall();
    void fail();

    ws_stream* ws_;       // WebSocket framing; null in bytes mode
    any_stream* bytes_;   // bytes mode: the HTTP connection; null for a WebSocket
    boost::beast::tcp_stream& tcp_;
    server_context& ctx_;
    std::shared_ptr<spdlog::logger> log_;
    outbox outbox_;
    boost::asio::steady_timer watchdog_timer_;
    std::weak_ptr<void> owner_;
    std::function<void()> failed_;
    std::uint64_t session_ = 0;
    int raw_fd_ = -1;                  // plain TCP: the socket; TLS: -1
    std::vector<std::uint8_t> pending_;  // plain TCP: bytes owed before anything else
    std::array<std::uint8_t, 125> close_payload_{};
    bool open_ = false;
    bool done_ = false;
    bool running_ = false;
    bool close_queued_ = false;
    bool close_sent_ = false;
    bool peer_closed_ = false;
    bool watchdog_armed_ = false;
    bool writing_ = false;  // a write is pending (write_started_ says since when)
    std::chrono::steady_clock::time_point write_started_;
    std::atomic<bool> stalled_{false};
};

}  // namespace tolk::server
