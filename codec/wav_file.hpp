#pragma once
// Reading and writing whole WAV files: test material, booth sources played from a file, and
// recordings checked by tests.  Pure functions over files; callable from any thread (two
// threads must not write the same file).  Errors throw wav_error naming the file and problem.
// For a recording that grows while a session runs, use wav_writer.

#include "codec/audio_format.hpp"
#include "codec/codec_error.hpp"
#include "codec/resample.hpp"

#include <filesystem>
#include <span>
#include <vector>

namespace tolk::codec {

struct pcm_audio {
    int sample_rate = 0;
    int channels = 0;
    std::vector<float> samples;  // interleaved; [-1, 1] (float files are passed through as is)
};

// Reads integer PCM of 8 (unsigned), 16, 24 or 32 bits, IEEE float of 32 or 64 bits, plain or
// WAVE_FORMAT_EXTENSIBLE.  Skips chunks it does not know.  A data size of 0 or 0xFFFFFFFF
// (a streamed file) or one past the end of the file (a recording cut short) reads to the end.
pcm_audio read_wav(const std::filesystem::path& file);

// Downmixes (the mean of the channels) and resamples to tolk's 48 kHz mono.
// Throws codec_error if `audio` has no channels or no sample rate.
std::vector<float> to_mono_48k(const pcm_audio& audio);

// read_wav + to_mono_48k.
std::vector<float> load_mono_48k(const std::filesystem::path& file);

// Writes a 16-bit PCM mono file (clamped, rounded).
void write_wav(const std::filesystem::path& file, std::span<const float> mono,
               int rate = sample_rate);

}  // namespace tolk::codec
