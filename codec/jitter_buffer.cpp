#include "codec/jitter_buffer.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::codec {

namespace {

constexpr double us_per_sample = 1e6 / sample_rate;
constexpr int wait_samples = 10 * samples_per_ms;  // PLC granularity while waiting out a stall

delay_estimator_options delay_options(const jitter_buffer_options& o) {
    return {.quantile = o.quantile,
            .history_ms = o.history_ms,
            .base_window_ms = o.base_window_ms,
            .min_delay_ms = o.min_delay_ms,
            .max_delay_ms = o.max_delay_ms,
            .shrink_ms_per_s = o.shrink_ms_per_s};
}

}  // namespace

jitter_buffer::jitter_buffer(const jitter_buffer_options& options)
    : options_(options), delays_(delay_options(options)) {}

void jitter_buffer::reset() {
    if (started_) {
        ++accounting_.stats().discontinuities;
    }
    decoder_.reset();
    store_.clear();
    pcm_.clear();
    delays_.reset();
    drift_.reset();
    accounting_.end_concealment();
    started_ = false;
    ended_ = false;
    drift_debt_ = 0;
}

void jitter_buffer::push(const incoming_frame& frame) {
    if (frame.discontinuity) {
        reset();
    }
    if (!started_ || (ended_ && store_.unwrap(frame.sequence) >= next_sequence_)) {
        // The first frame, or the first of a new segment after the last one ended: play from
        // here (the sequence numbers in between were never sent).
        started_ = true;
        ended_ = false;
        next_sequence_ = store_.unwrap(frame.sequence);
        next_capture_us_ = frame.capture_us;
        store_.drop_before(next_sequence_);
        accounting_.end_concealment();
    }
    // Late frames count too: they show the target was too low.
    if (store_.insert(frame, next_sequence_, accounting_.stats()) !=
        frame_store::insert_result::duplicate) {
        drift_.add(frame.capture_us, frame.arrival_us);
        delays_.add(frame.capture_us, frame.arrival_us);
    }
}

double jitter_buffer::slack_ms(std::int64_t now_us, std::int64_t capture_us) const {
    return (static_cast<double>(now_us - capture_us) - delays_.base_us()) / 1000;
}

void jitter_buffer::queue(const slot_decoder::result& slot, std::int64_t capture_us) {
    pcm_.append(frame_, capture_us, !slot.concealed, slot.pcm.size());
    accounting_.produced(static_cast<std::int64_t>(frame_.size()), slot.concealed);
    next_capture_us_ = capture_us + static_cast<std::int64_t>(
                                        static_cast<double>(slot.pcm.size()) * us_per_sample);
    ++next_sequence_;
}

void jitter_buffer::produce(std::int64_t now_us) {
    const double ahead_ms = static_cast<double>(pcm_.size()) * us_per_sample / 1000;
    const std::int64_t play_us = now_us + static_cast<std::int64_t>(ahead_ms * 1000);
    if (const stored_frame* next = store_.find(next_sequence_)) {
        // Normal, accelerate or decelerate.
        const double slack = slack_ms(now_us, next->capture_us);
        const auto slot = decoder_.next(store_, next_sequence_);
        frame_.assign(slot.pcm.begin(), slot.pcm.end());
        if (!slot.concealed) {
            accounting_.emitted(static_cast<std::int64_t>(slot.pcm.size()),
                                static_cast<double>(play_us - slot.arrival_us) / 1e6);
        }
        // The frame plays `ahead_ms` after this pull, and a frame must have arrived by the pull
        // that decodes it: its slack must cover the wanted quantile of relative delays.  Pulls
        // come every block, so the slacks of later frames lie on the grid slack + k * block
        // (time-scaling moves `ahead` within a block, and a frame to a pull earlier or later
        // when `ahead` wraps).  The target is the lowest grid point at or above the quantile
        // plus a small guard, played with nothing ahead: no whole block of margin is wasted.
        const double wanted = delays_.target_ms() + options_.guard_ms;
        current_delay_ms_ = slack + ahead_ms;
        target_delay_ms_ = slack - block_ms_ * std::floor((slack - wanted) / block_ms_);
        time_scale(current_delay_ms_ - target_delay_ms_);
        queue(slot, slot.concealed ? next_capture_us_ : slot.capture_us);
        ended_ = slot.end_of_segment;
        return;
    }
    const double slack = slack_ms(now_us, next_capture_us_);
    if (store_.has_after(next_sequence_) || slack > options_.max_delay_ms) {
        // Lost for good (the server dropped it), or waiting longer would exceed max_delay:
        // conceal the slot and move on.
        const auto slot = decoder_.next(store_, next_sequence_);
        frame_.assign(slot.pcm.begin(), slot.pcm.end());
        queue(slot, next_capture_us_);
        return;
    }
    // A stall: fill with PLC and keep the slot; the delay grows by what we wait.
    const auto pcm = decoder_.conceal(wait_samples);
    pcm_.append(pcm, next_capture_us_, false, 0);
    accounting_.produced(static_cast<std::int64_t>(pcm.size()), true);
    current_delay_ms_ = slack + ahead_ms;
}

