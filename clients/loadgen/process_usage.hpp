#pragma once
// CPU time and resident memory of another process (the server under test), read from
// /proc/PID/stat and /proc/PID/status, so the load generator can report the server's cost over
// exactly its own measurement window.  Linux only; a missing process reads as zeros.

#include <cstdint>
#include <sys/types.h>

namespace tolk::loadgen {

struct process_usage {
    bool valid = false;
    double cpu_s = 0;          // user + system, every thread
    std::uint64_t rss_kb = 0;  // VmRSS
};

process_usage read_process_usage(pid_t pid);

}  // namespace tolk::loadgen
