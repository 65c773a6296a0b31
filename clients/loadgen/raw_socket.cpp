#include "clients/loadgen/raw_socket.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tolk::loadgen::raw {

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

// ---- HTTP bits --------------------------------------------------------------------------

std::size_t find_head_end(std::string_view bytes) {
    const auto at = bytes.find("\r\n\r\n");
    return at == std::string_view::npos ? at : at + 4;
}

int http_status(std::string_view head) {
    // "HTTP/1.1 101 ..." or "HTTP/1.0 200 OK" (Icecast also answers "ICY 200 OK")
    const auto space = head.find(' ');
    if (space == std::string_view::npos || head.size() < space + 4)
        return 0;
    int code = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        if (head[i] < '0' || head[i] > '9')
            return 0;
        code = code * 10 + (head[i] - '0');
    }
    return code;
}

std::string_view first_line(std::string_view head) { return head.substr(0, head.find('\r')); }

std::string base64(std::span<const std::uint8_t> bytes) {
    static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    unsigned v = 0;
    int bits = -6;
    for (std::uint8_t c : bytes) {
        v = (v << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out.push_back(abc[(v >> bits) & 0x3f]);
            bits -= 6;
        }
    }
    if (bits > -6)
        out.push_back(abc[((v << 8) >> (bits + 8)) & 0x3f]);
    while (out.size() % 4)
        out.push_back('=');
    return out;
}

// ---- epoll_set --------------------------------------------------------------------------

epoll_set::epoll_set() : events_(batch) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0)
        throw std::runtime_error("epoll/eventfd: " + errno_text(errno));
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = ~std::uint64_t{0};
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &e) != 0)
        throw std::runtime_error("epoll_ctl: " + errno_text(errno));
}

epoll_set::~epoll_set() {
    if (wake_fd_ >= 0)
        ::close(wake_fd_);
    if (epoll_fd_ >= 0)
        ::close(epoll_fd_);
}

bool epoll_set::add(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event e{};
    e.events = events;
    e.data.u64 = tag;
    return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e) == 0;
}

void epoll_set::remove(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

std::span<const epoll_event> epoll_set::wait(int timeout_ms) {
    const int n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (n <= 0)
        return {};
    // Leave the interrupt's event out (it stays readable: every later wait returns at once).
    std::size_t kept = 0;
    for (int i = 0; i < n; ++i)
        if (events_[static_cast<std::size_t>(i)].data.u64 != ~std::uint64_t{0})
            events_[kept++] = events_[static_cast<std::size_t>(i)];
    return {events_.data(), kept};
}

void epoll_set::interrupt() {
    interrupted_.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof(one));
}

// ---- fleet_driver -----------------------------------------------------------------------

void fleet_driver::open_window() {
    measuring_ = true;
    run_.ramped = std::chrono::steady_clock::now();
    window_end_ = run_.ramped + std::chrono::microseconds(static_cast<std::int64_t>(plan_.duration_s * 1e6));
    run_.watched_start = read_process_usage(plan_.watch_pid);
    run_.window_cpu_start = process_cpu();
    window_open_ = true;
    client::component_logger(plan_.log_name)
        ->info("{} connection attempts made in {:.2f} s; measuring for {} s", next_,
               std::chrono::duration<double>(run_.ramped - run_.started).count(), plan_.duration_s);
}

void fleet_driver::close_window() {
    window_open_ = false;
    run_.stopped = std::chrono::steady_clock::now();
    run_.watched_end = read_process_usage(plan_.watch_pid);
    run_.window_cpu_end = process_cpu();
    if (!measuring_) {
        run_.ramped = run_.stopped;
        run_.window_cpu_start = run_.window_cpu_end;
    }
}

}  // namespace tolk::loadgen::raw
