#pragma once
// Sample-format conversion and level measurement for float PCM in [-1, 1].
// Pure functions; callable from any thread.

#include <cstdint>
#include <span>

namespace tolk::codec {

// Converts min(in.size(), out.size()) samples.  float -> int16 scales by 32768, rounds to
// nearest and clamps to [-32768, 32767] (NaN gives 0); int16 -> float divides by 32768, so
// a round trip int16 -> float -> int16 is exact.
void to_int16(std::span<const float> in, std::span<std::int16_t> out);
void to_float(std::span<const std::int16_t> in, std::span<float> out);

double rms(std::span<const float> samples);   // 0 for no samples
double peak(std::span<const float> samples);  // largest |sample|, 0 for no samples

// 20 log10(linear), floored at -200 dB (so silence gives -200, not -infinity).
double dbfs(double linear);

}  // namespace tolk::codec
