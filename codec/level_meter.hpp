#pragma once
// Peak and RMS level of a stream of 48 kHz samples, in dBFS, over consecutive windows, and a
// count of clipped samples.  RMS is sine-referenced (AES17): a full-scale sine reads 0 dBFS, so
// a sine whose peak is -20 dBFS also reads -20 dBFS RMS.
// Owned by one thread (the channel's monitor); not thread-safe.

#include <cstdint>
#include <span>

namespace tolk::codec {

// The quietest level a meter reports: digital silence reads this, not -inf.
inline constexpr double level_floor_dbfs = -120.0;

// 20 log10(amplitude), floored at level_floor_dbfs.
double amplitude_to_dbfs(double amplitude);
// Sine-referenced RMS level of `samples` (level_floor_dbfs when empty or silent).
double rms_dbfs(std::span<const float> samples);

struct level_options {
    int window_samples = 14400;   // 300 ms: a VU-like integration time
    float clip_level = 0.99f;     // |x| at or above this (-0.09 dBFS) counts as clipped
};

struct level_reading {
    double peak_dbfs = level_floor_dbfs;
    double rms_dbfs = level_floor_dbfs;
};

class level_meter {
public:
    explicit level_meter(const level_options& options = {});

    // Any number of samples; a window completes every window_samples.
    void add(std::span<const float> samples);

    // The last completed window (floor levels until one completes).
    const level_reading& last() const { return last_; }
    bool has_reading() const { return windows_ > 0; }
    std::uint64_t clipped_samples() const { return clipped_; }
    std::uint64_t windows() const { return windows_; }

    // Forgets the current window and the last reading; the clip count stays (it is a total).
    void reset();

private:
    void complete_window();

    level_options options_;
    level_reading last_;
    float peak_ = 0;          // max |x| in the current window
    double sum_squares_ = 0;  // over the current window
    int filled_ = 0;          // samples in the current window
    std::uint64_t windows_ = 0;
    std::uint64_t clipped_ = 0;
};

}  // namespace tolk::codec
