#pragma once
// The exceptions tolk::codec throws.  They are thrown only when something is created or
// configured (an encoder with bad options, a WAV file that cannot be read or written), never
// for bad audio data: a corrupt Opus packet is counted and skipped, not thrown.

#include <stdexcept>

namespace tolk::codec {

struct codec_error : std::runtime_error {
    using runtime_error::runtime_error;
};

// A WAV file could not be opened, parsed or written; what() names the file and the problem.
struct wav_error : codec_error {
    using codec_error::codec_error;
};

}  // namespace tolk::codec
