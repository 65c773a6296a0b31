#include "codec/cross_correlation.hpp"

#include <bit>
#include <cmath>
#include <complex>
#include <numbers>

namespace tolk::codec {
namespace {

using complex = std::complex<double>;

// In-place iterative radix-2 FFT; data.size() is a power of two.  inverse: no 1/N scaling.
void fft(std::vector<complex>& data, bool inverse) {
    const std::size_t n = data.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; (j & bit) != 0; bit >>= 1) {
            j ^= bit;
        }
        j ^= bit;
        if (i < j) {
            std::swap(data[i], data[j]);
        }
    }
    for (std::size_t length = 2; length <= n; length <<= 1) {
        const double angle = (inverse ? 2 : -2) * std::numbers::pi / static_cast<double>(length);
        const std::size_t half = length / 2;
        std::vector<complex> twiddle(half);
        for (std::size_t k = 0; k < half; ++k) {
            twiddle[k] = std::polar(1.0, angle * static_cast<double>(k));
        }
        for (std::size_t start = 0; start < n; start += length) {
            for (std::size_t k = 0; k < half; ++k) {
                const complex odd = data[start + k + half] * twiddle[k];
                data[start + k + half] = data[start + k] - odd;
                data[start + k] += odd;
            }
        }
    }
}

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
