// tolk-loadgen: N concurrent listeners in one process, measuring delivery latency (server
// ingress -> kernel receive time), missing frames and failed connections.  Decodes nothing.
//   tolk-loadgen --server ws://HOST:PORT --listeners N --duration S [--channels en,fr,es]
//                [--json] [--stall-fraction F] [--max-connecting K] [--clock-sync] [--watch-pid PID]
// One epoll thread runs every listener (ws_fleet.hpp).
// Exit status: 0 when every listener connected, 3 when some failed, 1 on a start-up error.
#include "clients/common/log.hpp"
#include "tests/bench/tools/ws_fleet.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

namespace {

void print_summary(const nlohmann::json& r) {
    const auto& a = r["active"];
    const auto& l = a["latency"];
    std::printf("tolk-loadgen: %llu/%d listeners connected (%llu failed) to %s in %.2f s, measured %.1f s\n",
                r["connected"].get<unsigned long long>(), r["listeners"].get<int>(),
                r["failed"].get<unsigned long long>(), r["server"].get<std::string>().c_str(),
                r["ramp_s"].get<double>(), r["measured_s"].get<double>());
    std::printf("  frames received %llu (%.0f/s), missing %llu, resyncs %llu, closed by server %llu\n",
                a["frames_received"].get<unsigned long long>(), a["frames_per_second"].get<double>(),
                a["frames_missing"].get<unsigned long long>(), a["resyncs"].get<unsigned long long>(),
                a["closed_by_server"].get<unsigned long long>());
    std::printf("  delivery latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
                l["p50_ms"].get<double>(), l["p99_ms"].get<double>(), l["p999_ms"].get<double>(),
                l["max_ms"].get<double>());
    if (r["stalled"]["listeners"].get<std::uint64_t>() > 0)
        std::printf("  stalled listeners: %llu, closed by server %llu\n",
                    r["stalled"]["listeners"].get<unsigned long long>(),
                    r["stalled"]["closed_by_server"].get<unsigned long long>());
    for (const auto& [reason, count] : r["close_reasons"].items())
        std::printf("  %llu x %s\n", count.get<unsigned long long>(), reason.c_str());
    std::printf("  latency source: %s; clock: %s\n", r["latency_source"].get<std::string>().c_str(),
                r["clock"].get<std::string>().c_str());
    std::printf("  loadgen CPU over the measurement window: %.0f%% of a core\n",
                r["cpu"]["window_percent"].get<double>());
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tolk;
    CLI::App app{"tolk-loadgen: many listeners in one process, measuring delivery"};
    std::string server_text;
    bench::load_options options;
    bool json = false;
    app.add_option("--server", server_text, "ws://HOST:PORT")->required();
    app.add_option("--listeners", options.listeners, "concurrent listener connections")->check(CLI::Range(1, 1'000'000));
    app.add_option("--duration", options.duration_s, "seconds to measure once all have connected")->check(CLI::PositiveNumber);
    app.add_option("--channels", options.channels, "channels, spread round-robin")->delimiter(',')->capture_default_str();
    app.add_flag("--json", json, "print the report as JSON");
    app.add_option("--stall-fraction", options.stall_fraction, "share of listeners that stop reading")->check(CLI::Range(0.0, 1.0));
    app.add_option("--max-connecting", options.max_connecting, "connection attempts in flight")->check(CLI::Range(1, 10000));
    app.add_option("--watch-pid", options.watch_pid, "report this process's CPU and RSS over the window (the server)");
    app.add_flag("--clock-sync", options.use_clock_offset,
                 "time frames on the server's clock through ping/pong offsets (loadgen on another machine)");
    CLI11_PARSE(app, argc, argv);
    client::set_client_log_level(json ? spdlog::level::warn : spdlog::level::info);

    std::string error;
    const auto url = client::parse_ws_url(server_text, &error);
    if (!url) {
        std::fprintf(stderr, "tolk-loadgen: --server %s: %s\n", server_text.c_str(), error.c_str());
        return 1;
    }
    options.server = *url;
    const rlim_t files = bench::raise_file_limit();
    if (files < static_cast<rlim_t>(options.listeners) + 32)
        std::fprintf(stderr, "tolk-loadgen: warning: open-file limit %llu is below --listeners %d\n",
                     static_cast<unsigned long long>(files), options.listeners);

    // SIGINT/SIGTERM end the measurement early; a watcher thread turns the signal into a call.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::unique_ptr<bench::ws_fleet> fleet;
    try {
        fleet = std::make_unique<bench::ws_fleet>(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tolk-loadgen: %s\n", e.what());
        return 1;
    }
    std::thread([&fleet, set] {
        int signal = 0;
        sigwait(&set, &signal);
        fleet->interrupt();
    }).detach();

    const nlohmann::json report = fleet->run();
    if (json)
        std::cout << report.dump(2) << std::endl;
    else
        print_summary(report);
    return report["failed"].get<std::uint64_t>() == 0 ? 0 : 3;
}
