#include "codec/cross_correlation.hpp"

#include "codec/fft.hpp"

#include <bit>
#include <cmath>
#include <complex>

namespace tolk::codec {
namespace {
using complex = std::complex<double>;
}  // namespace

std::vector<double> cross_correlation(std::span<const float> a, std::span<const float> b,
                                      long min_lag, long max_lag) {
    if (max_lag < min_lag) {
        return {};
    }
    std::vector<double> result(static_cast<std::size_t>(max_lag - min_lag + 1), 0.0);
    if (a.empty() || b.empty()) {
        return result;
    }
    // Both real signals go through one complex FFT: z = a + i b.
    const std::size_t n = std::bit_ceil(a.size() + b.size());
    std::vector<complex> z(n);
    for (std::size_t i = 0; i < a.size(); ++i) {
        z[i].real(a[i]);
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
        z[i].imag(b[i]);
    }
    fft(z, false);
    // A[k] = (Z[k] + conj Z[-k]) / 2, B[k] = (Z[k] - conj Z[-k]) / 2i; correlation is conj(A) B.
    std::vector<complex> product(n);
    for (std::size_t k = 0; k < n; ++k) {
        const complex mirror = std::conj(z[(n - k) & (n - 1)]);
        const complex a_k = (z[k] + mirror) * 0.5;
        const complex b_k = (z[k] - mirror) * complex(0, -0.5);
        product[k] = std::conj(a_k) * b_k;
    }
    fft(product, true);
    const auto size = static_cast<long>(n);
    for (long lag = min_lag; lag <= max_lag; ++lag) {
        // Lags beyond either signal's length have no terms and stay 0.
        if (lag > -static_cast<long>(a.size()) && lag < static_cast<long>(b.size())) {
            const auto index = static_cast<std::size_t>((lag % size + size) % size);
            result[static_cast<std::size_t>(lag - min_lag)] =
                product[index].real() / static_cast<double>(n);
        }
    }
    return result;
}

}  // namespace tolk::codec
