// speech_like() of signals.hpp: a small formant synthesiser (after Klatt's cascade model).
#include "codec/signals.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <random>

namespace tolk::codec {
namespace {

constexpr double pi = std::numbers::pi;
constexpr double period = 1.0 / sample_rate;

// Deterministic random numbers from std::mt19937 (its sequence is fixed by the standard; the
// std distributions are not, so they are not used).
class random_source {
public:
    explicit random_source(std::uint32_t seed) : engine_(seed ^ 0x5eec4u) {}
    double uniform(double low, double high) {
        return low + (high - low) * static_cast<double>(engine_()) / 4294967295.0;
    }
    bool chance(double probability) { return uniform(0, 1) < probability; }
    std::size_t index(std::size_t count) {
        return std::min(count - 1, static_cast<std::size_t>(uniform(0, 1) * count));
    }

private:
    std::mt19937 engine_;
};

// A two-pole resonator with unity gain at DC (Klatt 1980).
class resonator {
public:
    void tune(double hz, double bandwidth_hz) {
        const double r = std::exp(-pi * bandwidth_hz * period);
        c_ = -r * r;
        b_ = 2 * r * std::cos(2 * pi * hz * period);
        a_ = 1 - b_ - c_;
    }
    double operator()(double x) {
        const double y = a_ * x + b_ * y1_ + c_ * y2_;
        y2_ = y1_;
        y1_ = y;
        return y;
    }

private:
    double a_ = 1, b_ = 0, c_ = 0, y1_ = 0, y2_ = 0;
};

using formants = std::array<double, 3>;

// F1-F3 of English vowels for an adult male voice (Peterson & Barney).
constexpr std::array<formants, 10> vowels{{{270, 2290, 3010},
                                           {390, 1990, 2550},
                                           {530, 1840, 2480},
                                           {660, 1720, 2410},
                                           {730, 1090, 2440},
                                           {570, 840, 2410},
                                           {440, 1020, 2240},
                                           {300, 870, 2240},
                                           {640, 1190, 2390},
                                           {490, 1350, 1690}}};
constexpr formants bandwidths{70, 100, 150};

// Rosenberg glottal flow over one pitch period, phase in [0, 1).
double glottal_flow(double phase) {
    if (phase < 0.4) {
        return 0.5 * (1 - std::cos(pi * phase / 0.4));
    }
    if (phase < 0.56) {
        return std::cos(0.5 * pi * (phase - 0.4) / 0.16);
    }
    return 0;
}

// Raised-cosine attack and release around a sustained middle, position in [0, 1].
double syllable_envelope(double position) {
    if (position < 0.2) {
        return 0.5 * (1 - std::cos(pi * position / 0.2));
    }
    if (position > 0.7) {
        return 0.5 * (1 + std::cos(pi * (position - 0.7) / 0.3));
    }
    return 1;
}

// One speaker: a pitch and a vocal tract length, kept across syllables.
class synthesiser {
public:
    explicit synthesiser(std::uint32_t seed) : random_(seed) {
        base_pitch_ = random_.uniform(100, 200);
        tract_ = random_.uniform(0.9, 1.15);
        formants_ = scaled(vowels[random_.index(vowels.size())]);
    }

    // Appends one syllable (and sometimes a pause after it) to `out`, up to out's capacity.
    void syllable(std::vector<float>& out, std::size_t limit) {
        const auto length = static_cast<std::size_t>(random_.uniform(0.14, 0.22) * sample_rate);
        const formants from = formants_;
        const formants to = scaled(vowels[random_.index(vowels.size())]);
        const double pitch_start =
            std::clamp(base_pitch_ * random_.uniform(0.85, 1.2), 90.0, 250.0);
        const double pitch_end = std::clamp(pitch_start * random_.uniform(0.8, 1.1), 90.0, 250.0);
        const double onset = random_.chance(0.5) ? random_.uniform(0.02, 0.05) : 0.0;
        for (std::size_t n = 0; n < length && out.size() < limit; ++n) {
            const double position = static_cast<double>(n) / static_cast<double>(length);
            if (n % 32 == 0) {
                const double glide = 0.5 * (1 - std::cos(pi * std::min(1.0, position / 0.4)));
                for (std::size_t i = 0; i < formants_.size(); ++i) {
                    formants_[i] = from[i] + (to[i] - from[i]) * glide;
                    tract_filter_[i].tune(formants_[i], bandwidths[i]);
                }
            }
            const double pitch = pitch_start + (pitch_end - pitch_start) * position;
            out.push_back(static_cast<float>(sample(pitch, position, n * period < onset)));
        }
        if (random_.chance(0.2)) {
            const auto pause = static_cast<std::size_t>(random_.uniform(0.15, 0.4) * sample_rate);
            out.resize(std::min(limit, out.size() + pause), 0.0f);
        }
    }

private:
    formants scaled(const formants& vowel) const {
        return {vowel[0] * tract_, vowel[1] * tract_, vowel[2] * tract_};
    }

    double sample(double pitch, double position, bool consonant) {
        glottal_phase_ += pitch * period;
        glottal_phase_ -= std::floor(glottal_phase_);
        const double flow = glottal_flow(glottal_phase_);
        const double derivative = (flow - last_flow_) * sample_rate / (4 * pitch);
        last_flow_ = flow;
        const double breath = 0.02 * random_.uniform(-1, 1);
        double voiced = derivative + breath;
        for (resonator& stage : tract_filter_) {
            voiced = stage(voiced);
        }
        const double noise = random_.uniform(-1, 1);
        const double fricative = consonant ? 0.15 * (noise - last_noise_) : 0.0;
        last_noise_ = noise;
        return syllable_envelope(position) * (consonant ? 0.3 * voiced : voiced) + fricative;
    }

    random_source random_;
    double base_pitch_ = 0;
    double tract_ = 1;
    formants formants_{};
    std::array<resonator, 3> tract_filter_;
    double glottal_phase_ = 0;
    double last_flow_ = 0;
    double last_noise_ = 0;
};

}  // namespace

std::vector<float> speech_like(double seconds, std::uint32_t seed, float amplitude) {
    const std::size_t count = samples_for(seconds);
    std::vector<float> out;
    out.reserve(count);
    synthesiser voice(seed);
    while (out.size() < count) {
        voice.syllable(out, count);
    }
    float largest = 0;
    for (const float s : out) {
        largest = std::max(largest, std::fabs(s));
    }
    if (largest > 0) {
        for (float& s : out) {
            s *= amplitude / largest;
        }
    }
    return out;
}

}  // namespace tolk::codec
