#include "server/descriptors.hpp"

#include "server/log.hpp"

#include <algorithm>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tolk::server {

file_limit raise_open_file_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return {};
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            lim = raised;
    }
    return {static_cast<std::uint64_t>(lim.rlim_cur), static_cast<std::uint64_t>(lim.rlim_max)};
}

void prepare_file_limit(const limits_config& limits) {
    const auto lim = raise_open_file_limit();
    const auto wanted = static_cast<std::uint64_t>(limits.max_connections + limits.reserved_slots) + 64;
    if (lim.soft > 0 && lim.soft < wanted)
        log("server")->warn("open file limit is {} (hard limit {}): fewer than the {} connections max_connections "
                            "and reserved_slots allow; clients beyond it are answered 503. Raise it "
                            "(LimitNOFILE= in the systemd unit, ulimit -n) or lower max_connections",
                            lim.soft, lim.hard, limits.max_connections + limits.reserved_slots);
}

spare_descriptor::spare_descriptor() : fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

spare_descriptor::~spare_descriptor() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool spare_descriptor::refuse_one(boost::asio::ip::tcp::acceptor& acceptor, std::string_view answer) {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    const int client = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0)
        refuse_and_close(client, answer);
    fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    return client >= 0;
}

void refuse_and_close(int fd, std::string_view answer) {
    char discard[4096];
    for (int i = 0; i < 16 && ::recv(fd, discard, sizeof discard, MSG_DONTWAIT) > 0; ++i) {
    }
    if (!answer.empty()) {
        const auto sent = ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)sent;  // best effort: the client is being turned away either way
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

void tune_accepted(boost::asio::ip::tcp::socket& socket, const limits_config& limits) {
    const int fd = socket.native_handle();
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (limits.keepalive_seconds > 0) {
        const int idle = limits.keepalive_seconds;
        const int interval = std::max(1, idle / 2);
        const int probes = 3;
        ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
    }
    if (limits.tcp_user_timeout_ms > 0) {
        const unsigned timeout = static_cast<unsigned>(limits.tcp_user_timeout_ms);
        ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, sizeof timeout);
    }
}

}  // namespace tolk::server
