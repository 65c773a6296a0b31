#pragma once
// Where a listener's audio goes.  write() never blocks the caller for long: it hands samples
// to the sink's own thread (bounded: beyond a few seconds the oldest samples are dropped).
//
//   FILE.wav      a 16-bit 48 kHz mono WAV, valid at all times (codec::wav_writer)
//   -             the same WAV streamed to stdout
//   device:NAME   a PortAudio playback device (NAME: "default" or part of a device name)

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace tolk::client {

class audio_sink {
public:
    virtual ~audio_sink() = default;
    // 48 kHz mono samples in [-1, 1], in playout order.  Any one thread.
    virtual void write(std::span<const float> pcm) = 0;
    // Writes out what is pending and finishes (the WAV header is final).  Idempotent.
    virtual void close() = 0;
    virtual std::string description() const = 0;
    virtual std::uint64_t dropped_samples() const = 0;
};

// Throws std::runtime_error / codec::wav_error with a message for people.
std::unique_ptr<audio_sink> make_audio_sink(std::string_view spec, int block_samples = 480);

}  // namespace tolk::client
