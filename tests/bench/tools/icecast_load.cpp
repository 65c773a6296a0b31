#include "tests/bench/tools/icecast_load.hpp"

#include "tests/bench/tools/icecast_fleet.hpp"
#include "tests/bench/tools/icecast_source.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>

namespace tolk::bench {

namespace asio = boost::asio;

namespace {

// The Icecast adapter of the one report: the mounts are the channels; page write -> read.
nlohmann::json report(const icecast_options& o, const icecast::icecast_fleet& fleet, const load_run& run) {
    std::vector<listener_result> results;
    results.reserve(run.attempted);
    for (std::size_t i = 0; i < run.attempted; ++i)
        results.push_back({&fleet.stats(i), false});
    const run_description description{
        o.host + ":" + std::to_string(o.port), o.listeners, o.mounts,
        o.tolk_stream && !o.tolk_source ? "anchored: listener read - (its fastest page's offset + granule time)"
                                        : "shared steady clock: source page write -> listener read",
        o.watch_pid};
    auto r = make_load_report(description, results, run);
    client::latency_histogram anchored;
    for (std::size_t i = 0; i < run.attempted; ++i)
        anchored.merge(fleet.anchored(i));
    r["active"]["anchored_latency"] = client::to_json(anchored.summary());
    return r;
}

}  // namespace

nlohmann::json run_icecast_load(const icecast_options& o) {
    asio::io_context io;
    std::vector<std::unique_ptr<icecast::mount_clock>> clocks;
    for (std::size_t m = 0; m < o.mounts.size(); ++m)
        clocks.push_back(std::make_unique<icecast::mount_clock>());
    icecast::icecast_fleet fleet(o, clocks);
    std::atomic<bool> stopping{false};
    std::string failure;  // written on the sources' thread, read after it joined
    auto on_error = [&](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            failure = ex.what();
            fleet.interrupt();
        }
    };
    for (std::size_t m = 0; m < o.mounts.size() && (!o.tolk_stream || o.tolk_source); ++m)
        asio::co_spawn(asio::make_strand(io),
                       icecast::run_source(o, m, 220.0 + 110.0 * static_cast<double>(m), *clocks[m], stopping),
                       on_error);

    // The sources on a thread of their own, the listeners on this one (one epoll loop).
    auto work = asio::make_work_guard(io);
    thread_cpu source_cpu;
    std::thread sources([&] {
        io.run();
        source_cpu = this_thread_cpu();
    });
    load_run run;
    if (fleet.pause_for(o.warmup_s))
        run = fleet.run();
    stopping = true;
    io.stop();
    sources.join();
    if (!failure.empty())
        throw std::runtime_error(failure);
    run.cpu.push_back(source_cpu);
    return report(o, fleet, run);
}

}  // namespace tolk::bench
