#pragma once
// An audio_sink whose output blocks (a file, stdout, a sound card): write() appends to a
// bounded queue under a mutex, and a dedicated thread drains it into the backend.
// A file backend waits for samples; a real-time backend (a sound card) is fed a block of
// silence whenever the queue runs dry, so the device never stops.
// write/close from one thread; the backend runs only on the sink's own thread.

#include "clients/common/audio_sink.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tolk::client {

class threaded_sink final : public audio_sink {
public:
    struct backend {
        std::function<void(std::span<const float>)> write;  // may block
        std::function<void()> finish;                        // after the last write
        bool real_time = false;
    };

    threaded_sink(backend out, std::string description, int block_samples,
                  std::size_t max_queued_samples = 48000 * 5);
    ~threaded_sink() override;

    void write(std::span<const float> pcm) override;
    void close() override;
    std::string description() const override { return description_; }
    std::uint64_t dropped_samples() const override;

private:
    void run();

    backend out_;
    std::string description_;
    std::size_t block_samples_;
    std::size_t max_queued_;
    mutable std::mutex mutex_;  // guards queue_, closing_, dropped_
    std::condition_variable ready_;
    std::deque<float> queue_;
    bool closing_ = false;
    std::uint64_t dropped_ = 0;
    std::thread thread_;
};

}  // namespace tolk::client
