#pragma once
// A streaming 16-bit PCM WAV writer for recordings that grow while a session runs (a
// listener client recording what it plays, a test capturing a stream).  The file is a valid
// WAV at all times: the RIFF and data sizes are patched after every ~0.25 s of audio and in
// flush()/close(), with the samples flushed to the OS first, so a process killed with SIGKILL
// still leaves a playable file missing at most the last 0.25 s from its header counts.
// Owned by one thread; not thread-safe.  Non-copyable, move-constructible.

#include "codec/audio_format.hpp"
#include "codec/codec_error.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>

namespace tolk::codec {

// The RIFF and data size of a WAV whose length was not known when written (a stream).
constexpr std::uint32_t wav_size_unknown = 0xFFFFFFFF;

class wav_writer {
public:
    // Creates (truncates) the file.  "-" writes to stdout with 0xFFFFFFFF sizes (a streamed
    // WAV) and never seeks.  Throws wav_error when the file cannot be created or the format
    // is invalid.
    explicit wav_writer(const std::filesystem::path& file, int rate = sample_rate,
                        int channels = 1);
    ~wav_writer();
    wav_writer(wav_writer&&) noexcept = default;
    wav_writer& operator=(wav_writer&&) = delete;

    // Appends interleaved samples (clamped, rounded to 16 bits).  Throws wav_error on a write
    // error (disk full) or after close().
    void write(std::span<const float> samples);
    // Patches the header to cover everything written and flushes it all to the OS.
    void flush();
    // Patches the header and closes the file; later calls do nothing.  Throws wav_error if
    // the final write fails.  The destructor closes too, but swallows that error.
    void close();

    // Samples written so far, counting every channel's sample of a frame.
    std::uint64_t samples_written() const { return samples_written_; }

private:
    struct closer {
        void operator()(std::FILE* file) const;
    };

    void patch_header();
    [[noreturn]] void fail(const char* what) const;

    std::filesystem::path path_;
    std::unique_ptr<std::FILE, closer> file_;
    bool streamed_ = false;  // stdout: sizes stay 0xFFFFFFFF
    int channels_ = 1;
    std::uint64_t samples_written_ = 0;
    std::uint64_t samples_in_header_ = 0;
    std::uint64_t patch_interval_ = 0;  // samples per ~0.25 s
};

}  // namespace tolk::codec
