#pragma once
// What the epoll load engines share (raw_fleet: tolk-loadgen's WebSocket listeners;
// icecast_load: tolk-icecast-load's HTTP listeners), none of it protocol-specific:
//   - rx_clock: kernel receive timestamps are CLOCK_REALTIME; tolk stamps CLOCK_MONOTONIC µs
//     (ingress_us, client::steady_now_us), so an offset realtime - monotonic is sampled at
//     start and refreshed about once a second;
//   - receive(): one recvmsg with a control buffer, returning the kernel's SO_TIMESTAMPNS
//     receive time of the last segment read (or, if none came, the monotonic time after the
//     call, flagged as a fallback: the kernel turns stack-wide receive timestamping on from a
//     work item when the first socket asks, so the very first segments may come unstamped);
//   - non-blocking TCP connect with the receive timestamp and, for stalled listeners, a small
//     SO_RCVBUF set before connect;
//   - epoll_set: one epoll instance plus an eventfd so another thread can interrupt the wait;
//   - fleet_driver: the connect ramp (at most K attempts in flight), the measurement window
//     (opens once every connection has been attempted, lasts `duration`, reads the watched
//     process at both ends), connect timeouts and the loop itself, for any engine type.
//   - the few bytes of HTTP both engines speak (end of a response head, status code, base64).
//
// Threading: everything here is used by the one thread that runs the loop, except
// epoll_set::interrupt() / fleet_driver::interrupt(), which any thread may call.
// Linux only.

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"
#include "clients/loadgen/load_report.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::loadgen::raw {

// Converts CLOCK_REALTIME (what the kernel stamps received packets with) to the monotonic
// microseconds tolk's headers carry.
class rx_clock {
public:
    rx_clock() { sample(); }
    // Measures realtime - monotonic (the tightest of a few bracketed readings).
    void sample();
    void refresh_if_due(std::int64_t monotonic_us) {
        if (monotonic_us - sampled_us_ >= 1'000'000)
            sample();
    }
    std::int64_t monotonic_us(const timespec& realtime) const {
        const std::int64_t ns = static_cast<std::int64_t>(realtime.tv_sec) * 1'000'000'000 + realtime.tv_nsec;
        return (ns - offset_ns_) / 1000;
    }
    std::int64_t offset_ns() const { return offset_ns_; }

private:
    std::int64_t offset_ns_ = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC
    std::int64_t sampled_us_ = 0;
};

struct rx_result {
    long bytes = 0;             // > 0: data; 0: end of stream; < 0: failed, see `error`
    int error = 0;              // errno when bytes < 0 (EAGAIN: nothing to read now)
    bool kernel_time = false;   // receipt_us is the kernel's receive timestamp
    std::int64_t receipt_us = 0;  // CLOCK_MONOTONIC µs: kernel timestamp, else read after the call
};

// One recvmsg into `buffer` with the receive timestamp.  For TCP the kernel reports the
// timestamp of the last segment the call read.
rx_result receive(int fd, std::span<std::uint8_t> buffer, const rx_clock& clock);

struct address {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

// getaddrinfo (blocking; once, before the loop).  Nothing, and *error, on failure.
std::optional<address> resolve_tcp(const std::string& host, std::uint16_t port, std::string* error);

// A non-blocking TCP socket (TCP_NODELAY, SO_TIMESTAMPNS, SO_RCVBUF when receive_buffer > 0,
// all before connect) with its connect started.  -1 and *error on failure.
int open_connecting(const address& to, int receive_buffer, std::string* error);
// SO_ERROR, e.g. after a connecting socket turned writable: 0 when connected, else the errno.
int socket_error(int fd);
// send(MSG_NOSIGNAL | MSG_DONTWAIT): bytes the kernel took (0 when it took none), -1 on error.
long send_some(int fd, std::span<const std::uint8_t> bytes);

// The end of an HTTP response head ("\r\n\r\n" included) in `bytes`, or npos.
std::size_t find_head_end(std::string_view bytes);
// The status code of a response head ("HTTP/1.1 101 Switching Protocols"); 0 if malformed.
int http_status(std::string_view head);
// The head's first line, for error messages.
std::string_view first_line(std::string_view head);
std::string base64(std::span<const std::uint8_t> bytes);

// One epoll instance and an eventfd for interrupt().
class epoll_set {
public:
    static constexpr std::size_t batch = 1024;  // events per epoll_wait

    epoll_set();
    ~epoll_set();
    epoll_set(const epoll_set&) = delete;
    epoll_set& operator=(const epoll_set&) = delete;

    // `tag` comes back with the events; false (errno) on failure.
    bool add(int fd, std::uint32_t events, std::uint64_t tag);
    void remove(int fd);
    // Ready events (the interrupt's own event left out); empty on timeout or interrupt.
    std::span<const epoll_event> wait(int timeout_ms);
    // Any thread, any time (also before the loop runs): wait() returns, interrupted() is true.
    void interrupt();
    bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }

private:
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::atomic<bool> interrupted_{false};
    std::vector<epoll_event> events_;
};

