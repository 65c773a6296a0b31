#pragma once
// Whole-buffer sample-rate conversion with speexdsp, for audio loaded from files and for
// tests (not for a live stream: it flushes the filter at the end of the buffer).
// A pure function; callable from any thread.

#include <span>
#include <vector>

namespace tolk::codec {

// Resamples mono `in` from `from_rate` to `to_rate` Hz.  The output is time-aligned with the
// input (the filter delay is removed) and holds round(in.size() * to_rate / from_rate)
// samples.  Throws codec_error for a rate that is not positive.
//
// speexdsp quality 8 (of 0..10): a 44.1 -> 48 kHz tone comes out time-aligned with an SNR
// above 100 dB up to 19 kHz (quality 10 gains a few dB only near Nyquist), far below what Opus
// adds, and it runs ~170x real time on one core here against ~70x for quality 10 - an hour
// of audio loads in ~20 s instead of ~50 s.
std::vector<float> resample(std::span<const float> in, int from_rate, int to_rate);

}  // namespace tolk::codec
