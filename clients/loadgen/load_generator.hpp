#pragma once
// tolk-loadgen's Beast engine (--engine beast; raw_fleet is the epoll one): N load_listeners
// in one process over T I/O threads, spread round-robin over the channels.  Connections are
// opened with bounded concurrency (a ramp) so a thousand of them do not overflow the server's
// accept backlog; the measurement runs for `duration` once every connection has been attempted.
//
// Threading: run() blocks the calling thread; the ramp state lives on the generator's
// strand; each listener has its own strand.  The report is built after the threads joined.

#include "clients/loadgen/load_listener.hpp"
#include "clients/loadgen/load_report.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tolk::loadgen {

class load_generator {
public:
    explicit load_generator(const load_options& options);
    ~load_generator();

    // Runs the whole test; returns the report (see report()).
    nlohmann::json run();
    // Stops early (SIGINT): any thread.
    void interrupt();

private:
    void launch_more();          // on strand_
    void attempt_done();         // on strand_
    void start_measurement();    // on strand_
    void finish();               // on strand_
    void listener_stopped();     // on strand_
    nlohmann::json report() const;

    load_options options_;
    boost::asio::io_context io_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::steady_timer timer_;
    std::vector<std::unique_ptr<load_listener>> listeners_;
    std::size_t next_ = 0;
    int connecting_ = 0;
    std::size_t stopped_listeners_ = 0;
    bool measuring_ = false;
    bool finished_ = false;
    std::chrono::steady_clock::time_point started_, ramped_, stopped_;
    std::vector<thread_cpu> cpu_;
    std::atomic<bool> window_open_{false};  // listeners record latency only inside the window
    process_usage watched_start_, watched_end_;
    thread_cpu window_cpu_start_, window_cpu_end_;
};

}  // namespace tolk::loadgen
