#pragma once
// One-shot HTTP requests and WebSocket handshakes for the signed-roles tests: any method,
// headers (Cookie, Authorization, Origin, …) and a local address to connect from ("127.0.0.2"
// stands in for another machine). Each call runs its own io_context, bounded by `timeout`.

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tolk::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_call {
    std::string method = "GET";
    std::string target;
    header_list headers;
    std::string body;
    std::string local_address;  // empty: the system's choice (127.0.0.1)
    std::string tls_ca;         // not empty: HTTPS, trusting this certificate file only
};

struct http_reply {
    int status = 0;
    std::string body;
    std::multimap<std::string, std::string> headers;  // names in lower case
    std::string header(const std::string& name) const;
};

http_reply http_request(const boost::asio::ip::tcp::endpoint& server, const http_call& call,
                        std::chrono::seconds timeout = std::chrono::seconds(10));

// A WebSocket handshake on `target`, sends `first_message` if not empty, then reads until the
// server's first text message other than an error, or its close (or its HTTP refusal). admitted: the first message came (a session took the connection); else close_code and
// close_reason say why not.
struct ws_outcome {
    bool admitted = false;
    std::string first_text;
    std::uint16_t close_code = 0;
    std::string close_reason;  // or the body of an HTTP refusal
    int http_status = 101;     // not 101: the server answered the handshake with this status instead
};

ws_outcome ws_try(const boost::asio::ip::tcp::endpoint& server, const std::string& target, const header_list& headers = {},
                  const std::string& local_address = {}, const std::string& first_message = {},
                  std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace tolk::test
