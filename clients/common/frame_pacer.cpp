#include "clients/common/frame_pacer.hpp"

namespace tolk::client {

frame_pacer::frame_pacer(std::int64_t start_us, int frame_samples, int rate)
    : start_us_(start_us), frame_samples_(frame_samples), rate_(rate) {}

std::int64_t frame_pacer::capture_us(std::uint64_t k) const {
    const auto frames = static_cast<std::int64_t>(k) - static_cast<std::int64_t>(first_);
    return start_us_ + frames * frame_samples_ * 1'000'000 / rate_;
}

std::uint64_t frame_pacer::frames_due(std::int64_t now_us) const {
    if (now_us < start_us_)
        return first_;
    const std::int64_t samples = (now_us - start_us_) * rate_ / 1'000'000;
    return first_ + static_cast<std::uint64_t>(samples / frame_samples_);
}

void frame_pacer::reanchor(std::uint64_t k, std::int64_t now_us) {
    first_ = k;
    start_us_ = now_us - frame_samples_ * 1'000'000 / rate_;
}

}  // namespace tolk::client
