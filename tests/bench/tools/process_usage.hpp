#pragma once
// What a run costs: CPU time of this process and its threads (getrusage), and the CPU time and
// resident memory of another process (the server under test) read from /proc/PID/stat and
// /proc/PID/status, so a load generator can report the server's cost over exactly its own
// measurement window.  Linux only; a missing process reads as zeros.  Any thread.

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>

namespace tolk::bench {

struct process_usage {
    bool valid = false;
    double cpu_s = 0;          // user + system, every thread
    std::uint64_t rss_kb = 0;  // VmRSS
};

process_usage read_process_usage(pid_t pid);

struct thread_cpu {
    double user_s = 0;
    double system_s = 0;
};

// The CPU time of the calling thread so far (getrusage RUSAGE_THREAD).
thread_cpu this_thread_cpu();
// The CPU time of this whole process so far (getrusage RUSAGE_SELF).
thread_cpu process_cpu();

// Raises the open-file limit to the hard limit (every listener is a socket); returns the limit.
rlim_t raise_file_limit();

}  // namespace tolk::bench
