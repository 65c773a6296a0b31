#pragma once
// The one connect ramp and measurement window of the load engines (ws_fleet: tolk-loadgen;
// icecast_fleet: tolk-icecast-load), and their epoll loop:
//   - the ramp: at most plan.max_connecting attempts in flight, and at most plan.connect_rate
//     new ones per second when that is set;
//   - the window: opens once every attempt is done (connected or failed), lasts
//     plan.duration_s, and reads this process's CPU and the watched process's (the server
//     under test) at both ends; it closes early on interrupt() or when no socket is left;
//   - the counts of frames timed by the kernel's receive timestamp or by the fallback.
// The engine (any type) provides
//   void launch(std::size_t i, std::int64_t now_us)   start attempt i; it calls attempt_done()
//                                                     once that attempt connected or failed,
//                                                     and socket_closed() once i is gone
//   void on_ready(std::uint64_t tag, std::uint32_t events)   one epoll event of its sockets
//   void on_tick(std::int64_t now_us)                 ~10 times a second (connect deadlines:
//                                                     attempt start + plan.connect_timeout)
//   void close_all()                                  after the window: close every socket
//
// Threading: run() and everything else on the one thread that runs the loop, except
// interrupt(), which any thread may call at any time (also before run()).

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"
#include "tests/bench/tools/epoll_set.hpp"
#include "tests/bench/tools/load_report.hpp"
#include "tests/bench/tools/raw_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tolk::bench::raw {

struct fleet_plan {
    std::size_t connections = 0;
    int max_connecting = 64;     // attempts in flight at once
    double duration_s = 10;      // the measurement window
    int watch_pid = 0;           // read at the window's start and end
    std::chrono::milliseconds connect_timeout{10'000};  // connect + handshake, per attempt
    double connect_rate = 0;     // new attempts per second at most (0: as fast as K allows)
    std::string log_name = "loadgen";
};

class fleet_driver {
public:
    explicit fleet_driver(fleet_plan plan) : plan_(std::move(plan)) {}

    epoll_set& events() { return events_; }
    const rx_clock& clock() const { return clock_; }
    const fleet_plan& plan() const { return plan_; }
    bool window_open() const { return window_open_; }
    std::size_t attempted() const { return next_; }
    bool connecting() const { return connecting_ > 0; }
    // An attempt's deadline has passed (plan.connect_timeout after it started).
    bool attempt_expired(std::int64_t started_us, std::int64_t now_us) const {
        return now_us - started_us > std::chrono::duration_cast<std::chrono::microseconds>(plan_.connect_timeout).count();
    }
    // The window opens right here when this was the last attempt, so that what the same read
    // brings after the handshake is already measured.
    void attempt_done() {
        if (--connecting_ == 0 && next_ == plan_.connections && !measuring_)
            open_window();
    }
    void socket_closed() { --live_; }
    // A frame inside the window was timed by the kernel (or by the fallback).
    void frame_timed(bool by_kernel) { ++(by_kernel ? run_.kernel_frames : run_.fallback_frames); }
    void interrupt() { events_.interrupt(); }
    // Reads `fd` until EAGAIN (the sockets are edge-triggered) into the one read buffer of
    // every socket, handing each read to consume(bytes, rx), which returns false once it no
    // longer reads this socket.  Nothing then; else how the stream ended: 0 at its end, or the
    // errno of a failed read.
    template <class Consume>
    std::optional<int> drain(int fd, Consume&& consume);
    // Waits `seconds` before run() (e.g. while sources warm up); false if interrupted.
    bool pause_for(double seconds);

    template <class Engine>
    load_run run(Engine& engine);

private:
    template <class Engine>
    void launch_more(Engine& engine, std::int64_t now_us);
    void open_window();
    void close_window();
    // How long the loop may wait for events now.
    int wait_ms(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point next_tick) const;

    fleet_plan plan_;
    epoll_set events_;
    rx_clock clock_;
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(64 * 1024);  // drain()'s
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

template <class Consume>
std::optional<int> fleet_driver::drain(int fd, Consume&& consume) {
    for (;;) {
        const rx_result rx = receive(fd, buffer_, clock_);
        if (rx.bytes > 0) {
            if (!consume(std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(rx.bytes)), rx))
                return std::nullopt;
            continue;
        }
        if (rx.bytes == 0)
            return 0;
        if (rx.error == EAGAIN || rx.error == EWOULDBLOCK)
            return std::nullopt;
        if (rx.error != EINTR)
            return rx.error;
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
        const auto ready = events_.wait(wait_ms(now, next_tick));
        if (events_.interrupted())
            break;
        for (const epoll_event& e : ready)
            engine.on_ready(e.data.u64, e.events);
        now = clock::now();
        const std::int64_t now_us = client::steady_now_us();
        if (now >= next_tick) {
            next_tick = now + tick;
            clock_.refresh_if_due(now_us);
            engine.on_tick(now_us);
        }
        if (!measuring_)
            launch_more(engine, now_us);
    }
    close_window();  // interrupted during the ramp: an empty window
    engine.close_all();
    run_.attempted = next_;
    run_.cpu.push_back(this_thread_cpu());
    return run_;
}

}  // namespace tolk::bench::raw
