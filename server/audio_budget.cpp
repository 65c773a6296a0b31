#include "server/audio_budget.hpp"

#include <algorithm>

namespace tolk::server {

audio_budget::audio_budget(double ratio, double burst_seconds)
    : ratio_(ratio),
      audio_cap_us_(burst_seconds * 1e6),
      bytes_cap_(burst_seconds * ratio * max_opus_bytes_per_second) {}

void audio_budget::reset(std::int64_t now_us) {
    audio_us_ = audio_cap_us_;
    bytes_ = bytes_cap_;
    at_us_ = now_us;
}

void audio_budget::refill(std::int64_t now_us) {
    const double elapsed_us = static_cast<double>(std::max<std::int64_t>(0, now_us - at_us_));
    at_us_ = std::max(at_us_, now_us);
    audio_us_ = std::min(audio_cap_us_, audio_us_ + ratio_ * elapsed_us);
    bytes_ = std::min(bytes_cap_, bytes_ + ratio_ * max_opus_bytes_per_second * elapsed_us / 1e6);
}

bool audio_budget::spend(std::int64_t now_us, int samples, std::size_t bytes) {
    refill(now_us);
    audio_us_ -= samples * (1e6 / 48'000);
    bytes_ -= static_cast<double>(bytes);
    return audio_us_ >= 0 && bytes_ >= 0;
}

}  // namespace tolk::server
