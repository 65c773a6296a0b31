#include "codec/pcm_queue.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::codec {

void pcm_queue::append(std::span<const float> pcm, std::int64_t capture_us, bool known,
                       std::size_t source_samples) {
    if (pcm.empty()) {
        return;
    }
    if (read_ > 0 && read_ >= samples_.size() / 2) {
        samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(read_));
        read_ = 0;
    }
    samples_.insert(samples_.end(), pcm.begin(), pcm.end());
    const double us_per_sample =
        1e6 / sample_rate * static_cast<double>(source_samples) / static_cast<double>(pcm.size());
    chunks_.push_back({pcm.size(), capture_us, known, us_per_sample});
}

pcm_queue::position pcm_queue::front() const {
    if (chunks_.empty()) {
        return {};
    }
    const chunk& c = chunks_.front();
    return {c.capture_us + std::llround(static_cast<double>(chunk_offset_) * c.us_per_sample),
            c.known};
}

std::size_t pcm_queue::pop(std::span<float> out) {
    const std::size_t n = std::min(out.size(), size());
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(read_), n, out.begin());
    drop(n);
    return n;
}

void pcm_queue::drop(std::size_t n) {
    n = std::min(n, size());
    read_ += n;
    while (n > 0 && !chunks_.empty()) {
        const std::size_t left = chunks_.front().samples - chunk_offset_;
        if (n < left) {
            chunk_offset_ += n;
            return;
        }
        n -= left;
        chunks_.pop_front();
        chunk_offset_ = 0;
    }
}

void pcm_queue::clear() {
    samples_.clear();
    read_ = 0;
    chunks_.clear();
    chunk_offset_ = 0;
}

}  // namespace tolk::codec
