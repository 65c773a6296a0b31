#pragma once
// Estimates the audio bandwidth of a stream: the highest frequency that still holds meaningful
// energy, from a long-term average spectrum of the stream's active (non-silent) blocks.  A
// telephone-band feed (300-3,400 Hz) reads about 3.5-4 kHz and is flagged narrow-band; a
// microphone through a full-band codec reads well above 8 kHz.
// Owned by one thread (the channel's monitor); not thread-safe.

#include <complex>
#include <cstdint>
#include <span>
#include <vector>

namespace tolk::codec {

struct bandwidth_options {
    int fft_size = 1024;            // 21 ms blocks, 46.9 Hz bins; a power of two
    double active_dbfs = -50;       // blocks quieter than this (sine-referenced RMS) are skipped
    double average_seconds = 5;     // time constant of the average spectrum (of active audio)
    double band_hz = 250;           // the spectrum is read in bands this wide
    double floor_db = 50;           // a band "holds energy" within this of the strongest band
    double min_active_seconds = 1;  // no estimate before this much active audio
    double narrow_band_hz = 5000;   // at or below: narrow-band (telephone) audio
};

class bandwidth_estimator {
public:
    // Throws codec_error when fft_size is not a power of two in 64..16384.
    explicit bandwidth_estimator(const bandwidth_options& options = {});

    void add(std::span<const float> samples);

    // Upper edge in Hz of the highest band within floor_db of the strongest band; 0 until
    // min_active_seconds of active audio have been seen.
    double bandwidth_hz() const;
    bool known() const { return active_blocks_ >= min_blocks_; }
    // known() and bandwidth_hz() <= narrow_band_hz.
    bool narrow_band() const;

    // Forgets everything (a new source).
    void reset();

private:
    void analyse_block();

    bandwidth_options options_;
    std::vector<float> window_;                  // Hann
    std::vector<float> block_;                   // samples of the block being filled
    std::vector<std::complex<double>> scratch_;  // FFT buffer
    std::vector<double> spectrum_;               // average power per bin, 0..fft_size/2
    std::uint64_t active_blocks_ = 0;
    std::uint64_t min_blocks_;
    double alpha_;                               // per-block weight of the running average
};

}  // namespace tolk::codec
