#pragma once
// The exceptions tolk::codec throws.  They are thrown only when something is created or
// configured (an encoder with bad options, a WAV file that cannot be read or written), never
// for bad audio data: a corrupt Opus packet is counted and skipped, not thrown.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace tolk::codec {

struct codec_error : std::runtime_error {
    using runtime_error::runtime_error;
};

// A WAV file could not be opened, parsed or written; what() names the file and the problem.
struct wav_error : codec_error {
    using codec_error::codec_error;
    wav_error(const std::filesystem::path& file, const std::string& problem)
        : codec_error(file.string() + ": " + problem) {}
};

}  // namespace tolk::codec
