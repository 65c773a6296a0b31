#include "codec/jitter_buffer.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

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
            .shrink_ms_per_s = o.shrink_ms_per_s,
            .start_delay_ms = o.start_delay_ms,
            .peaks = o.peaks};
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
    primed_ = false;
    filtered_ = false;
    drift_debt_ = 0;
    since_pause_ms_ = 0;
    last_arrival_us_ = 0;
    newest_capture_us_ = 0;
    backlog_.clear();
    backlog_open_ = false;
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
        primed_ = false;  // start the new stream or segment at the target
        next_sequence_ = store_.unwrap(frame.sequence);
        next_capture_us_ = frame.capture_us;
        store_.drop_before(next_sequence_);
        accounting_.end_concealment();
        backlog_.clear();
        backlog_open_ = true;
    }
    // Late frames count too: they show the target was too low.
    if (store_.insert(frame, next_sequence_, accounting_.stats()) !=
        frame_store::insert_result::duplicate) {
        last_arrival_us_ = std::max(last_arrival_us_, frame.arrival_us);
        newest_capture_us_ = std::max(newest_capture_us_, frame.capture_us);
        if (backlog_open_) {
            backlog_.push_back({frame.capture_us, frame.arrival_us});
            return;
        }
        drift_.add(frame.capture_us, frame.arrival_us);
        delays_.add(frame.capture_us, frame.arrival_us);
    }
}

void jitter_buffer::close_backlog() {
    if (!backlog_open_) {
        return;
    }
    // What came with the first frame, before the first pull after it: a backlog when it spans
    // more than a device callback's share (a page whose audio started after its WebSocket, a
    // reconnect's first read).  Its frames older than the newest by over backlog_age_us tell
    // how old they are, not how late the path delivers, and would keep the target up for as
    // long as the delay histogram remembers them (issue 18): they are no delay samples.
    backlog_open_ = false;
    std::int64_t newest = 0;
    for (const auto& [capture, arrival] : backlog_) {
        newest = std::max(newest, capture);
    }
    for (const auto& [capture, arrival] : backlog_) {
        if (newest - capture <= backlog_age_us) {
            drift_.add(capture, arrival);
            delays_.add(capture, arrival);
        }
    }
    backlog_.clear();
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
        continuation_.clear();
        if (accounting_.concealing() && options_.crossfade_ms > 0) {
            // Decoded audio resumes: carry the concealment on a little, to fade from.
            const int n = std::max(1, static_cast<int>(std::lround(options_.crossfade_ms / 2.5))) *
                          min_frame_samples;
            const auto tail = decoder_.conceal(n);
            continuation_.assign(tail.begin(), tail.end());
        }
        const auto slot = decoder_.next(store_, next_sequence_);
        frame_.assign(slot.pcm.begin(), slot.pcm.end());
        if (!slot.concealed) {
            fade_in(continuation_);
        }
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
        const double block = pace_.block_ms();
        target_delay_ms_ = slack - block * std::floor((slack - wanted) / block);
        if (slot.concealed || stretch(now_us) == 0) {
            time_scale(current_delay_ms_ - target_delay_ms_);
        }
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

double jitter_buffer::stretch(std::int64_t now_us) {
    // Nothing has arrived for stall_after_ms, and the newest frame held is not one that came
    // early (a browser's audio clock that stood still stamps frames early, then none come
    // until it has caught up: what is held covers that gap).
    const double after_us = options_.stall_after_ms * 1000;
    const double due_us = static_cast<double>(newest_capture_us_) + delays_.base_us();
    if (options_.stall_stretch <= 0 || static_cast<double>(now_us - last_arrival_us_) < after_us ||
        static_cast<double>(now_us) - due_us < after_us) {
        return 0;
    }
    // Up to stall_stretch of the frame, in whole periods (two at most), past the budget: a
    // stall is what this buffer is for, and a stretched word is kinder than a gap.
    const auto most = static_cast<std::size_t>(options_.stall_stretch * static_cast<double>(frame_.size()));
    const bool quiet = scaler_.quiet(frame_);
    std::size_t inserted = 0;
    for (int pass = 0; pass < 2 && inserted < most; ++pass) {
        const std::size_t n = scaler_.decelerate(frame_, most - inserted);
        if (n == 0) {
            break;
        }
        count_splice(quiet);
        inserted += n;
    }
    accounting_.stats().inserted_samples_for_deceleration += inserted;
    filtered_error_ms_ += static_cast<double>(inserted) / samples_per_ms;
    return static_cast<double>(inserted);
}

void jitter_buffer::fade_in(std::span<const float> continuation) {
    const std::size_t n = std::min(continuation.size(), frame_.size());
    for (std::size_t i = 0; i < n; ++i) {
        const double w = 0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(i) + 0.5) /
                                               static_cast<double>(n));
        frame_[i] = static_cast<float>((1 - w) * continuation[i] + w * frame_[i]);
    }
}

void jitter_buffer::count_splice(bool quiet) {
    auto& s = accounting_.stats();
    ++s.time_scale_operations;
    if (quiet) {
        ++s.time_scale_operations_in_pauses;
    }
}

double jitter_buffer::splice(double samples, bool quiet) {
    const double wanted = quiet ? std::abs(samples) : std::min(std::abs(samples), budget_);
    const auto limit = static_cast<std::size_t>(std::max(wanted, 0.0));
    if (limit == 0) {
        return 0;
    }
    const std::size_t n =
        samples > 0 ? scaler_.accelerate(frame_, limit) : scaler_.decelerate(frame_, limit);
    if (n == 0) {
        return 0;
    }
    count_splice(quiet);
    if (!quiet) {
        budget_ = std::max(budget_ - static_cast<double>(n), 0.0);
    }
    return samples > 0 ? static_cast<double>(n) : -static_cast<double>(n);
}

