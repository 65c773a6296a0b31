#include "codec/peak_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tolk::codec {
namespace {

float linear(double dbfs) { return static_cast<float>(std::pow(10.0, dbfs / 20.0)); }

std::size_t samples_of(double ms, int rate) { return static_cast<std::size_t>(std::lround(ms * rate / 1000.0)); }

}  // namespace

peak_limiter::peak_limiter(const limiter_options& o)
    : options_(o),
      ceiling_(linear(o.ceiling_dbfs)),
      sustained_(linear(o.sustained_dbfs)),
      sustained_after_(samples_of(o.sustained_after_ms, o.sample_rate)),
      release_(static_cast<float>(std::exp(-1.0 / (o.release_ms / 1000.0 * o.sample_rate)))),
      envelope_decay_(static_cast<float>(std::exp(-1.0 / (0.05 * o.sample_rate)))),  // 50 ms
      delay_(std::max<std::size_t>(1, samples_of(o.lookahead_ms, o.sample_rate)), 0.0f),
      blocks_(600, 0.0) {
    if (!(o.ceiling_dbfs <= 0 && o.ceiling_dbfs >= -40))
        throw std::invalid_argument("limiter ceiling must be within -40..0 dBFS");
    if (!(o.sustained_dbfs <= o.ceiling_dbfs && o.sustained_dbfs >= -60))
        throw std::invalid_argument("limiter sustained limit must be within -60 dBFS..the ceiling");
    if (!(o.lookahead_ms >= 0.5 && o.lookahead_ms <= 20) || !(o.release_ms >= 1 && o.release_ms <= 5000) ||
        !(o.sustained_after_ms >= 1 && o.sustained_after_ms <= 10'000) || o.sample_rate < 8000)
        throw std::invalid_argument("limiter times out of range");
}

void peak_limiter::process(std::span<float> samples) {
    for (auto& s : samples)
        s = step(s);
}

float peak_limiter::step(float x) {
    if (!std::isfinite(x))
        x = 0.0f;
    // How loud the input has been: a peak envelope, and for how long it has stayed above the
    // sustained limit.
    envelope_ = std::max(std::fabs(x), envelope_ * envelope_decay_);
    loud_run_ = envelope_ > sustained_ ? loud_run_ + 1 : 0;
    state_.sustained = loud_run_ > sustained_after_;
    const float limit = state_.sustained ? sustained_ : ceiling_;

    // The gain this sample needs, into the look-ahead window's minimum queue.
    const float need = std::fabs(x) > limit ? limit / std::fabs(x) : 1.0f;
    while (!needed_.empty() && needed_.back().second >= need)
        needed_.pop_back();
    needed_.emplace_back(index_, need);
    const std::uint64_t window = delay_.size();
    while (needed_.front().first + window < index_)
        needed_.pop_front();
    ++index_;

    // Attack at once to the lowest gain any sample in the window needs (so the sample leaving
    // the line now is below the limit); recover slowly.
    const float target = needed_.front().second;
    gain_ = target < gain_ ? target : std::min(target, 1.0f - (1.0f - gain_) * release_);

    const float out_raw = delay_[head_];
    delay_[head_] = x;
    head_ = (head_ + 1) % delay_.size();
    float y = out_raw * gain_;
    if (std::fabs(y) > ceiling_ * 1.00001f) {  // the hard ceiling, whatever happened before
        ++state_.clipped_samples;
    }
    if (std::fabs(y) > ceiling_) {
        y = std::copysign(ceiling_, y);
        ++state_.limited_samples;
    } else if (gain_ < 1.0f) {
        ++state_.limited_samples;
    }
    state_.gain_reduction_db = -20.0 * std::log10(std::max(gain_, 1e-6f));
    account(y);
    return y;
}

void peak_limiter::account(float y) {
    block_sum_ += double(y) * y;
    if (++block_fill_ < static_cast<std::size_t>(options_.sample_rate / 10))
        return;
    blocks_[block_] = block_sum_;
    block_ = (block_ + 1) % blocks_.size();
    blocks_filled_ = std::min(blocks_filled_ + 1, blocks_.size());
    block_sum_ = 0;
    block_fill_ = 0;
    double sum = 0;
    for (std::size_t i = 0; i < blocks_filled_; ++i)
        sum += blocks_[i];
    const double mean = sum / (double(blocks_filled_) * (options_.sample_rate / 10));
    // Sine-referenced, as level_meter: a full-scale sine reads 0 dBFS.
    state_.minute_dbfs = mean > 0 ? 10.0 * std::log10(2.0 * mean) : -120.0;
    state_.warning = state_.minute_dbfs > options_.warning_dbfs;
}

}  // namespace tolk::codec
