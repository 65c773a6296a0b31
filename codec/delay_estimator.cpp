#include "codec/delay_estimator.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::codec {

namespace {
constexpr double rescale_above = 1e100;
}

delay_estimator::delay_estimator(const delay_estimator_options& options)
    : options_(options),
      peaks_(options.peaks),
      histogram_(static_cast<std::size_t>(options.max_delay_ms + 1), 0.0),
      forget_(std::exp(-static_cast<double>(options.frame_ms) / std::max(options.history_ms, 1))),
      target_ms_(options.min_delay_ms) {}

void delay_estimator::reset() {
    std::fill(histogram_.begin(), histogram_.end(), 0.0);
    weight_ = 1;
    total_ = 0;
    window_.clear();
    minima_.clear();
    early_since_us_.reset();
    target_ms_ = options_.min_delay_ms;
    peaks_.reset();
    frames_ = 0;
    started_ = false;
}

double delay_estimator::base_us() const {
    return minima_.empty() ? 0.0 : minima_.front();
}

void delay_estimator::add(std::int64_t capture_us, std::int64_t arrival_us) {
    if (!started_) {
        started_ = true;
        last_capture_us_ = capture_us;
        first_arrival_us_ = arrival_us;
    }
    // Raw offsets: over the base window clock drift moves them by well under a millisecond
    // (0.6 ms at 300 ppm over 2 s).  De-sloping them with a drift estimate that changes over
    // time would make the base jump whenever the estimate does.
    const auto offset = static_cast<double>(arrival_us - capture_us);
    const std::int64_t settle_us = std::int64_t{options_.base_settle_ms} * 1000;
    double counted = offset;  // what the base window takes of this frame
    if (!minima_.empty() && offset < minima_.front() - options_.early_ms * 1000 &&
        arrival_us - first_arrival_us_ >= settle_us) {
        if (!early_since_us_) {
            early_since_us_ = arrival_us;
        }
        if (arrival_us - *early_since_us_ < settle_us) {
            counted = minima_.front();  // not yet: the base stays
        }
    } else {
        early_since_us_.reset();
    }
    window_.push_back(counted);
    while (!minima_.empty() && minima_.back() > counted) {
        minima_.pop_back();
    }
    minima_.push_back(counted);
    const auto window_frames =
        static_cast<std::size_t>(std::max(options_.base_window_ms / options_.frame_ms, 1));
    if (window_.size() > window_frames) {
        if (window_.front() == minima_.front()) {
            minima_.pop_front();
        }
        window_.pop_front();
    }

    const double relative_ms = (offset - minima_.front()) / 1000;
    const auto bin = static_cast<std::size_t>(
        std::clamp(relative_ms, 0.0, static_cast<double>(histogram_.size() - 1)));
    weight_ /= forget_;
    histogram_[bin] += weight_;
    total_ += weight_;
    if (weight_ > rescale_above) {
        for (double& h : histogram_) {
            h /= weight_;
        }
        total_ /= weight_;
        weight_ = 1;
    }

    // Fast grow, slow shrink, bounded.
    const double elapsed_s = static_cast<double>(std::max<std::int64_t>(capture_us - last_capture_us_, 0)) / 1e6;
    last_capture_us_ = std::max(last_capture_us_, capture_us);
    // Until the histogram holds a second of frames its quantile says little: start safe.
    ++frames_;
    const double floor_ms = frames_ < 1000 / options_.frame_ms ? options_.start_delay_ms : 0;
    const double quantile = quantile_ms();
    peaks_.add(capture_us, relative_ms, quantile);
    const double wanted =
        std::clamp(std::max({quantile, floor_ms, peaks_.target_ms()}), static_cast<double>(options_.min_delay_ms),
                   static_cast<double>(options_.max_delay_ms));
    target_ms_ = wanted >= target_ms_
                     ? wanted
                     : std::max(wanted, target_ms_ - options_.shrink_ms_per_s * elapsed_s);
}

double delay_estimator::quantile_ms() const {
    // The smallest delay d such that the share of (weighted) frames above d is <= 1 - quantile.
    // The top bin holds frames at or beyond max_delay (an outage): no target can save them, so
    // they do not pull the target up to max_delay for the whole memory of the histogram.
    const double allowed_late = (1 - options_.quantile) * total_;
    double above = 0;
    for (std::size_t i = histogram_.size() - 1; i-- > 0;) {
        above += histogram_[i];
        if (above > allowed_late) {
            return static_cast<double>(i + 1);  // bin i holds [i, i+1) ms
        }
    }
    return 0;
}

}  // namespace tolk::codec
