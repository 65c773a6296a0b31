#pragma once
// How tests decide that "the audio that came out matches what went in": find the delay
// between a reference and what was received, then measure correlation and SNR at that delay.
// Pure functions; callable from any thread.

#include <cstddef>
#include <span>

namespace tolk::codec {

struct alignment {
    long lag = 0;             // received[n + lag] lines up with reference[n]
    double correlation = 0;   // normalised correlation at lag, over the overlap
    std::size_t overlap = 0;  // samples compared at lag
};

// Finds the lag L in [min_lag, max_lag] that maximises the normalised correlation of
// received[n + L] against reference[n] over their overlap.  Lags whose overlap is less than
// half the largest overlap in the range are not considered (a few samples of overlap would
// otherwise "correlate" by chance).  A coarse FFT cross-correlation on a low-passed 6 kHz copy
// finds candidates, a search at full rate refines them: 30 s against a +-2 s range takes a
// fraction of a second.  A signal with almost no energy below 2.4 kHz is searched at full rate.
alignment align(std::span<const float> reference, std::span<const float> received, long min_lag,
                long max_lag);

// Normalised correlation (-1..1) of received[n + lag] against reference[n] over the overlap;
// 0 when there is no overlap or one side is silent there.
double correlation_at(std::span<const float> reference, std::span<const float> received, long lag);

// SNR in dB of received[n + lag] against reference[n] over the overlap, after scaling
// received by the least-squares gain (so a level change is not counted as noise).  Capped at
// 200 dB for identical signals; -200 dB when there is nothing to compare.
double snr_db_at(std::span<const float> reference, std::span<const float> received, long lag);

}  // namespace tolk::codec
