// tolk-loadgen: N concurrent listeners in one process, measuring delivery latency (server
// ingress -> receipt), missing frames and failed connections.  Decodes nothing.
//   tolk-loadgen --server ws://HOST:PORT --listeners N --duration S [--channels en,fr,es]
//                [--json] [--engine raw|beast] [--threads T] [--stall-fraction F]
//                [--max-connecting K] [--clock-sync] [--watch-pid PID]
// Engines: raw (default; raw_fleet.hpp: one epoll thread, kernel receive timestamps) and
// beast (load_generator.hpp: a Beast WebSocket client per listener over T threads; the only
// one with --clock-sync).
// Exit status: 0 when every listener connected, 3 when some failed, 1 on a start-up error.
#include "clients/common/log.hpp"
#include "clients/loadgen/load_generator.hpp"
#include "clients/loadgen/raw_fleet.hpp"

#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

namespace {

// Raises the open-file limit to the hard limit: every listener is a socket.
rlim_t raise_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

void print_summary(const nlohmann::json& r);

}  // namespace

int main(int argc, char** argv) {
    using namespace tolk;
    CLI::App app{"tolk-loadgen: many listeners in one process, measuring delivery"};
    std::string server_text;
    loadgen::load_options options;
    bool json = false;
    std::string engine = "raw";
    app.add_option("--server", server_text, "ws://HOST:PORT")->required();
    auto* engine_option = app.add_option("--engine", engine, "raw: one epoll thread, kernel receive timestamps; "
                                                             "beast: a Beast client per listener")
                              ->check(CLI::IsMember({"raw", "beast"}))
                              ->capture_default_str();
    app.add_option("--listeners", options.listeners, "concurrent listener connections")->check(CLI::Range(1, 1'000'000));
    app.add_option("--duration", options.duration_s, "seconds to measure once all have connected")->check(CLI::PositiveNumber);
    app.add_option("--channels", options.channels, "channels, spread round-robin")->delimiter(',')->capture_default_str();
    app.add_flag("--json", json, "print the report as JSON");
    app.add_option("--threads", options.threads, "beast: I/O threads (default: one per core); raw: always one")
        ->check(CLI::Range(0, 256));
    app.add_option("--stall-fraction", options.stall_fraction, "share of listeners that stop reading")->check(CLI::Range(0.0, 1.0));
    app.add_option("--max-connecting", options.max_connecting, "connection attempts in flight")->check(CLI::Range(1, 10000));
    app.add_option("--watch-pid", options.watch_pid, "report this process's CPU and RSS over the window (the server)");
    app.add_flag("--clock-sync", options.use_clock_offset,
                 "use ping/pong clock offsets (loadgen on another machine; beast engine only)");
    CLI11_PARSE(app, argc, argv);
    client::set_client_log_level(json ? spdlog::level::warn : spdlog::level::info);
    client::component_logger("connection")->set_level(spdlog::level::warn);

    if (options.use_clock_offset && engine == "raw") {
        if (engine_option->count() > 0) {
            std::fprintf(stderr, "tolk-loadgen: --clock-sync needs --engine beast: the raw engine times frames "
                                 "with kernel receive timestamps and assumes the server's clock (same machine)\n");
            return 1;
        }
        engine = "beast";  // --clock-sync alone: the engine that can do it
    }
    options.engine = engine == "raw" ? loadgen::load_engine::raw : loadgen::load_engine::beast;
    if (options.engine == loadgen::load_engine::raw && options.threads > 1)
        std::fprintf(stderr, "tolk-loadgen: --engine raw runs on one thread; --threads %d is ignored\n",
                     options.threads);

    std::string error;
    const auto url = client::parse_ws_url(server_text, &error);
    if (!url) {
        std::fprintf(stderr, "tolk-loadgen: --server %s: %s\n", server_text.c_str(), error.c_str());
        return 1;
    }
    options.server = *url;
    const rlim_t files = raise_file_limit();
    if (files < static_cast<rlim_t>(options.listeners) + 32)
        std::fprintf(stderr, "tolk-loadgen: warning: open-file limit %llu is below --listeners %d\n",
                     static_cast<unsigned long long>(files), options.listeners);

    // SIGINT/SIGTERM end the measurement early; a watcher thread turns the signal into a call.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by the I/O threads
    std::unique_ptr<loadgen::load_generator> beast;
    std::unique_ptr<loadgen::raw_fleet> raw;
    try {
        if (options.engine == loadgen::load_engine::raw)
            raw = std::make_unique<loadgen::raw_fleet>(options);
        else
            beast = std::make_unique<loadgen::load_generator>(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tolk-loadgen: %s\n", e.what());
        return 1;
    }
    std::thread([&beast, &raw, set] {
        int signal = 0;
        sigwait(&set, &signal);
        if (raw)
            raw->interrupt();
        else
            beast->interrupt();
    }).detach();

    const nlohmann::json report = raw ? raw->run() : beast->run();
    if (json)
        std::cout << report.dump(2) << std::endl;
    else
        print_summary(report);
    return report["failed"].get<std::uint64_t>() == 0 ? 0 : 3;
}

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
    std::printf("  latency source: %s\n", r.value("latency_source", std::string("?")).c_str());
    std::printf("  loadgen CPU (%s engine): %.2f s user, %.2f s system over %zu threads\n",
                r.value("engine", std::string("?")).c_str(), r["cpu"]["user_s"].get<double>(),
                r["cpu"]["system_s"].get<double>(), r["cpu"]["threads"].size());
    std::printf("  loadgen CPU over the measurement window: %.0f%% of a core\n",
                r["cpu"].value("window_percent", 0.0));
}

}  // namespace
