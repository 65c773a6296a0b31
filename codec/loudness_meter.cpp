#include "codec/loudness_meter.hpp"

#include "codec/audio_format.hpp"
#include "codec/codec_error.hpp"

#include <ebur128.h>

#include <cmath>

namespace tolk::codec {
namespace {

constexpr double absolute_gate_lufs = -70.0;

// A libebur128 figure, or nullopt when it failed, is -inf (silence) or below the gate.
std::optional<double> figure(int status, double value) {
    if (status != EBUR128_SUCCESS || !std::isfinite(value) || value < absolute_gate_lufs) {
        return std::nullopt;
    }
    return value;
}

ebur128_state* raw(void* state) {
    return static_cast<ebur128_state*>(state);
}

}  // namespace

void loudness_meter::deleter::operator()(void* state) const {
    auto* typed = static_cast<ebur128_state*>(state);
    ebur128_destroy(&typed);
}

std::unique_ptr<void, loudness_meter::deleter> loudness_meter::create() {
    std::unique_ptr<void, deleter> state(
        ebur128_init(1, sample_rate, EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_HISTOGRAM));
    if (!state) {
        throw codec_error("libebur128: cannot create a loudness meter");
    }
    return state;
}

loudness_meter::loudness_meter() : state_(create()) {}

void loudness_meter::add(std::span<const float> samples) {
    if (!samples.empty()) {
        ebur128_add_frames_float(raw(state_.get()), samples.data(), samples.size());
        added_seconds_ += static_cast<double>(samples.size()) / sample_rate;
    }
}

std::optional<double> loudness_meter::momentary_lufs() const {
    if (added_seconds_ < 0.4) {
        return std::nullopt;
    }
    double value = 0;
    const int status = ebur128_loudness_momentary(raw(state_.get()), &value);
    return figure(status, value);
}

std::optional<double> loudness_meter::short_term_lufs() const {
    if (added_seconds_ < 3.0) {
        return std::nullopt;
    }
    double value = 0;
    const int status = ebur128_loudness_shortterm(raw(state_.get()), &value);
    return figure(status, value);
}

std::optional<double> loudness_meter::integrated_lufs() const {
    double value = 0;
    const int status = ebur128_loudness_global(raw(state_.get()), &value);
    return figure(status, value);
}

void loudness_meter::reset() {
    state_ = create();
    added_seconds_ = 0;
}

}  // namespace tolk::codec
