#pragma once
// The clock of tolk::monitor.  Every class here takes "now" as an argument (nothing reads a
// clock itself), so tests drive time and the server passes system_clock::now(): wall-clock
// times are what the technician reads in the alarm list and the event log.

#include <chrono>

namespace tolk::monitor {

using clock = std::chrono::system_clock;
using time_point = clock::time_point;

inline double seconds_between(time_point from, time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

}  // namespace tolk::monitor
