#pragma once
// One client WebSocket connection to a tolk server, kept up: connect (bounded by a timeout,
// TCP_NODELAY), handshake, send `hello`, then one reader and one writer coroutine plus a
// pinger that keeps a protocol::clock_sync estimate.  When the connection drops it asks its
// handler and reconnects with exponential backoff and jitter.
//
// Threading: everything runs on the strand given at construction; handler calls arrive there.
// The public send_*/stop/pause_reading functions may be called from any thread (they post).
// The connection owns itself while it runs (shared_from_this); its owner keeps a shared_ptr.

#include "clients/common/backoff.hpp"
#include "clients/common/connection_handler.hpp"
#include "clients/common/ws_url.hpp"
#include "protocol/clock_sync.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tolk::client {

struct connection_options {
    ws_url url;
    std::string target = "/";          // request target, e.g. url.endpoint("/ws/listen")
    std::string client_name = "tolk";  // sent in `hello`
    std::string token;                 // non-empty: sent as `Authorization: Bearer TOKEN`
    bool reconnect = true;
    backoff_options backoff;
    std::chrono::milliseconds connect_timeout{5000};  // TCP connect + WebSocket handshake
    std::chrono::milliseconds idle_timeout{20000};    // silent server: give up; 0: never
    std::chrono::milliseconds ping_interval{1000};    // 0: no clock sync
    int quick_pings = 5;               // first pings of a connection, 100 ms apart
    std::size_t max_queued_audio = 50; // binary messages; the oldest is dropped beyond
    int receive_buffer = 0;            // SO_RCVBUF set before connecting; 0: system default
};

struct connection_counters {
    std::uint64_t connects = 0;       // handshakes that succeeded
    std::uint64_t failures = 0;       // attempts that never got a handshake
    std::uint64_t audio_sent = 0;
    std::uint64_t audio_dropped = 0;  // queue full or not connected
    std::uint64_t bad_messages = 0;   // text messages that did not parse
};

class ws_connection : public std::enable_shared_from_this<ws_connection> {
public:
    using audio_bytes = std::shared_ptr<const std::vector<std::uint8_t>>;

    ws_connection(boost::asio::any_io_executor strand, connection_options options,
                  connection_handler& handler);

    void start();
    // Sends what is queued, closes with 1000, and does not reconnect.
    void stop();
    void send_control(const protocol::control_message& message);
    void send_audio(audio_bytes frame);
    // Stops reading from the socket (a deliberately stalled listener, for load tests).
    void pause_reading();

    // On the strand only:
    bool is_open() const { return open_; }
    const protocol::clock_sync& clock() const { return clock_; }
    const connection_counters& counters() const { return counters_; }

private:
    using socket_stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;
    struct outgoing {
        enum kind_t { text, binary, close } kind = text;
        std::string text_body;
        audio_bytes binary_body;
    };

    boost::asio::awaitable<void> run();
    boost::asio::awaitable<close_info> connect_once(socket_stream& ws);
    boost::asio::awaitable<close_info> read_loop(socket_stream& ws);
    boost::asio::awaitable<close_info> write_loop(socket_stream& ws);
    boost::asio::awaitable<close_info> ping_loop();
    void enqueue(outgoing message);
    void handle_text(std::string_view text, std::int64_t receipt_us);

    boost::asio::any_io_executor strand_;
    connection_options options_;
    connection_handler& handler_;
    backoff backoff_;
    protocol::clock_sync clock_;
    connection_counters counters_;
    std::deque<outgoing> queue_;
    std::size_t queued_audio_ = 0;
    boost::asio::steady_timer wake_;   // the writer waits on it; cancel() wakes it
    boost::asio::steady_timer pause_;  // retry backoff, paused reader
    socket_stream* connecting_ = nullptr;  // the stream being connected, for stop()
    bool open_ = false;
    bool closing_ = false;  // our close frame is on its way: reads end with operation_aborted
    bool stopping_ = false;
    bool reading_paused_ = false;
};

}  // namespace tolk::client
