#pragma once
// File descriptors and the kernel's view of a connection.
//  - raise_open_file_limit(): RLIMIT_NOFILE up to its hard limit, once at start-up.
//  - spare_descriptor: one descriptor held in reserve (/dev/null). When accept fails for want of
//    descriptors (EMFILE/ENFILE), the server gives the spare back, accepts the waiting connection,
//    answers it 503 and closes it, then takes the spare again: the client learns why, and the
//    accept loop does not spin on a backlog it cannot drain.
//  - tune_accepted(): TCP keep-alive with short timers and TCP_USER_TIMEOUT, so a phone that left
//    the Wi-Fi without a FIN is found in tens of seconds and its slot freed.

#include "server/config.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <string_view>

#include <cstdint>

namespace tolk::server {

struct file_limit {
    std::uint64_t soft = 0;  // after raising
    std::uint64_t hard = 0;
};
file_limit raise_open_file_limit();
// raise_open_file_limit(), and a warning when the limit cannot hold `limits`' connections (each
// costs one descriptor; a recording, a log and the threads need a few more).
void prepare_file_limit(const limits_config& limits);

class spare_descriptor {
public:
    spare_descriptor();
    ~spare_descriptor();
    spare_descriptor(const spare_descriptor&) = delete;
    spare_descriptor& operator=(const spare_descriptor&) = delete;

    // Gives the spare back, accepts one waiting connection (non-blocking), writes `answer` to it
    // when not empty, closes it, and takes the spare again. False if nothing could be accepted.
    bool refuse_one(boost::asio::ip::tcp::acceptor& acceptor, std::string_view answer);

private:
    int fd_ = -1;
};

void tune_accepted(boost::asio::ip::tcp::socket& socket, const limits_config& limits);

// Sends a refusal on a connection turned away at accept (best effort, never blocks), then shuts
// it down and closes it. What the client already sent is read first: closing a socket with
// unread bytes answers with a reset, which can destroy the refusal before the client reads it.
void refuse_and_close(int fd, std::string_view answer);

}  // namespace tolk::server
