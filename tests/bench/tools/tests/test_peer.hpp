#pragma once
// Test support for the load engines' tests: byte helpers and `peer`, a server on 127.0.0.1:0
// that a test drives byte by byte from its own thread (one accepted connection, bounded reads).
#include "clients/common/monotonic_clock.hpp"
#include "protocol/audio_frame.hpp"
#include "tests/bench/tools/http_head.hpp"
#include "tests/bench/tools/ws_wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::test {

using bytes = std::vector<std::uint8_t>;

inline bytes to_bytes(std::string_view s) { return {s.begin(), s.end()}; }

// A tolk audio frame of `channel`, stamped now (on a server clock `ahead_us` ahead of ours).
inline bytes audio_frame(std::uint16_t channel, std::uint32_t sequence, std::size_t payload_size = 60,
                         std::int64_t ahead_us = 0) {
    protocol::frame_header h;
    h.channel = channel;
    h.sequence = sequence;
    h.capture_us = client::steady_now_us() + ahead_us;
    h.ingress_us = h.capture_us;
    const bytes opus(payload_size, 0x5a);
    return protocol::serialize_audio_frame(h, opus);
}

// A listening TCP socket on 127.0.0.1 port 0; `where` gets its address.  Throws.
inline int listen_loopback(sockaddr_in& where, int backlog) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    where = sockaddr_in{};
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(where);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof(where)) != 0 || ::listen(fd, backlog) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&where), &len) != 0)
        throw std::runtime_error("cannot listen on 127.0.0.1");
    return fd;
}

// One listening socket on 127.0.0.1:0 and, after accept(), one blocking connection with
// bounded reads.  Used from the peer's own thread.
class peer {
public:
    peer() {
        sockaddr_in a{};
        listen_fd_ = listen_loopback(a, 16);
        port_ = ntohs(a.sin_port);
    }
    ~peer() {
        if (fd_ >= 0)
            ::close(fd_);
        ::close(listen_fd_);
    }
    std::uint16_t port() const { return port_; }
    void close_connection() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

    bool accept(std::chrono::milliseconds timeout) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
            return false;
        fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        const int on = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
        return fd_ >= 0;
    }
    bool write(const bytes& b) { return write(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())); }
    bool write(std::string_view s) {
        while (!s.empty()) {
            const long n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // Reads until `enough(buffer)` says how much to take (> 0), within the timeout.
    std::optional<bytes> read(const std::function<std::size_t(const bytes&)>& enough,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (const std::size_t n = enough(in_)) {
                bytes out(in_.begin(), in_.begin() + static_cast<long>(n));
                in_.erase(in_.begin(), in_.begin() + static_cast<long>(n));
                return out;
            }
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1)
                return std::nullopt;
            char buf[65536];
            const long n = ::recv(fd_, buf, sizeof(buf), 0);
            if (n <= 0)
                return std::nullopt;
            in_.insert(in_.end(), buf, buf + n);
        }
    }
    std::optional<std::string> read_request_head() {
        auto head = read([](const bytes& b) {
            const auto end = bench::raw::find_head_end({reinterpret_cast<const char*>(b.data()), b.size()});
            return end == std::string_view::npos ? 0 : end;
        });
        if (!head)
            return std::nullopt;
        return std::string(head->begin(), head->end());
    }
    struct client_frame {
        std::uint8_t opcode = 0;
        bool masked = false;
        bytes payload;  // unmasked
    };
    // One client frame (must be masked), unmasked.
    std::optional<client_frame> read_frame() {
        auto raw = read([](const bytes& b) -> std::size_t {
            if (b.size() < 2)
                return 0;
            std::size_t n = b[1] & 0x7F, header = 2;
            if (n == 126) {
                if (b.size() < 4)
                    return 0;
                n = (std::size_t{b[2]} << 8) | b[3];
                header = 4;
            }
            if (b[1] & 0x80)
                header += 4;
            return b.size() >= header + n ? header + n : 0;
        });
        if (!raw)
            return std::nullopt;
        client_frame f;
        f.opcode = (*raw)[0] & 0x0F;
        f.masked = ((*raw)[1] & 0x80) != 0;
        std::size_t header = ((*raw)[1] & 0x7F) == 126 ? 4 : 2;
        std::uint32_t key = 0;
        if (f.masked) {
            for (int i = 0; i < 4; ++i)
                key = (key << 8) | (*raw)[header + static_cast<std::size_t>(i)];
            header += 4;
        }
        f.payload.assign(raw->begin() + static_cast<long>(header), raw->end());
        if (f.masked)
            bench::ws_wire::unmask(f.payload, key);
        return f;
    }
    std::optional<client_frame> read_frame_of(std::uint8_t opcode) {
        for (int i = 0; i < 16; ++i) {
            auto f = read_frame();
            if (!f || f->opcode == opcode)
                return f;
        }
        return std::nullopt;
    }

private:
    int listen_fd_ = -1;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    bytes in_;
};

}  // namespace tolk::test
