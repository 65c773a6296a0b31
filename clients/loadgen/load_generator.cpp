#include "clients/loadgen/load_generator.hpp"

#include "clients/common/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <thread>

namespace tolk::loadgen {
namespace asio = boost::asio;

namespace {

constexpr auto close_grace = std::chrono::seconds(2);  // stalled listeners never finish closing
constexpr int stalled_receive_buffer = 4096;           // bytes; the kernel may round it up

client::connection_options connection_for(const load_options& options) {
    client::connection_options c;
    c.url = options.server;
    c.target = options.server.endpoint("/ws/listen");
    c.client_name = "tolk-loadgen/0.1";
    c.reconnect = false;
    c.connect_timeout = std::chrono::seconds(10);
    c.idle_timeout = std::chrono::milliseconds(0);
    c.ping_interval = options.use_clock_offset ? std::chrono::milliseconds(2000) : std::chrono::milliseconds(0);
    c.quick_pings = options.use_clock_offset ? 3 : 0;
    return c;
}

}  // namespace

load_generator::load_generator(const load_options& options)
    : options_(options), strand_(asio::make_strand(io_)), timer_(strand_) {
    const auto n = static_cast<std::size_t>(std::max(options_.listeners, 0));
    const auto base = connection_for(options_);
    listeners_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const bool stall = is_stalled_listener(i, n, options_.stall_fraction);
        listener_setup setup{options_.channels[i % options_.channels.size()], stall, options_.use_clock_offset,
                             &window_open_};
        auto connection = base;
        if (stall)  // a small window, so the server feels the stall instead of the kernel buffering it
            connection.receive_buffer = stalled_receive_buffer;
        listeners_.push_back(std::make_unique<load_listener>(
            asio::make_strand(io_), std::move(connection), std::move(setup),
            [this] { asio::post(strand_, [this] { attempt_done(); }); },
            [this] { asio::post(strand_, [this] { listener_stopped(); }); }));
    }
}

load_generator::~load_generator() = default;

nlohmann::json load_generator::run() {
    started_ = std::chrono::steady_clock::now();
    asio::post(strand_, [this] { launch_more(); });
    const int threads = options_.threads > 0 ? options_.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    cpu_.resize(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([this, t] {
            io_.run();
            cpu_[static_cast<std::size_t>(t)] = this_thread_cpu();
        });
    for (auto& thread : pool)
        thread.join();
    if (stopped_ == std::chrono::steady_clock::time_point{})
        stopped_ = std::chrono::steady_clock::now();
    return report();
}

void load_generator::interrupt() {
    asio::dispatch(strand_, [this] { finish(); });
}

void load_generator::launch_more() {
    while (!finished_ && connecting_ < options_.max_connecting && next_ < listeners_.size()) {
        ++connecting_;
        listeners_[next_++]->start();
    }
    if (!measuring_ && !finished_ && connecting_ == 0 && next_ == listeners_.size())
        start_measurement();
}

void load_generator::attempt_done() {
    --connecting_;
    launch_more();
}

void load_generator::start_measurement() {
    measuring_ = true;
    ramped_ = std::chrono::steady_clock::now();
    watched_start_ = read_process_usage(options_.watch_pid);
    window_cpu_start_ = process_cpu();
    window_open_ = true;
    client::component_logger("loadgen")->info("{} connection attempts made in {:.2f} s; measuring for {} s",
                                              listeners_.size(),
                                              std::chrono::duration<double>(ramped_ - started_).count(),
                                              options_.duration_s);
    timer_.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(options_.duration_s * 1e6)));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            finish();
    });
}

void load_generator::finish() {
    if (finished_)
        return;
    finished_ = true;
    window_open_ = false;
    stopped_ = std::chrono::steady_clock::now();
    watched_end_ = read_process_usage(options_.watch_pid);
    window_cpu_end_ = process_cpu();
    if (ramped_ == std::chrono::steady_clock::time_point{}) {
        ramped_ = stopped_;
        window_cpu_start_ = window_cpu_end_;
    }
    for (std::size_t i = 0; i < next_; ++i)
        listeners_[i]->stop();
    if (stopped_listeners_ == next_)
        return;
    timer_.expires_after(close_grace);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            io_.stop();
    });
}

void load_generator::listener_stopped() {
    ++stopped_listeners_;
    if (finished_ && stopped_listeners_ == next_)
        timer_.cancel();  // everyone closed: no need to wait out the grace period
}

nlohmann::json load_generator::report() const {
    std::vector<listener_result> results;
    results.reserve(next_);
    for (std::size_t i = 0; i < next_; ++i)
        results.push_back({&listeners_[i]->stats(), listeners_[i]->setup().stall});
    load_run run;
    run.attempted = next_;
    run.started = started_;
    run.ramped = ramped_;
    run.stopped = stopped_;
    run.cpu = cpu_;
    run.watched_start = watched_start_;
    run.watched_end = watched_end_;
    run.window_cpu_start = window_cpu_start_;
    run.window_cpu_end = window_cpu_end_;
    auto report = make_load_report(options_, results, run);
    report["latency_source"] = "user-space receipt time";
    return report;
}

}  // namespace tolk::loadgen
