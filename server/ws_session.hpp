#pragma once
// The common half of booth and listener WebSocket sessions: the handshake, the reader, and
// text sends. Nothing listener-specific: a listener's writes go through its listener_writer.
//
// Ownership: a session owns itself (shared_from_this held by its coroutines and handlers); the
// registry and the hub hold weak_ptrs. Concurrency: a session runs on one I/O shard (an
// io_context with one thread); every member below is touched only on that thread.
// One reader coroutine for the session's life (Beast's reader here; a plain-TCP listener reads
// with its own, see listener_session). The booth's text writer exists only while there is
// something to write.

#include "protocol/close_code.hpp"
#include "protocol/control_message.hpp"
#include "server/server_context.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include <deque>
#include <memory>
#include <span>
#include <string>

namespace tolk::server {

namespace close_code = protocol::close_code;

class ws_session : public closable, public std::enable_shared_from_this<ws_session> {
public:
    // link_timeout (0: none): a peer from which nothing arrives for this long is lost and the
    // session ends; the server pings it halfway through, so a live but quiet peer answers (booths:
    // a dead booth goes off air). Listeners have none: a dead listener's writes stall and its
    // watchdog closes it.
    ws_session(any_stream&& stream, http_request request, connection_slot slot,
               server_context& ctx, const char* kind, std::chrono::milliseconds link_timeout);
    ~ws_session() override;

    void start();
    void request_close(std::uint16_t code, std::string reason) override;

protected:
    // All on the shard. on_closed runs once, after the reader has ended.
    virtual void on_open() = 0;
    virtual void on_text(std::string_view text, std::int64_t received_us) = 0;
    virtual void on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) = 0;
    virtual void on_closed() = 0;
    // The reader: reads messages until the connection ends. Beast's by default.
    virtual boost::asio::awaitable<void> receive();
    // Where text and the close go: by default a small queue written through Beast (booths).
    virtual void queue_text(std::shared_ptr<const std::string> text);
    virtual void queue_close(std::uint16_t code, std::string reason);
    virtual void on_teardown() {}
    // Another part of the server closes this session (request_close), just before the close.
    virtual void on_close_requested(std::uint16_t /*code*/) {}

    void send(const protocol::control_message& message);
    // Queue a close after what is already queued, and ignore further input.
    void close(std::uint16_t code, std::string reason);
    // A malformed control message: answer with an error, close after too many.
    void protocol_error(std::string reason);
    // A hello: false (and the session closes with the reason) unless its version is ours.
    bool accept_hello(const protocol::hello& hello);
    // The first message of every connection; the caller adds what is role-specific.
    protocol::welcome make_welcome(std::string role) const;
    void received(bool text, std::span<const std::uint8_t> data, std::int64_t received_us);
    void mark_closing() { closing_ = true; }
    bool closing() const { return closing_; }
    // The reader ended because nothing arrived within the link timeout.
    bool link_lost() const { return link_lost_; }
    bool done() const { return done_; }
    void teardown();  // ends the connection at once
    boost::asio::any_io_executor executor() const;
    const http_request& request() const { return request_; }
    std::uint64_t id() const { return id_; }

    server_context& ctx_;
    std::shared_ptr<spdlog::logger> log_;
    ws_stream ws_;

private:
    boost::asio::awaitable<void> run();  // handshake, then starts the reader
    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> text_write_loop();
    void start_text_writer();

    struct outgoing {
        std::shared_ptr<const std::string> text;  // the message, or the close reason
        std::uint16_t close = 0;                  // non-zero: a close with this code
    };

    http_request request_;
    connection_slot slot_;
    std::chrono::milliseconds link_timeout_;
    std::deque<outgoing> texts_;  // the default text queue (booths)
    std::uint64_t id_ = 0;
    int protocol_errors_ = 0;
    bool open_ = false;     // the handshake is done
    bool closing_ = false;  // a close is queued: ignore further input
    bool done_ = false;     // the connection is over
    bool link_lost_ = false;
    bool text_writer_running_ = false;
};

}  // namespace tolk::server
