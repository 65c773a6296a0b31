#include "clients/common/threaded_sink.hpp"

#include "clients/common/log.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace tolk::client {

threaded_sink::threaded_sink(backend out, std::string description, int block_samples,
                             std::size_t max_queued_samples)
    : out_(std::move(out)),
      description_(std::move(description)),
      block_samples_(static_cast<std::size_t>(block_samples)),
      max_queued_(max_queued_samples),
      thread_([this] { run(); }) {}

threaded_sink::~threaded_sink() { close(); }

void threaded_sink::write(std::span<const float> pcm) {
    {
        std::lock_guard lock(mutex_);
        if (closing_)
            return;
        queue_.insert(queue_.end(), pcm.begin(), pcm.end());
        if (queue_.size() > max_queued_) {
            const std::size_t excess = queue_.size() - max_queued_;
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(excess));
            dropped_ += excess;
        }
    }
    ready_.notify_one();
}

void threaded_sink::close() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
        thread_.join();
}

std::uint64_t threaded_sink::dropped_samples() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void threaded_sink::run() {
    std::vector<float> block;
    bool finished = false;
    while (!finished) {
        {
            std::unique_lock lock(mutex_);
            if (out_.real_time)
                ready_.wait_for(lock, std::chrono::milliseconds(2), [&] { return closing_ || queue_.size() >= block_samples_; });
            else
                ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
            // A device takes whole blocks; short of one, it gets silence and the samples wait.
            const std::size_t n = !out_.real_time ? queue_.size()
                                  : queue_.size() >= block_samples_ || closing_
                                      ? std::min(queue_.size(), block_samples_)
                                      : 0;
            block.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
            finished = closing_ && queue_.empty();
        }
        if (out_.real_time)
            block.resize(block_samples_, 0.0f);  // an underrun plays silence
        try {
            if (!block.empty())
                out_.write(block);
        } catch (const std::exception& e) {
            component_logger("sink")->error("{}: {}; output stops here", description_, e.what());
            break;
        }
    }
    try {
        out_.finish();
    } catch (const std::exception& e) {
        component_logger("sink")->error("{}: {}", description_, e.what());
    }
}

}  // namespace tolk::client