struct fleet_plan {
    std::size_t connections = 0;
    int max_connecting = 64;     // attempts in flight at once
    double duration_s = 10;      // the measurement window
    int watch_pid = 0;           // read at the window's start and end
    std::chrono::milliseconds connect_timeout{10'000};  // connect + handshake, per attempt
    double connect_rate = 0;     // new attempts per second at most (0: as fast as K allows)
    std::string log_name = "loadgen";
};

// The loop of an epoll engine.  The engine (any type) provides
//   void launch(std::size_t i, std::int64_t now_us)   start attempt i; it calls attempt_done()
//                                                     once that attempt connected or failed,
//                                                     and socket_closed() once i is gone
//   void on_ready(std::uint64_t tag, std::uint32_t events)   one epoll event of its sockets
//   void check_timeouts(std::int64_t now_us)          ~10 times a second while attempts are
//                                                     in flight (deadline: attempt start +
//                                                     plan.connect_timeout)
//   void close_all()                                  after the window: close every socket
// The window opens once every attempt is done and closes after `duration`, on interrupt(),
// or as soon as no socket is left.
class fleet_driver {
public:
    explicit fleet_driver(fleet_plan plan) : plan_(std::move(plan)) {}

    epoll_set& events() { return events_; }
    const rx_clock& clock() const { return clock_; }
    const fleet_plan& plan() const { return plan_; }
    bool window_open() const { return window_open_; }
    std::size_t attempted() const { return next_; }
    // The window opens right here when this was the last attempt, so that what the same read
    // brings after the handshake is already measured.
    void attempt_done() {
        if (--connecting_ == 0 && next_ == plan_.connections && !measuring_)
            open_window();
    }
    void socket_closed() { --live_; }
    void interrupt() { events_.interrupt(); }

    template <class Engine>
    load_run run(Engine& engine);

private:
    template <class Engine>
    void launch_more(Engine& engine, std::int64_t now_us);
    void open_window();
    void close_window();

    fleet_plan plan_;
    epoll_set events_;
    rx_clock clock_;
    std::size_t next_ = 0;    // attempts made
    std::size_t connecting_ = 0;
    std::size_t live_ = 0;    // sockets launched and not yet closed
    std::int64_t started_us_ = 0;
    bool measuring_ = false;
    bool window_open_ = false;
    load_run run_;
    std::chrono::steady_clock::time_point window_end_;
};

template <class Engine>
void fleet_driver::launch_more(Engine& engine, std::int64_t now_us) {
    const auto max_connecting = static_cast<std::size_t>(std::max(plan_.max_connecting, 1));
    // With a connect rate, attempt i may start i / rate seconds after the first.
    const double allowed = plan_.connect_rate > 0
                               ? static_cast<double>(now_us - started_us_) * 1e-6 * plan_.connect_rate + 1
                               : static_cast<double>(plan_.connections);
    while (connecting_ < max_connecting && next_ < plan_.connections && static_cast<double>(next_) < allowed) {
        ++connecting_;
        ++live_;
        engine.launch(next_++, now_us);
    }
}

template <class Engine>
load_run fleet_driver::run(Engine& engine) {
    using clock = std::chrono::steady_clock;
    constexpr auto tick = std::chrono::milliseconds(100);
    run_.started = clock::now();
    started_us_ = client::steady_now_us();
    launch_more(engine, started_us_);
    auto next_tick = run_.started + tick;
    for (;;) {
        if (!measuring_ && connecting_ == 0 && next_ == plan_.connections)
            open_window();
        auto now = clock::now();
        if (measuring_ && (now >= window_end_ || live_ == 0))
            break;
        auto until = measuring_ ? std::min(window_end_, next_tick) : next_tick;
        if (!measuring_ && plan_.connect_rate > 0 && next_ < plan_.connections)
            until = std::min(until, now + std::chrono::milliseconds(1));  // the next paced attempt
        const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
        const auto ready = events_.wait(static_cast<int>(std::clamp<std::int64_t>(wait_ms, 0, 1000)));
        if (events_.interrupted())
            break;
        for (const epoll_event& e : ready)
            engine.on_ready(e.data.u64, e.events);
        now = clock::now();
        const std::int64_t now_us = client::steady_now_us();
        if (now >= next_tick) {
            next_tick = now + tick;
            clock_.refresh_if_due(now_us);
            if (connecting_ > 0)
                engine.check_timeouts(now_us);
        }
        if (!measuring_)
            launch_more(engine, now_us);
    }
    close_window();  // interrupted during the ramp: an empty window, as in the Beast engine
    engine.close_all();
    run_.attempted = next_;
    run_.cpu = {this_thread_cpu()};
    return run_;
}

}  // namespace tolk::loadgen::raw
