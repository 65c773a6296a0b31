#pragma once
// The common half of booth and listener WebSocket sessions.
//
// Ownership: a session owns itself (shared_from_this held by its coroutine and handlers); the
// registry and the hub hold weak_ptrs. Concurrency: sessions run on one I/O shard (an
// io_context with one thread), so "the strand" is that thread; every member below is touched
// only on it, except outbox_ (its own mutex), stalled_ and close_going_away().
// One reader coroutine for the session's life. The writer coroutine exists only while there is
// something to write: it is started when a push finds it idle and ends when the outbox is
// empty, so an idle listener costs no coroutine frame and no timer wake-up (audio to an idle
// listener does not even queue: deliver_audio() writes it at once). A watchdog timer is armed
// only while a write is pending and closes a session whose write has been pending longer than
// the stall timeout.

#include "protocol/control_message.hpp"
#include "server/outbox.hpp"
#include "server/server_context.hpp"

#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <span>
#include <string>

namespace tolk::server {

// Application close codes (see protocol/PROTOCOL.md).
namespace close_code {
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t policy = 1008;
inline constexpr std::uint16_t protocol_error = 4000;
inline constexpr std::uint16_t channel_taken = 4001;
inline constexpr std::uint16_t unknown_channel = 4002;
inline constexpr std::uint16_t bad_frame = 4003;
inline constexpr std::uint16_t rate_limited = 4004;
inline constexpr std::uint16_t stalled = 4005;
}  // namespace close_code

class ws_session : public closable, public std::enable_shared_from_this<ws_session> {
public:
    ws_session(any_stream&& stream, http_request request, connection_slot slot,
               server_context& ctx, const char* kind, std::size_t audio_channels);
    ~ws_session() override;

    void start();
    void close_going_away() override;

protected:
    // All on the strand. on_closed runs once, after the reader has ended.
    virtual void on_open() = 0;
    virtual void on_text(std::string_view text, std::int64_t received_us) = 0;
    virtual void on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) = 0;
    virtual void on_closed() = 0;

    // Any thread.
    void send(const protocol::control_message& message);
    void send_text(std::shared_ptr<const std::string> text);
    // On the strand: writes the frame to the socket at once when the writer is idle and the
    // connection is plain TCP (true), else queues it for the writer (false).
    bool deliver_audio(const frame_ref& frame);
    boost::asio::any_io_executor executor() const;
    // On the strand: queue a close after what is already queued, and ignore further input.
    void close(std::uint16_t code, std::string reason);

    // A malformed control message: answer with an error, close after too many.
    void protocol_error(std::string reason);
    bool closing() const { return closing_; }
    void set_send_buffer(int bytes);
    const http_request& request() const { return request_; }
    std::uint64_t id() const { return id_; }

    server_context& ctx_;
    std::shared_ptr<spdlog::logger> log_;

private:
    boost::asio::awaitable<void> run();  // handshake, then starts the reader
    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> write_loop();
    // Writes raw_pending_ (the unsent rest of a raw batch); false when the connection failed.
    boost::asio::awaitable<bool> finish_raw();
    void start_writer();  // on the strand: unless running (or not open yet)
    void write_started();  // on the strand: a write is now pending (arms the watchdog)
    void arm_watchdog(std::chrono::steady_clock::duration after);
    void check_stall();
    bool beast_may_be_writing() const;
    void after_push(const outbox::push_result& r);  // any thread
    void teardown();

    ws_stream ws_;
    http_request request_;
    connection_slot slot_;
    bool receives_audio_;  // a listener (never pinged by the server; see run())
    outbox outbox_;
    boost::asio::steady_timer watchdog_timer_;
    std::uint64_t id_ = 0;
    int protocol_errors_ = 0;
    bool open_ = false;     // the handshake is done: the writer may run
    bool closing_ = false;  // a close is queued: ignore further input
    bool done_ = false;     // the connection is over
    bool writer_running_ = false;
    bool watchdog_armed_ = false;
    bool writing_ = false;  // a write is pending (write_started_ says since when)
    int raw_fd_ = -1;       // plain TCP: the socket, for raw writes; TLS: -1
    // When the peer last sent a ping or close, which Beast answers by itself: until a stall
    // timeout later, a raw write first asks the kernel whether an answer is part-way.
    std::chrono::steady_clock::time_point control_received_{};
    std::vector<std::uint8_t> raw_pending_;  // owed before anything else is written
    std::chrono::steady_clock::time_point write_started_;
    std::atomic<bool> stalled_{false};
};

}  // namespace tolk::server
