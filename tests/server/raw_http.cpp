#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace tolk::test {

raw_http::raw_http(const boost::asio::ip::tcp::endpoint& server, int receive_buffer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw std::runtime_error("socket failed");
    if (receive_buffer > 0)
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server.port());
    a.sin_addr.s_addr = htonl(server.address().to_v4().to_uint());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error("connect failed");
}

raw_http::~raw_http() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool raw_http::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool raw_http::read_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(received_)) {
        if (closed_)
            return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            continue;
        char chunk[16384];
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            closed_ = true;
            continue;
        }
        received_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
}

bool raw_http::read_to_end(std::chrono::milliseconds timeout) {
    read_until([](const std::string&) { return false; }, timeout);
    return closed_;
}

int raw_http::status() const {
    // "HTTP/1.x NNN ..." (after any 100 Continue)
    std::size_t at = 0;
    for (;;) {
        if (received_.compare(at, 5, "HTTP/") != 0 || received_.size() < at + 12)
            return 0;
        const int code = std::stoi(received_.substr(at + 9, 3));
        if (code != 100)
            return code;
        const auto end = received_.find("\r\n\r\n", at);
        if (end == std::string::npos)
            return 0;
        at = end + 4;
    }
}

std::string raw_http::body() const {
    std::size_t at = 0;
    for (;;) {
        const auto end = received_.find("\r\n\r\n", at);
        if (end == std::string::npos)
            return {};
        if (received_.compare(at + 9, 3, "100") != 0)
            return received_.substr(end + 4);
        at = end + 4;
    }
}

}  // namespace tolk::test
