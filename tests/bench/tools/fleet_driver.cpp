#include "tests/bench/tools/fleet_driver.hpp"

namespace tolk::bench::raw {

bool fleet_driver::pause_for(double seconds) {
    using clock = std::chrono::steady_clock;
    const auto until = clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
    while (!events_.interrupted()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock::now()).count();
        if (left <= 0)
            return true;
        events_.wait(static_cast<int>(std::min<std::int64_t>(left, 1000)));
    }
    return false;
}

int fleet_driver::wait_ms(std::chrono::steady_clock::time_point now,
                          std::chrono::steady_clock::time_point next_tick) const {
    auto until = measuring_ ? std::min(window_end_, next_tick) : next_tick;
    if (!measuring_ && plan_.connect_rate > 0 && next_ < plan_.connections)
        until = std::min(until, now + std::chrono::milliseconds(1));  // the next paced attempt
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
    return static_cast<int>(std::clamp<std::int64_t>(ms, 0, 1000));
}

void fleet_driver::open_window() {
    measuring_ = true;
    run_.ramped = std::chrono::steady_clock::now();
    window_end_ = run_.ramped + std::chrono::microseconds(static_cast<std::int64_t>(plan_.duration_s * 1e6));
    run_.watched_start = read_process_usage(plan_.watch_pid);
    run_.window_cpu_start = process_cpu();
    window_open_ = true;
    client::component_logger(plan_.log_name)
        ->info("{} connection attempts made in {:.2f} s; measuring for {} s", next_,
               std::chrono::duration<double>(run_.ramped - run_.started).count(), plan_.duration_s);
}

void fleet_driver::close_window() {
    window_open_ = false;
    run_.stopped = std::chrono::steady_clock::now();
    run_.watched_end = read_process_usage(plan_.watch_pid);
    run_.window_cpu_end = process_cpu();
    if (!measuring_) {
        run_.ramped = run_.stopped;
        run_.window_cpu_start = run_.window_cpu_end;
    }
}

}  // namespace tolk::bench::raw
