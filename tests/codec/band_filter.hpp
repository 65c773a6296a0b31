#pragma once
// Test-only filters: Butterworth low/high-pass cascades of RBJ biquads, to make a
// telephone-band (300-3,400 Hz) copy of a test signal.

#include "codec/audio_format.hpp"

#include <cmath>
#include <numbers>
#include <span>
#include <vector>

namespace tolk::codec::testing {

class biquad {
public:
    biquad(bool high_pass, double hz, double q) {
        const double w = 2 * std::numbers::pi * hz / sample_rate;
        const double alpha = std::sin(w) / (2 * q);
        const double c = std::cos(w);
        const double a0 = 1 + alpha;
        const double b1 = high_pass ? -(1 + c) : 1 - c;
        b0_ = (high_pass ? (1 + c) / 2 : (1 - c) / 2) / a0;
        b1_ = b1 / a0;
        b2_ = b0_;
        a1_ = -2 * c / a0;
        a2_ = (1 - alpha) / a0;
    }
    float operator()(float x) {
        const double y = b0_ * x + b1_ * x1_ + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
        x2_ = x1_;
        x1_ = x;
        y2_ = y1_;
        y1_ = y;
        return static_cast<float>(y);
    }

private:
    double b0_, b1_, b2_, a1_, a2_;
    double x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
};

// 8th-order Butterworth low-pass at high_hz after a 4th-order Butterworth high-pass at low_hz.
inline std::vector<float> band_pass(std::span<const float> in, double low_hz, double high_hz) {
    std::vector<biquad> stages;
    for (double q : {0.5412, 1.3066}) {
        stages.emplace_back(true, low_hz, q);
    }
    for (double q : {0.5098, 0.6013, 0.9000, 2.5629}) {
        stages.emplace_back(false, high_hz, q);
    }
    std::vector<float> out(in.begin(), in.end());
    for (auto& stage : stages) {
        for (float& x : out) {
            x = stage(x);
        }
    }
    return out;
}

}  // namespace tolk::codec::testing
