#include "tests/bench/tools/raw_socket.hpp"

#include "clients/common/monotonic_clock.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tolk::bench::raw {

namespace {

std::int64_t now_ns(clockid_t id) {
    timespec t{};
    clock_gettime(id, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

// ---- rx_clock ---------------------------------------------------------------------------

void rx_clock::sample() {
    std::int64_t best_span = -1;
    for (int i = 0; i < 5; ++i) {
        const std::int64_t before = now_ns(CLOCK_MONOTONIC);
        const std::int64_t real = now_ns(CLOCK_REALTIME);
        const std::int64_t after = now_ns(CLOCK_MONOTONIC);
        if (best_span < 0 || after - before < best_span) {
            best_span = after - before;
            offset_ns_ = real - (before + (after - before) / 2);
            sampled_us_ = after / 1000;
        }
    }
}

// ---- receive ----------------------------------------------------------------------------

rx_result receive(int fd, std::span<std::uint8_t> buffer, const rx_clock& clock) {
    // Room for SCM_TIMESTAMPNS (one timespec) or SCM_TIMESTAMPING (three).
    alignas(cmsghdr) char control[CMSG_SPACE(3 * sizeof(timespec))];
    iovec iov{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    rx_result r;
    r.bytes = ::recvmsg(fd, &message, MSG_DONTWAIT);
    if (r.bytes < 0) {
        r.error = errno;
        return r;
    }
    if (r.bytes > 0) {
        for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
            if (c->cmsg_level != SOL_SOCKET || (c->cmsg_type != SCM_TIMESTAMPNS && c->cmsg_type != SCM_TIMESTAMPING))
                continue;
            timespec t{};  // SCM_TIMESTAMPING: [0] is the software timestamp
            std::memcpy(&t, CMSG_DATA(c), sizeof(t));
            if (t.tv_sec == 0 && t.tv_nsec == 0)
                continue;
            r.kernel_time = true;
            r.receipt_us = clock.monotonic_us(t);
            return r;
        }
    }
    r.receipt_us = client::steady_now_us();
    return r;
}

// ---- connecting -------------------------------------------------------------------------

std::optional<address> resolve_tcp(const std::string& host, std::uint16_t port, std::string* error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc != 0 || !found) {
        if (error)
            *error = "cannot resolve " + host + ": " + gai_strerror(rc);
        return std::nullopt;
    }
    address a;
    std::memcpy(&a.storage, found->ai_addr, found->ai_addrlen);
    a.length = found->ai_addrlen;
    ::freeaddrinfo(found);
    return a;
}

int open_connecting(const address& to, int receive_buffer, std::string* error) {
    const int fd = ::socket(to.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) {
        *error = "socket: " + errno_text(errno);
        return -1;
    }
    const int on = 1;
    bool ok = ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0 &&
              ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0;
    // Before connect, so the window the handshake advertises is already the small one.
    if (ok && receive_buffer > 0)
        ok = ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer)) == 0;
    if (!ok) {
        *error = "setsockopt: " + errno_text(errno);
        ::close(fd);
        return -1;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to.storage), to.length) != 0 && errno != EINPROGRESS) {
        *error = errno_text(errno);
        ::close(fd);
        return -1;
    }
    return fd;
}

int socket_error(int fd) {
    int value = 0;
    socklen_t length = sizeof(value);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0)
        return errno;
    return value;
}

long send_some(int fd, std::span<const std::uint8_t> bytes) {
    for (;;) {
        const long n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}

}  // namespace tolk::bench::raw
