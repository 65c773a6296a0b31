// tolk-icecast-load: the Icecast 2 baseline of `./tolk bench fanout`. Feeds one Ogg/Opus mount
// per channel and runs N HTTP listeners against them, measuring the delay from the source
// writing a page to a listener reading it (one machine, one clock).
//   tolk-icecast-load --port P --password PW --mounts floor,en,fr,es --listeners N --duration S
//                     [--max-connecting K] [--connect-rate R] [--watch-pid PID] [--json] [--tolk-stream
//                     [--tolk-source]]
// --tolk-stream: the same HTTP listeners against tolk-server's Icecast egress (/stream/MOUNT.ogg).
// The sources run on one thread, the listeners on another (one epoll loop; icecast_load.hpp).
// Exit status: 0 when every listener connected, 3 when some failed, 1 on a start-up error.
#include "tests/bench/tools/icecast_load.hpp"
#include "tests/bench/tools/process_usage.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
    using namespace tolk::bench;
    CLI::App app{"tolk-icecast-load: an Ogg/Opus source and many HTTP listeners against Icecast"};
    icecast_options o;
    bool json = false;
    app.add_option("--host", o.host, "Icecast address")->capture_default_str();
    app.add_option("--port", o.port, "Icecast port")->capture_default_str();
    app.add_option("--password", o.password, "source password")->capture_default_str();
    app.add_option("--mounts", o.mounts, "mount points (one source each), listeners round-robin")->delimiter(',');
    app.add_option("--listeners", o.listeners)->check(CLI::Range(1, 1'000'000));
    app.add_option("--duration", o.duration_s, "seconds to measure once all have connected");
    app.add_option("--max-connecting", o.max_connecting, "connection attempts in flight");
    app.add_option("--connect-rate", o.connect_rate,
                   "new connections per second at most (0: no limit); Icecast's accept "
                   "queue is short and overflows under a burst")
        ->capture_default_str();
    app.add_option("--watch-pid", o.watch_pid, "report this process's CPU and RSS over the window (the server)");
    app.add_flag("--json", json, "print the report as JSON");
    app.add_flag("--tolk-stream", o.tolk_stream,
                 "listen to tolk-server's /stream/MOUNT.ogg instead (no sources: booths feed tolk; "
                 "latency anchored per listener)");
    app.add_flag("--tolk-source", o.tolk_source,
                 "with --tolk-stream: feed tolk from this tool's sources (SOURCE /ingest/MOUNT, --password a "
                 "booth token) instead of booths, and time pages as on Icecast (source write -> listener read)");
    CLI11_PARSE(app, argc, argv);
    raise_file_limit();
    nlohmann::json r;
    try {
        r = run_icecast_load(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tolk-icecast-load: %s\n", e.what());
        return 1;
    }
    if (json) {
        std::cout << r.dump(2) << std::endl;
    } else {
        const auto& l = r["active"]["latency"];
        std::printf("tolk-icecast-load: %llu/%d connected, frames %llu in window, missing %llu; "
                    "latency p50 %.2f ms p99 %.2f ms max %.2f ms\n",
                    r["connected"].get<unsigned long long>(), o.listeners,
                    r["active"]["window_frames"].get<unsigned long long>(),
                    r["active"]["frames_missing"].get<unsigned long long>(), l["p50_ms"].get<double>(),
                    l["p99_ms"].get<double>(), l["max_ms"].get<double>());
    }
    return r["failed"].get<std::uint64_t>() == 0 ? 0 : 3;
}
