#include "codec/pcm.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::codec {

void to_int16(std::span<const float> in, std::span<std::int16_t> out) {
    const std::size_t count = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < count; ++i) {
        const float scaled = std::isnan(in[i]) ? 0.0f : std::nearbyint(in[i] * 32768.0f);
        out[i] = static_cast<std::int16_t>(std::clamp(scaled, -32768.0f, 32767.0f));
    }
}

void to_float(std::span<const std::int16_t> in, std::span<float> out) {
    const std::size_t count = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = static_cast<float>(in[i]) / 32768.0f;
    }
}

double rms(std::span<const float> samples) {
    if (samples.empty()) {
        return 0;
    }
    double sum = 0;
    for (const float s : samples) {
        sum += static_cast<double>(s) * s;
    }
    return std::sqrt(sum / static_cast<double>(samples.size()));
}

double peak(std::span<const float> samples) {
    double result = 0;
    for (const float s : samples) {
        result = std::max(result, static_cast<double>(std::fabs(s)));
    }
    return result;
}

double dbfs(double linear) {
    return 20.0 * std::log10(std::max(std::fabs(linear), 1e-10));
}

}  // namespace tolk::codec
