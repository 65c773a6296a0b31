#include "clients/common/audio_sink.hpp"

#include "clients/common/portaudio_device.hpp"
#include "clients/common/threaded_sink.hpp"
#include "codec/wav_writer.hpp"

namespace tolk::client {

std::unique_ptr<audio_sink> make_audio_sink(std::string_view spec, int block_samples) {
    if (spec.starts_with("device:")) {
        auto device = std::make_shared<portaudio_device>(portaudio_device::direction::playback,
                                                         spec.substr(7), block_samples);
        threaded_sink::backend out{[device](std::span<const float> pcm) { device->write(pcm); },
                                   [] {}, true};
        return std::make_unique<threaded_sink>(std::move(out), "device " + device->name(), block_samples);
    }
    // Created here so a path that cannot be written fails at start-up.
    auto writer = std::make_shared<codec::wav_writer>(std::string(spec));
    threaded_sink::backend out{[writer](std::span<const float> pcm) { writer->write(pcm); },
                               [writer] { writer->close(); }, false};
    return std::make_unique<threaded_sink>(std::move(out), spec == "-" ? "stdout (WAV)" : std::string(spec),
                                           block_samples);
}

}  // namespace tolk::client
