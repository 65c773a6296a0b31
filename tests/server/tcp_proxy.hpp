#pragma once
// A TCP proxy for tests: listens on 127.0.0.1:0 and forwards each connection to `upstream`, both
// ways, on a thread of its own. black_hole() makes every connection half-open, the way a Wi-Fi
// roam or a closed laptop lid does: nothing is forwarded any more, in either direction, and no
// FIN or RST is sent; the sockets stay open until the proxy is destroyed.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace tolk::test {

class tcp_proxy {
public:
    explicit tcp_proxy(boost::asio::ip::tcp::endpoint upstream);
    ~tcp_proxy();
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;

    boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }
    void black_hole() { black_holed_ = true; }

private:
    struct link;
    void accept();

    boost::asio::io_context ioc_{1};
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint upstream_;
    boost::asio::ip::tcp::endpoint endpoint_;
    std::atomic<bool> black_holed_{false};
    std::vector<std::shared_ptr<link>> links_;  // on the proxy's thread
    std::thread thread_;
};

}  // namespace tolk::test
