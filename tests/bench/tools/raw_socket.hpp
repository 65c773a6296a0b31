#pragma once
// The sockets of the epoll load engines (ws_fleet: tolk-loadgen's WebSocket listeners;
// icecast_fleet: tolk-icecast-load's HTTP listeners), none of it protocol-specific:
//   - rx_clock: kernel receive timestamps are CLOCK_REALTIME; tolk stamps CLOCK_MONOTONIC µs
//     (ingress_us, client::steady_now_us), so an offset realtime - monotonic is sampled at
//     start and refreshed about once a second;
//   - receive(): one recvmsg with a control buffer, returning the kernel's SO_TIMESTAMPNS
//     receive time of the last segment read (or, if none came, the monotonic time after the
//     call, flagged as a fallback: the kernel turns stack-wide receive timestamping on from a
//     work item when the first socket asks, so the very first segments may come unstamped);
//   - non-blocking TCP connect with the receive timestamp and, for stalled listeners, a small
//     SO_RCVBUF set before connect.
//
// Threading: used by the one thread that runs the loop (fleet_driver.hpp).  Linux only.

#include <sys/socket.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>

namespace tolk::bench::raw {

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

}  // namespace tolk::bench::raw
