#include "tcp_proxy.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <future>

namespace tolk::test {

namespace asio = boost::asio;
using asio::ip::tcp;

// One proxied connection: two sockets and a pump each way. Once black-holed, a pump stops
// reading (so the sender's data piles up unacknowledged by the application) and drops what it
// holds.
struct tcp_proxy::link : std::enable_shared_from_this<link> {
    link(tcp::socket a, tcp::socket b, const std::atomic<bool>& holed)
        : client(std::move(a)), server(std::move(b)), black_holed(holed) {}

    void start() {
        pump(client, server, up);
        pump(server, client, down);
    }
    void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer) {
        if (black_holed)
            return;
        from.async_read_some(asio::buffer(buffer), [self = shared_from_this(), &from, &to, &buffer](
                                                       boost::system::error_code ec, std::size_t n) {
            if (self->black_holed)
                return;
            if (ec) {  // a real end: pass it on
                boost::system::error_code ignored;
                to.shutdown(tcp::socket::shutdown_send, ignored);
                return;
            }
            asio::async_write(to, asio::buffer(buffer.data(), n),
                              [self, &from, &to, &buffer](boost::system::error_code wec, std::size_t) {
                                  if (!wec)
                                      self->pump(from, to, buffer);
                              });
        });
    }

    tcp::socket client, server;
    const std::atomic<bool>& black_holed;
    std::array<char, 16384> up{}, down{};
};

tcp_proxy::tcp_proxy(tcp::endpoint upstream)
    : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), upstream_(upstream) {
    endpoint_ = acceptor_.local_endpoint();
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
}

tcp_proxy::~tcp_proxy() {
    std::promise<void> closed;
    asio::post(ioc_, [this, &closed] {
        boost::system::error_code ec;
        acceptor_.close(ec);
        for (auto& l : links_) {
            l->client.close(ec);
            l->server.close(ec);
        }
        links_.clear();
        closed.set_value();
    });
    closed.get_future().wait();
    ioc_.stop();
    thread_.join();
}

void tcp_proxy::accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket client) {
        if (ec)
            return;
        tcp::socket server(ioc_);
        server.connect(upstream_, ec);  // loopback: immediate
        if (!ec) {
            auto l = std::make_shared<link>(std::move(client), std::move(server), black_holed_);
            links_.push_back(l);
            l->start();
        }
        accept();
    });
}

}  // namespace tolk::test
