#include "codec/signals.hpp"

#include "codec/codec_error.hpp"

#include <cmath>
#include <numbers>
#include <random>

namespace tolk::codec {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;

}  // namespace

tone_generator::tone_generator(double hz, float amplitude)
    : step_(two_pi * hz / sample_rate), amplitude_(amplitude) {}

void tone_generator::generate(std::span<float> out) {
    for (float& sample : out) {
        sample = amplitude_ * static_cast<float>(std::sin(phase_));
        phase_ = std::fmod(phase_ + step_, two_pi);
    }
}

std::vector<float> tone(double hz, double seconds, float amplitude) {
    std::vector<float> out(samples_for(seconds));
    tone_generator(hz, amplitude).generate(out);
    return out;
}

std::vector<float> chirp(double f0_hz, double f1_hz, double seconds, float amplitude) {
    if (f0_hz <= 0 || f1_hz <= 0) {
        throw codec_error("chirp: frequencies must be positive");
    }
    std::vector<float> out(samples_for(seconds));
    // phase(t) = 2 pi f0 (e^(k t) - 1) / k with k = ln(f1 / f0) / T; a tone when f0 == f1.
    const double k = std::log(f1_hz / f0_hz) / seconds;
    for (std::size_t n = 0; n < out.size(); ++n) {
        const double t = static_cast<double>(n) / sample_rate;
        const double phase =
            std::abs(k) < 1e-12 ? two_pi * f0_hz * t : two_pi * f0_hz * std::expm1(k * t) / k;
        out[n] = amplitude * static_cast<float>(std::sin(phase));
    }
    return out;
}

std::vector<float> white_noise(double seconds, std::uint32_t seed, float amplitude) {
    std::mt19937 random(seed);  // the engine's output sequence is fixed by the standard
    std::vector<float> out(samples_for(seconds));
    for (float& sample : out) {
        const double unit = static_cast<double>(random()) / 4294967295.0;  // [0, 1]
        sample = amplitude * static_cast<float>(2 * unit - 1);
    }
    return out;
}

}  // namespace tolk::codec
