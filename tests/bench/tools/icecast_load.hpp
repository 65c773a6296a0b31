#pragma once
// tolk-icecast-load's run: the Icecast 2 baseline of `./tolk bench fanout`.  In one process:
// one Ogg/Opus source per mount (icecast_source.hpp, on a thread of its own) and N HTTP
// listeners spread over the mounts (icecast_fleet.hpp, one epoll thread).  The source notes
// the steady-clock time it wrote page k; a listener that reads page k (its granule position
// says which) records the kernel's receive time of that read - that time.  The same report as
// tolk-loadgen (load_report.hpp).
//
// Threading: run_icecast_load() blocks the calling thread (the listeners' loop) and joins the
// sources' thread before it returns.
//
// With tolk_stream (tolk-server's /stream/ID.ogg) fed by booths there is no source to time, so
// "latency" is the delay beyond the listener's fastest page (see icecast_fleet.hpp); with
// tolk_source the same sources feed tolk and pages are timed as on Icecast (each packet carries
// its index, ogg_pages.hpp).  Every run also reports the anchored figure ("anchored_latency").

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tolk::bench {

struct icecast_options {
    std::string host = "127.0.0.1";
    int port = 8000;
    std::string password = "hackme";
    std::vector<std::string> mounts{"floor", "en", "fr", "es"};
    int listeners = 100;
    double duration_s = 10;
    double warmup_s = 2;  // source running before listeners connect
    int max_connecting = 64;
    double connect_rate = 1000;  // new connections per second at most (0: no limit)
    int bitrate = 32000;
    int watch_pid = 0;
    // Listen to tolk-server's Icecast egress instead: GET /stream/MOUNT.ogg, no sources (booths
    // feed tolk), and latency anchored per listener (icecast_fleet.hpp).
    bool tolk_stream = false;
    // With tolk_stream: this tool's sources feed tolk (SOURCE /ingest/MOUNT, `password` a booth
    // token), and pages are timed from their source write as on Icecast (packet tags).
    bool tolk_source = false;
};

// Throws std::runtime_error when a source cannot feed Icecast.
nlohmann::json run_icecast_load(const icecast_options& options);

}  // namespace tolk::bench
