#pragma once
// Test support: a plain blocking TCP client for HTTP requests that are not request/response
// (an Icecast source's endless body, a media player's endless stream). Every read is bounded
// (poll with a deadline). One thread.

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace tolk::test {

class raw_http {
public:
    // Connects (bounded); `receive_buffer` > 0 sets SO_RCVBUF first (a slow player). Throws.
    explicit raw_http(const boost::asio::ip::tcp::endpoint& server, int receive_buffer = 0);
    ~raw_http();
    raw_http(const raw_http&) = delete;
    raw_http& operator=(const raw_http&) = delete;

    // Sends everything (bounded); false if the connection failed.
    bool send(std::string_view bytes);
    // Reads until `done(received())` holds, the peer closes or `timeout`; returns whether it held.
    bool read_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout);
    // Reads until the peer closes; false on timeout.
    bool read_to_end(std::chrono::milliseconds timeout);
    bool closed() const { return closed_; }
    const std::string& received() const { return received_; }
    // The status code of the response in received() (0: none yet).
    int status() const;
    // What follows the response head (empty until the head is complete).
    std::string body() const;

private:
    int fd_ = -1;
    bool closed_ = false;
    std::string received_;
};

}  // namespace tolk::test
