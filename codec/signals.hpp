#pragma once
// Deterministic test signals, 48 kHz mono, samples in [-1, 1]: what tests feed through the
// chain and what demo booths play when there is no microphone ("tone:440").
// The functions are pure and callable from any thread; a tone_generator belongs to one thread.

#include "codec/audio_format.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace tolk::codec {

// round(seconds * 48000) samples of a sine starting at phase 0.
std::vector<float> tone(double hz, double seconds, float amplitude = 0.5f);

// An exponential (logarithmic) sine sweep from f0 to f1 Hz.  Throws codec_error if a
// frequency is not positive.
std::vector<float> chirp(double f0_hz, double f1_hz, double seconds, float amplitude = 0.5f);

// A speech-shaped signal: a glottal pulse train whose pitch glides around a per-speaker
// voice (90-250 Hz, chosen by the seed) through three formant resonators that move to a new
// vowel every syllable (4-6 syllables/s), with syllable envelopes, some noisy consonant onsets
// and short pauses.  The same seed always gives the same samples; different seeds are
// different voices saying different things (their correlation is near 0).  Peak = amplitude.
std::vector<float> speech_like(double seconds, std::uint32_t seed, float amplitude = 0.5f);

// Uniform white noise in [-amplitude, amplitude].
std::vector<float> white_noise(double seconds, std::uint32_t seed, float amplitude = 0.25f);

// A sine with continuous phase across generate() calls, for a live tone source.
class tone_generator {
public:
    explicit tone_generator(double hz, float amplitude = 0.5f);
    void generate(std::span<float> out);

private:
    double phase_ = 0;  // radians, kept in [0, 2 pi)
    double step_;       // radians per sample
    float amplitude_;
};

}  // namespace tolk::codec
