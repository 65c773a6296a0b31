#include "codec/drift_estimator.hpp"

#include <algorithm>

namespace tolk::codec {

drift_estimator::drift_estimator(const drift_estimator_options& options) : options_(options) {}

void drift_estimator::reset() {
    points_.clear();
    in_block_ = false;
    has_origin_ = false;
    ppm_ = 0;
    valid_ = false;
}

void drift_estimator::add(std::int64_t capture_us, std::int64_t arrival_us) {
    if (!has_origin_) {
        has_origin_ = true;
        origin_us_ = capture_us;
        origin_offset_ = arrival_us - capture_us;
    }
    // Relative to the first frame, so the doubles keep microsecond precision for days.
    const double capture_s = static_cast<double>(capture_us - origin_us_) / 1e6;
    const auto offset = static_cast<double>(arrival_us - capture_us - origin_offset_);
    if (in_block_ && capture_us - block_start_us_ >= std::int64_t{options_.block_ms} * 1000) {
        points_.push_back({block_min_capture_s_, block_min_});
        if (points_.size() > static_cast<std::size_t>(options_.blocks)) {
            points_.pop_front();
        }
        in_block_ = false;
        fit();
    }
    if (!in_block_ || offset < block_min_) {
        if (!in_block_) {
            block_start_us_ = capture_us;
        }
        in_block_ = true;
        block_min_ = offset;
        block_min_capture_s_ = capture_s;
    }
}

void drift_estimator::fit() {
    if (points_.size() < static_cast<std::size_t>(options_.min_blocks)) {
        return;
    }
    const auto n = static_cast<double>(points_.size());
    double sx = 0, sy = 0;
    for (const auto& p : points_) {
        sx += p.capture_s;
        sy += p.offset_us;
    }
    const double mx = sx / n, my = sy / n;
    double sxx = 0, sxy = 0;
    for (const auto& p : points_) {
        sxx += (p.capture_s - mx) * (p.capture_s - mx);
        sxy += (p.capture_s - mx) * (p.offset_us - my);
    }
    if (sxx <= 0) {
        return;
    }
    // offset grows by slope µs per sender second: our clock runs slope ppm faster.
    const double slope_ppm = sxy / sxx;
    ppm_ = std::clamp(-slope_ppm, -options_.max_ppm, options_.max_ppm);
    valid_ = true;
}

}  // namespace tolk::codec
