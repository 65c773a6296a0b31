#pragma once
// Where a booth's audio comes from.  Every source delivers 48 kHz mono frames of a fixed size
// at the real-time rate, on the executor given to make_audio_source, in order.
//
//   FILE.wav      any WAV (resampled to 48 kHz mono at start-up), paced by the steady clock
//   tone:HZ       a sine, paced by the steady clock
//   -             raw s16le 48 kHz mono PCM on stdin (paced by whoever writes it)
//   device:NAME   a PortAudio capture device (NAME: "default" or part of a device name)

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::client {

struct source_frame {
    std::vector<float> pcm;      // exactly frame_samples samples
    std::int64_t capture_us = 0; // steady clock, µs, when the first sample was captured
    bool last = false;           // a finite source ended: this frame is padded with silence
};

struct source_options {
    int frame_samples = 960;  // 20 ms
    bool loop = false;        // files: start over at the end instead of finishing
};

using frame_callback = std::function<void(source_frame)>;

class audio_source {
public:
    virtual ~audio_source() = default;
    // Starts producing frames; on_frame runs on the source's executor.
    virtual void start(frame_callback on_frame) = 0;
    // Stops producing; no frame is delivered after the stop has run on the executor.
    virtual void stop() = 0;
    virtual std::string description() const = 0;
};

// Throws std::runtime_error with a message for people (unreadable file, unknown device, ...).
std::unique_ptr<audio_source> make_audio_source(std::string_view spec,
                                                boost::asio::any_io_executor executor,
                                                const source_options& options);

}  // namespace tolk::client