void jitter_buffer::time_scale(double error_ms) {
    const auto frame_samples = static_cast<double>(frame_.size());
    const double max_budget = 2.0 * 10 * samples_per_ms;
    budget_ = std::min(budget_ + options_.max_speedup * frame_samples, max_budget);
    if (options_.drift_correction) {
        drift_debt_ += drift_.ppm() * 1e-6 * frame_samples;
    }
    const bool quiet = scaler_.quiet(frame_);
    const auto limit = [&](double samples) {
        return static_cast<std::size_t>(std::max(quiet ? samples : std::min(samples, budget_), 0.0));
    };
    // The delay is kept in [target, target + hysteresis]; within that band only drift moves it.
    // Decoded audio beyond the target is latency bought for nothing, so the band is as narrow
    // as a splice allows: a pitch period in speech, much less in a pause.
    const double error = error_ms * samples_per_ms;
    const double band =
        (quiet ? options_.quiet_hysteresis_ms : options_.hysteresis_ms) * samples_per_ms;
    const bool control = error > band || error < 0;
    std::size_t removed = 0, inserted = 0;
    if (error_ms > options_.fast_accelerate_ms) {
        // Far above target (the burst after a stall): up to two periods per frame, past the
        // budget, so the stall's delay is gone within about a second.
        for (int pass = 0; pass < 2; ++pass) {
            const double left = error - static_cast<double>(removed);
            const std::size_t n =
                scaler_.accelerate(frame_, static_cast<std::size_t>(std::max(left, 0.0)));
            if (n == 0) {
                break;
            }
            removed += n;
        }
    } else if (error > band) {
        removed = scaler_.accelerate(frame_, limit(error));
    } else if (error < 0) {
        inserted = scaler_.decelerate(frame_, limit(band - error));
    } else if (drift_debt_ > 0) {
        removed = scaler_.accelerate(frame_, limit(std::min(drift_debt_, error)));
    } else {
        inserted = scaler_.decelerate(frame_, limit(std::min(-drift_debt_, band - error)));
    }
    if (removed + inserted == 0) {
        return;
    }
    if (control) {
        drift_debt_ = 0;  // the delay control moved it: drift included
    } else {
        drift_debt_ += static_cast<double>(inserted) - static_cast<double>(removed);
    }
    if (!quiet) {
        budget_ = std::max(budget_ - static_cast<double>(removed + inserted), 0.0);
    }
    auto& s = accounting_.stats();
    s.removed_samples_for_acceleration += removed;
    s.inserted_samples_for_deceleration += inserted;
}

playout_info jitter_buffer::pull(std::span<float> out, std::int64_t now_us) {
    if (!started_) {
        std::fill(out.begin(), out.end(), 0.0f);
        return {};
    }
    block_ms_ = static_cast<double>(out.size()) / samples_per_ms;
    while (pcm_.size() < out.size() && !ended_) {
        produce(now_us);
    }
    // After the last frame of a segment: its tail, then silence (not playing).
    return accounting_.play(pcm_, out);
}

playout_stats jitter_buffer::stats() const {
    playout_stats s = accounting_.stats();
    s.current_delay_ms = current_delay_ms_;
    s.target_delay_ms = target_delay_ms_;
    s.drift_ppm = drift_.ppm();
    return s;
}

std::unique_ptr<playout_buffer> make_jitter_buffer(const jitter_buffer_options& options) {
    return std::make_unique<jitter_buffer>(options);
}

}  // namespace tolk::codec
