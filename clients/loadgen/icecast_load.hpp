#pragma once
// tolk-icecast-load's engine: the Icecast 2 baseline of `./tolk bench fanout`.  In one process:
// one Ogg/Opus source per mount (20 ms Opus packets at 32 kbit/s of a tone, one Ogg page per
// packet, sent with the Icecast SOURCE method) and N HTTP listeners spread over the mounts.
// The source notes the steady-clock time it wrote page k; a listener that reads page k (its
// granule position says which) records the read time - that time.  Same report shape as
// tolk-loadgen.  Two listener engines: raw (default; icecast_raw.hpp: one epoll thread, the
// read time is the kernel's receive timestamp) and asio (a coroutine per listener, the read
// time is taken after the read completes).
//
// Threading: the sources are coroutines on an io_context (raw: one thread of their own; asio:
// T threads shared with the listeners, each coroutine on its own strand).  The page clocks are
// atomics (written by a source, read by the listeners).

#include "clients/loadgen/process_usage.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tolk::loadgen {

struct icecast_options {
    std::string host = "127.0.0.1";
    int port = 8000;
    std::string password = "hackme";
    std::vector<std::string> mounts{"floor", "en", "fr", "es"};
    int listeners = 100;
    double duration_s = 10;
    double warmup_s = 2;  // source running before listeners connect
    int threads = 0;
    int max_connecting = 64;
    double connect_rate = 1000;  // raw engine: new connections per second at most (0: no limit)
    int bitrate = 32000;
    int watch_pid = 0;
    bool raw_engine = true;  // false: one Asio coroutine per listener
};

nlohmann::json run_icecast_load(const icecast_options& options);

}  // namespace tolk::loadgen
