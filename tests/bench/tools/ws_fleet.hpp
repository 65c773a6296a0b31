#pragma once
// tolk-loadgen's engine: N listeners in one thread, one epoll instance, non-blocking sockets,
// a hand-written WebSocket client (ws_wire.hpp), no Asio.  Each listener connects (the ramp of
// fleet_driver.hpp), upgrades on /ws/listen, says hello, subscribes to its channel after
// `welcome`, and for every binary frame parses the 28-byte header only: sequence gaps and the
// delivery latency = kernel receive time (SO_TIMESTAMPNS, converted to CLOCK_MONOTONIC, see
// raw_socket.hpp) - ingress_us.  When a read brings no timestamp the monotonic time after the
// read stands in and is counted ("latency_fallback_frames").  Pings get pongs, a close frame
// is recorded (closed_by_server, code, reason).  Stalled listeners (stall_fraction) connect
// with a 4 KiB SO_RCVBUF and stop reading after their first audio frame.
//
// Clocks: by default the server's CLOCK_MONOTONIC is this machine's (same machine).  With
// use_clock_offset (the loadgen on another machine) every listener sends protocol pings
// (3 quick ones, then every 2 s) and keeps a protocol::clock_sync from the pongs, timed by
// their kernel receive timestamps; a frame's latency is receipt + offset - ingress_us, and
// frames that arrive before a listener's first pong are not timed.
//
// Reading: edge-triggered (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, registered once, so no
// epoll_ctl per write or read).  On an event the listener reads into the driver's one 64 KiB
// buffer until EAGAIN (fleet_driver::drain); only an incomplete frame's bytes are kept per listener.  (Stopping at a short
// read instead saves the EAGAIN call but measured no different: the cost per frame is the
// loopback TCP work, mostly the ACK a drained read sends and its processing on the server's
// socket, both charged to the reader on loopback.)
//
// Threading: run() blocks the calling thread and does everything on it; interrupt() may be
// called from any thread (an eventfd in the epoll set).  stats() after run() returned.

#include "clients/common/ws_url.hpp"
#include "protocol/clock_sync.hpp"
#include "tests/bench/tools/fleet_driver.hpp"
#include "tests/bench/tools/load_report.hpp"
#include "tests/bench/tools/ws_wire.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::bench {

struct load_options {
    client::ws_url server;
    int listeners = 100;
    double duration_s = 10;
    std::vector<std::string> channels{"en", "fr", "es"};
    double stall_fraction = 0;     // share of listeners that stop reading
    int max_connecting = 64;       // connection attempts in flight at once
    bool use_clock_offset = false; // ping/pong offsets (loadgen on another machine)
    int watch_pid = 0;             // the server's process: its CPU and RSS over the window
};

// Listener i of n stalls (stops reading after its first frame) when this says so: the
// stalled ones are spread evenly, so every channel gets its share.
bool is_stalled_listener(std::size_t i, std::size_t n, double stall_fraction);

class ws_fleet {
public:
    // Throws std::invalid_argument for options it cannot honour (no channels).
    explicit ws_fleet(const load_options& options);
    ~ws_fleet();
    ws_fleet(const ws_fleet&) = delete;
    ws_fleet& operator=(const ws_fleet&) = delete;

    // Runs the whole test once; returns the report (load_report.hpp).
    nlohmann::json run();
    // Ends the measurement early: any thread, any time.
    void interrupt() { driver_.interrupt(); }

    // After run(): listener i's results (tests).
    std::size_t size() const { return listeners_.size(); }
    const listener_stats& stats(std::size_t i) const { return listeners_[i].stats; }
    bool stalled(std::size_t i) const { return listeners_[i].stall; }

private:
    friend class raw::fleet_driver;

    enum class phase : std::uint8_t { idle, connecting, upgrading, open, paused, closed };

    struct listener {
        int fd = -1;
        phase state = phase::idle;
        bool stall = false;
        std::uint16_t channel = 0;              // index into options.channels
        std::int32_t channel_number = -1;       // from `subscribed`
        std::int64_t attempt_started_us = 0;
        std::vector<std::uint8_t> pending;      // an incomplete frame (or response head)
        std::vector<std::uint8_t> unsent;       // client frames the kernel has not taken yet
        std::unique_ptr<protocol::clock_sync> clock;  // use_clock_offset only
        std::int64_t next_ping_us = 0;
        int pings_sent = 0;
        listener_stats stats;
    };

    // fleet_driver's engine interface (fleet_driver.hpp).
    void launch(std::size_t i, std::int64_t now_us);
    void on_ready(std::uint64_t tag, std::uint32_t events);
    void on_tick(std::int64_t now_us);
    void close_all();

    void on_connected(listener& l);
    void send_pings(std::int64_t now_us);
    // Reading (ws_fleet_read.cpp): until EAGAIN (or the listener closes or pauses).
    void read_all(listener& l);
    void consume(listener& l, std::span<const std::uint8_t> bytes, const raw::rx_result& rx);
    // The upgrade response at the front of `in`: bytes used, 0 when incomplete or it failed.
    std::size_t on_upgrade(listener& l, std::span<const std::uint8_t> in);
    // Handles one complete frame; false when the listener is closed or paused.
    bool on_frame(listener& l, const ws_wire::frame& f, const raw::rx_result& rx);
    void on_text(listener& l, std::string_view text, const raw::rx_result& rx);
    void on_audio(listener& l, std::span<const std::uint8_t> bytes, const raw::rx_result& rx);
    void pause(listener& l);
    // Writing.
    void send_frame(listener& l, std::uint8_t op, std::span<const std::uint8_t> payload);
    void send_frame(listener& l, std::uint8_t op, std::string_view payload);
    void write_out(listener& l, std::span<const std::uint8_t> bytes);
    void flush(listener& l);
    // The connection is gone: before the upgrade completed a failed attempt with `reason`,
    // after it closed by the server (close frame code, or 0: EOF, reset, protocol error).
    void lose(listener& l, std::uint16_t code, std::string reason);
    void release(listener& l);
    std::uint32_t next_mask();

    load_options options_;
    raw::fleet_driver driver_;
    std::optional<raw::address> address_;
    std::string resolve_error_;
    std::string target_;
    std::string hello_;                    // the hello message, serialized once
    std::vector<std::string> subscribe_;   // per channel: the subscribe message
    std::vector<listener> listeners_;
    std::vector<std::uint8_t> scratch_;   // one outgoing frame being built
    std::mt19937_64 random_;
    std::uint64_t mask_state_;
};

}  // namespace tolk::bench
