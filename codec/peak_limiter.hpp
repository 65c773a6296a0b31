#pragma once
// Ear protection for what a booth console plays (issue 12): a look-ahead peak limiter with a
// hard ceiling (no output sample above it, ever), a lower sustained limit for sound that stays
// loud for longer than `sustained_after_ms`, and a warning while the output's one-minute
// average level is above `warning_dbfs` (desk practice: ceiling, sustained limit, long-term
// warning). Levels in dBFS (full scale = 1.0). Delays the signal by `lookahead_ms`.
// One instance per stream, one thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace tolk::codec {

struct limiter_options {
    double ceiling_dbfs = -1.0;     // the hard ceiling
    double sustained_dbfs = -9.0;   // the limit once sound has stayed loud
    double sustained_after_ms = 100;
    double warning_dbfs = -18.0;    // one-minute RMS average above this: warn
    double lookahead_ms = 5;
    double release_ms = 80;         // gain recovery time constant
    int sample_rate = 48'000;
};

struct limiter_state {
    bool sustained = false;       // the sustained limit is engaged now
    bool warning = false;         // the one-minute average is too loud
    double minute_dbfs = -120;    // the one-minute RMS average of the output
    double gain_reduction_db = 0; // now, >= 0
    std::uint64_t limited_samples = 0;
    // Samples the final hard clip had to cut (the look-ahead gain should leave none: a
    // clipped sample is distortion).
    std::uint64_t clipped_samples = 0;
};

class peak_limiter {
public:
    // Throws std::invalid_argument when a level or time is out of range (sustained above the ceiling, ...).
    explicit peak_limiter(const limiter_options& options = {});

    // Limits `samples` in place (each output sample is the input of lookahead_ms before).
    void process(std::span<float> samples);
    const limiter_state& state() const { return state_; }
    std::size_t latency_samples() const { return delay_.size(); }

private:
    float step(float x);
    void account(float y);

    limiter_options options_;
    float ceiling_, sustained_;
    std::size_t sustained_after_;
    float release_;         // per-sample gain recovery factor
    float envelope_decay_;  // the loudness envelope's per-sample decay
    std::vector<float> delay_;  // the look-ahead line (ring)
    std::size_t head_ = 0;
    // The needed gains of the samples in the look-ahead window, as a monotonic queue of
    // (sample index, gain): its front is the window's minimum.
    std::deque<std::pair<std::uint64_t, float>> needed_;
    std::uint64_t index_ = 0;
    float gain_ = 1.0f;
    float envelope_ = 0.0f;
    std::size_t loud_run_ = 0;
    // One-minute average: sums of squares per 100 ms block, in a ring of 600.
    std::vector<double> blocks_;
    std::size_t block_ = 0, block_fill_ = 0, blocks_filled_ = 0;
    double block_sum_ = 0;
    limiter_state state_;
};

}  // namespace tolk::codec
