#pragma once
// tolk-icecast-load's listeners: N HTTP listeners in one thread on one epoll instance (the
// ramp and window of fleet_driver.hpp), each GET /mount, the response head, then Ogg pages.  A page
// with granule k's latency = kernel receive time of the read that completed it (SO_TIMESTAMPNS
// converted to CLOCK_MONOTONIC) - the time the source wrote page k (mount_clock).  Edge-
// triggered; reads until EAGAIN (fleet_driver::drain); a listener keeps only an
// incomplete page.
//
// Anchored latency (every run; the only one against tolk-server, whose pages carry each
// listener's own granule count): offset = receive time - granule / 48 kHz; a page's anchored
// latency = its offset - the smallest offset that listener has seen (pages before the window
// set the anchor too).  It is the delay beyond the listener's fastest page: queueing and
// jitter, not the constant part of the path.
//
// Each listener fills a listener_stats (load_report.hpp): connected and subscribed once the
// mount answered 200, close_reason for a failed attempt or a closed stream.
//
// Threading: icecast_fleet::run() blocks the calling thread; interrupt() from any thread.  The
// mount clocks are written by the sources (another thread) and read here (atomics).

#include "tests/bench/tools/fleet_driver.hpp"
#include "tests/bench/tools/icecast_load.hpp"
#include "tests/bench/tools/load_report.hpp"
#include "tests/bench/tools/ogg_pages.hpp"

#include <atomic>
#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tolk::bench::icecast {

inline constexpr int frame_samples = 960;  // 20 ms at 48 kHz
inline constexpr std::uint16_t pre_skip = 312;
inline constexpr std::size_t max_pages = 50 * 3600;  // an hour of 20 ms pages per mount

// Page k of a mount, from its granule position; nothing for OpusHead/OpusTags and beyond the hour.
inline std::optional<std::size_t> page_index(std::int64_t granule) {
    if (granule <= pre_skip)
        return std::nullopt;
    const auto k = static_cast<std::size_t>((granule - pre_skip) / frame_samples - 1);
    if (k >= max_pages)
        return std::nullopt;
    return k;
}

// When the source wrote each page of one mount (steady clock µs).
struct mount_clock {
    std::vector<std::atomic<std::int64_t>> written_us = std::vector<std::atomic<std::int64_t>>(max_pages);
};

class icecast_fleet {
public:
    icecast_fleet(const icecast_options& options, const std::vector<std::unique_ptr<mount_clock>>& clocks);
    ~icecast_fleet();
    icecast_fleet(const icecast_fleet&) = delete;
    icecast_fleet& operator=(const icecast_fleet&) = delete;

    // Waits `seconds` (interruptible), e.g. for the sources to warm up; false if interrupted.
    bool pause_for(double seconds) { return driver_.pause_for(seconds); }
    // Connects everyone (ramp), measures for options.duration_s, closes; `cpu` is this thread's.
    load_run run();
    void interrupt() { driver_.interrupt(); }
    // After run(): listener i's results.
    const listener_stats& stats(std::size_t i) const { return listeners_[i].stats; }
    const client::latency_histogram& anchored(std::size_t i) const { return listeners_[i].anchored; }

private:
    friend class raw::fleet_driver;

    enum class phase : std::uint8_t { idle, connecting, heading, open, closed };

    struct listener {
        int fd = -1;
        phase state = phase::idle;
        std::uint16_t mount = 0;
        std::int64_t attempt_started_us = 0;
        std::vector<std::uint8_t> head;  // the response head, while it is incomplete
        ogg_page_reader pages;
        listener_stats stats;
        std::int64_t min_offset_us = INT64_MAX;  // smallest receive time - granule time so far
        client::latency_histogram anchored;      // inside the window
    };

    // fleet_driver's engine interface (fleet_driver.hpp).
    void launch(std::size_t i, std::int64_t now_us);
    void on_ready(std::uint64_t tag, std::uint32_t events);
    void on_tick(std::int64_t now_us);
    void close_all();

    void read_all(std::size_t i);  // until EAGAIN (or the listener closes)
    void consume(std::size_t i, std::span<const std::uint8_t> bytes, const raw::rx_result& rx);
    // The response head; false while it is incomplete or when the request failed.
    bool on_head(std::size_t i, std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& rest);
    void lose(std::size_t i, std::string reason);  // before the 200: failed; after: closed by server
    void release(listener& l);

    const icecast_options& options_;
    const std::vector<std::unique_ptr<mount_clock>>& clocks_;
    raw::fleet_driver driver_;
    std::optional<raw::address> address_;
    std::string resolve_error_;
    std::vector<listener> listeners_;
};

}  // namespace tolk::bench::icecast
