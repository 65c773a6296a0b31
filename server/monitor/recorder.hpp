#pragma once
// Records channels as Ogg Opus files, one per on-air segment, named by channel and start time
// (fr_2026-11-28T09-30-00Z.opus), tagged with event, channel, booth and start time.  The
// packets are written as they came (no re-encoding).
// Threads: callers (the network threads publishing frames) only push onto a bounded queue
// under a short lock and never wait for I/O; a full queue drops the packet and counts it.
// One writer thread of the recorder's own opens, writes, flushes and closes the files.
// Crash safety: each file's pages reach the OS at least every flush_interval (and every second
// of audio), followed by fdatasync when `sync` is set, so after a crash or kill -9 a file plays
// to within about a second of the end.  A folder that cannot be written or a full disk turns
// status() to failing with the system's reason, loses only that channel's recording, and never
// slows the callers.

#include "server/monitor/monitor_clock.hpp"

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace tolk::monitor {

struct recorder_options {
    std::filesystem::path folder;
    std::string event;                         // the EVENT tag
    std::size_t queue_packets = 3000;          // 60 s of 20 ms packets, all channels together
    std::chrono::milliseconds flush_interval{1000};
    bool sync = true;                          // fdatasync after each periodic flush
    std::shared_ptr<spdlog::logger> logger;    // null: spdlog's default logger
};

enum class recorder_state { idle, recording, failing };

struct recorder_status {
    recorder_state state = recorder_state::idle;
    std::string error;                 // the latest failure, while failing
    std::uint64_t packets_written = 0;
    std::uint64_t packets_dropped = 0;  // the queue was full
    std::uint64_t packets_lost = 0;     // their channel's file had failed or was not open
    std::uint64_t files_opened = 0;
    std::vector<std::filesystem::path> open_files;
};

class recorder {
public:
    explicit recorder(recorder_options options);
    // Writes out what is queued, closes every file and joins the writer thread.
    ~recorder();
    recorder(const recorder&) = delete;
    recorder& operator=(const recorder&) = delete;

    // Any thread.  A new segment of `channel` (ends the previous one of that channel).
    void start_segment(const std::string& channel, const std::string& booth, time_point start);
    // Any thread.  False when the queue was full and the packet was dropped (counted).
    bool write(const std::string& channel, std::span<const std::uint8_t> packet, int samples);
    // Any thread.  `samples` of audio lost before the next packet (keeps the file's timeline).
    bool write_gap(const std::string& channel, int samples);
    void end_segment(const std::string& channel);

    recorder_status status() const;

    // Waits until the writer thread has handled everything queued before the call (and
    // flushed the files); false after `timeout`.  For shutdown and tests.
    bool drain(std::chrono::milliseconds timeout);

private:
    struct item;
    struct channel_file;

    bool push(item&& it, bool control);
    void run();
    void handle(item& it);
    void open(const item& it);
    void finish(channel_file& file);  // after a clean close
    void fail(channel_file& file, const std::string& channel, const std::string& what);
    void flush_all();
    void publish_status();

    recorder_options options_;
    std::shared_ptr<spdlog::logger> log_;

    mutable std::mutex queue_mutex_;  // guards queue_, stop_, queued_, handled_, dropped_
    std::condition_variable queue_ready_;
    std::condition_variable handled_ready_;
    std::deque<item> queue_;
    bool stop_ = false;
    std::uint64_t queued_ = 0;   // items ever accepted
    std::uint64_t handled_ = 0;  // items the writer has finished
    std::uint64_t dropped_ = 0;

    // The writer thread's own state: touched by run() only.
    std::vector<std::unique_ptr<channel_file>> files_;
    recorder_status working_;

    mutable std::mutex status_mutex_;  // guards status_
    recorder_status status_;

    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace tolk::monitor
