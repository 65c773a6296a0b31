#pragma once
// Cross-correlation by FFT, the fast path of align() (signal_compare.hpp).  Pure function;
// callable from any thread.

#include <span>
#include <vector>

namespace tolk::codec {

// c[L - min_lag] = sum over n of a[n] * b[n + L], for every L in [min_lag, max_lag]
// (terms outside either signal count as 0).  O((|a| + |b|) log(|a| + |b|)).
std::vector<double> cross_correlation(std::span<const float> a, std::span<const float> b,
                                      long min_lag, long max_lag);

}  // namespace tolk::codec
