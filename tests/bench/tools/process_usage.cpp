#include "tests/bench/tools/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace tolk::bench {

namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

process_usage read_process_usage(pid_t pid) {
    process_usage u;
    if (pid <= 0)
        return u;
    const std::string dir = "/proc/" + std::to_string(pid);
    std::ifstream stat(dir + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return u;
    // Fields after the parenthesised command name (which may hold spaces): state is field 3,
    // utime 14, stime 15.
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return u;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stoull(field);
        if (i == 15)
            stime = std::stoull(field);
    }
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    u.cpu_s = static_cast<double>(utime + stime) / ticks;
    std::ifstream status(dir + "/status");
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            u.rss_kb = std::stoull(line.substr(6));
    u.valid = true;
    return u;
}

thread_cpu this_thread_cpu() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

thread_cpu process_cpu() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

rlim_t raise_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

}  // namespace tolk::bench
