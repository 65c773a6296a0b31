#include "codec/resample.hpp"

#include "codec/codec_error.hpp"

#include <speex/speex_resampler.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

namespace tolk::codec {
namespace {

constexpr int quality = 8;
constexpr std::size_t chunk = 1 << 14;  // samples per speex call (its lengths are 32-bit)

struct resampler_deleter {
    void operator()(SpeexResamplerState* state) const { speex_resampler_destroy(state); }
};
using resampler_ptr = std::unique_ptr<SpeexResamplerState, resampler_deleter>;

resampler_ptr make_resampler(int from_rate, int to_rate) {
    if (from_rate <= 0 || to_rate <= 0) {
        throw codec_error("resample: rates must be positive, got " + std::to_string(from_rate) +
                          " -> " + std::to_string(to_rate));
    }
    int error = RESAMPLER_ERR_SUCCESS;
    resampler_ptr state(speex_resampler_init(1, static_cast<spx_uint32_t>(from_rate),
                                             static_cast<spx_uint32_t>(to_rate), quality, &error));
    if (!state || error != RESAMPLER_ERR_SUCCESS) {
        throw codec_error(std::string("resample: ") + speex_resampler_strerror(error));
    }
    speex_resampler_skip_zeros(state.get());  // drop the filter delay at the start
    return state;
}

// Runs `in` through the resampler into `out` until one of them is used up; returns the
// number of samples written.
std::size_t process(SpeexResamplerState* state, std::span<const float> in, std::span<float> out) {
    std::size_t written = 0;
    while (!in.empty() && written < out.size()) {
        auto in_len = static_cast<spx_uint32_t>(std::min(in.size(), chunk));
        auto out_len = static_cast<spx_uint32_t>(std::min(out.size() - written, chunk));
        speex_resampler_process_float(state, 0, in.data(), &in_len, &out[written], &out_len);
        if (in_len == 0 && out_len == 0) {
            break;
        }
        in = in.subspan(in_len);
        written += out_len;
    }
    return written;
}

}  // namespace

std::vector<float> resample(std::span<const float> in, int from_rate, int to_rate) {
    resampler_ptr state = make_resampler(from_rate, to_rate);
    if (from_rate == to_rate) {
        return {in.begin(), in.end()};
    }
    const auto wanted = static_cast<std::size_t>(
        std::llround(static_cast<double>(in.size()) * to_rate / static_cast<double>(from_rate)));
    std::vector<float> out(wanted);
    const std::size_t produced = process(state.get(), in, out);
    // Flush the filter tail: its input latency in zeros, plus slack for rounding.
    const std::vector<float> zeros(speex_resampler_get_input_latency(state.get()) + 64, 0.0f);
    process(state.get(), zeros, std::span(out).subspan(produced));
    return out;  // any sample the flush did not reach stays 0
}

}  // namespace tolk::codec
