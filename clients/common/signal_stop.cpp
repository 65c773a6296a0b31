#include "clients/common/signal_stop.hpp"

#include <csignal>

namespace tolk::client {

signal_stop::signal_stop(boost::asio::io_context& io, std::function<void()> stop, std::chrono::milliseconds grace)
    : io_(io), stop_(std::move(stop)), grace_(grace), signals_(io, SIGINT, SIGTERM), deadline_(io) {
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec)
            stop_now();
    });
}

void signal_stop::stop_now() {
    stop_();
    deadline_.expires_after(grace_);
    deadline_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            io_.stop();
    });
}

void signal_stop::done() {
    signals_.cancel();
    deadline_.cancel();
}

}  // namespace tolk::client
