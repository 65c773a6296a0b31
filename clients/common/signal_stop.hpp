#pragma once
// How a client executable ends: SIGINT/SIGTERM call `stop`, and if the client has not said
// done() within `grace` after that, the io_context is stopped outright.  done() cancels the
// signal wait and the deadline, so io_context::run() returns once the client's own work ends.
// Lives on the io_context's thread, for the whole run.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>

namespace tolk::client {

class signal_stop {
public:
    signal_stop(boost::asio::io_context& io, std::function<void()> stop, std::chrono::milliseconds grace);

    // Calls `stop` and arms the deadline, as a signal would.
    void stop_now();
    void done();

private:
    boost::asio::io_context& io_;
    std::function<void()> stop_;
    std::chrono::milliseconds grace_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer deadline_;
};

}  // namespace tolk::client
