#pragma once
// A blocking PortAudio stream on one sound card, 48 kHz mono float: capture for a booth's
// microphone, playback for a listener.  Meant to be driven by one dedicated thread (the
// threaded source or sink), never by a network thread.  Construction throws
// std::runtime_error naming the device, or listing the devices when NAME matches none.

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace tolk::client {

class portaudio_device {
public:
    enum class direction { capture, playback };

    // name: "default", an exact device name, or a case-insensitive part of one.
    portaudio_device(direction dir, std::string_view name, int frames_per_buffer);
    ~portaudio_device();
    portaudio_device(const portaudio_device&) = delete;
    portaudio_device& operator=(const portaudio_device&) = delete;

    // Block until the buffer is filled / played.  False on a device error (overflow and
    // underflow are not errors).
    bool read(std::span<float> out);
    bool write(std::span<const float> in);

    const std::string& name() const { return name_; }

private:
    void* stream_ = nullptr;  // PaStream
    std::string name_;
};

}  // namespace tolk::client
