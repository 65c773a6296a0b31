#pragma once
// A small in-place radix-2 FFT, shared by cross_correlation() and the bandwidth estimator.
// Pure function; callable from any thread.

#include <complex>
#include <vector>

namespace tolk::codec {

// In-place iterative radix-2 FFT; data.size() must be a power of two (anything else is a
// programming error and leaves data unspecified).  inverse: no 1/N scaling.
void fft(std::vector<std::complex<double>>& data, bool inverse);

}  // namespace tolk::codec
