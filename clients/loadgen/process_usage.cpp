#include "clients/loadgen/process_usage.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace tolk::loadgen {

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

}  // namespace tolk::loadgen