double jitter_buffer::drain(double error_ms, bool quiet) {
    // Far above target (the burst after a stall): up to two periods per frame, past the
    // budget, so the stall's delay is gone within about a second.
    double removed = 0;
    for (int pass = 0; pass < 2; ++pass) {
        const double left = error_ms * samples_per_ms - removed;
        const std::size_t n =
            left > 0 ? scaler_.accelerate(frame_, static_cast<std::size_t>(left)) : 0;
        if (n == 0) {
            break;
        }
        count_splice(quiet);
        removed += static_cast<double>(n);
    }
    return removed;
}

void jitter_buffer::time_scale(double error_ms) {
    const auto frame_samples = static_cast<double>(frame_.size());
    const double max_budget = 2.0 * 10 * samples_per_ms;
    budget_ = std::min(budget_ + options_.max_speedup * frame_samples, max_budget);
    if (options_.drift_correction && drift_.valid() &&
        std::abs(drift_.ppm()) >= options_.min_drift_ppm) {
        drift_debt_ += drift_.ppm() * 1e-6 * frame_samples;
    }
    // The decisions follow the error smoothed over level_filter_ms (one update per frame), so
    // a pull that comes a little early or late, or a frame decoded one pull sooner, moves
    // nothing.  The band is as narrow as a splice allows (a pitch period) on an even pull
    // pace, and widens by the pace's wobble.
    const double alpha = std::min(1.0, frame_samples / samples_per_ms / options_.level_filter_ms);
    filtered_error_ms_ = filtered_ ? filtered_error_ms_ + alpha * (error_ms - filtered_error_ms_)
                                   : error_ms;
    filtered_ = true;
    const double widen = std::min(pace_.wobble_ms(), options_.max_band_widening_ms);
    const double high = options_.hysteresis_ms + widen;
    const double low = options_.low_band_ms + widen;
    const bool quiet = scaler_.quiet(frame_);
    since_pause_ms_ = quiet ? 0 : since_pause_ms_ + frame_samples / samples_per_ms;
    double changed = 0;  // samples removed (positive) or inserted (negative)
    bool control = true;
    if (error_ms > options_.fast_accelerate_ms) {
        changed = drain(error_ms, quiet);
        filtered_error_ms_ = error_ms;
    } else if (filtered_error_ms_ > high) {
        if (quiet || !options_.trim_in_pauses || since_pause_ms_ > options_.pause_wait_ms) {
            changed = splice(filtered_error_ms_ * samples_per_ms, quiet);
        }
    } else if (filtered_error_ms_ < -low || error_ms < -low) {
        // Below target: frames would come too late, which is worse than a splice, so the
        // unfiltered error counts too (a target that jumped is followed at once).
        changed = splice(std::min(filtered_error_ms_, error_ms) * samples_per_ms, quiet);
    } else if (drift_debt_ > 0) {
        control = false;
        changed = splice(std::min(drift_debt_, filtered_error_ms_ * samples_per_ms), quiet);
    } else if (drift_debt_ < 0) {
        control = false;
        changed = splice(std::max(drift_debt_, (filtered_error_ms_ - high) * samples_per_ms), quiet);
    }
    if (changed == 0) {
        return;
    }
    filtered_error_ms_ -= changed / samples_per_ms;
    drift_debt_ = control ? 0 : drift_debt_ - changed;
    auto& s = accounting_.stats();
    if (changed > 0) {
        s.removed_samples_for_acceleration += static_cast<std::uint64_t>(changed);
    } else {
        s.inserted_samples_for_deceleration += static_cast<std::uint64_t>(-changed);
    }
}

bool jitter_buffer::primed(std::int64_t now_us) {
    if (primed_) {
        return true;
    }
    close_backlog();
    // An uneven pace decodes a frame up to a pull sooner than an even one would: start that
    // much later, so the frames after the first are there when asked for.
    const double wanted = delays_.target_ms() + options_.guard_ms +
                          std::min(pace_.wobble_ms(), options_.max_band_widening_ms);
    if (slack_ms(now_us, next_capture_us_) < wanted) {
        return false;
    }
    // A backlog holds more than the target: start at the last frame that has waited it, not at
    // the oldest, so playout begins at the target instead of draining the rest by time-scaling.
    for (;;) {
        const stored_frame* after = store_.find(next_sequence_ + 1);
        if (after == nullptr || slack_ms(now_us, after->capture_us) < wanted) {
            break;
        }
        ++next_sequence_;
        next_capture_us_ = after->capture_us;
        store_.drop_before(next_sequence_);
        ++accounting_.stats().frames_skipped_at_start;
    }
    primed_ = true;
    filtered_ = false;
    return true;
}

playout_info jitter_buffer::pull(std::span<float> out, std::int64_t now_us) {
    pace_.add(now_us, out.size());
    if (!started_) {
        std::fill(out.begin(), out.end(), 0.0f);
        return {};
    }
    if (!primed(now_us)) {
        // Before the first frame has waited the target: what is left of a previous segment,
        // then silence.
        return accounting_.play(pcm_, out);
    }
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
    s.peak_delay_ms = delays_.peak_ms();
    return s;
}

std::unique_ptr<playout_buffer> make_jitter_buffer(const jitter_buffer_options& options) {
    return std::make_unique<jitter_buffer>(options);
}

}  // namespace tolk::codec
