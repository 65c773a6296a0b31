#include "codec/fft.hpp"

#include <cstddef>
#include <numbers>
#include <utility>

namespace tolk::codec {

using complex = std::complex<double>;

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

}  // namespace tolk::codec
