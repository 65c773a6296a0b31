#include "clients/common/portaudio_device.hpp"

#include "clients/common/log.hpp"

#include <portaudio.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tolk::client {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

void check(PaError error, const std::string& what) {
    if (error != paNoError)
        throw std::runtime_error(what + ": " + Pa_GetErrorText(error));
}

PaDeviceIndex find_device(portaudio_device::direction dir, std::string_view name) {
    const bool capture = dir == portaudio_device::direction::capture;
    if (name == "default" || name.empty()) {
        const PaDeviceIndex index = capture ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
        if (index == paNoDevice)
            throw std::runtime_error(std::string("no default ") + (capture ? "capture" : "playback") + " device");
        return index;
    }
    std::string available;
    PaDeviceIndex partial = paNoDevice;
    for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); ++i) {
        const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
        if (!info || (capture ? info->maxInputChannels : info->maxOutputChannels) < 1)
            continue;
        if (info->name == name)
            return i;
        if (partial == paNoDevice && lower(info->name).find(lower(name)) != std::string::npos)
            partial = i;
        available += std::string("\n  ") + info->name;
    }
    if (partial != paNoDevice)
        return partial;
    throw std::runtime_error("no " + std::string(capture ? "capture" : "playback") +
                             " device matches \"" + std::string(name) + "\"; devices:" +
                             (available.empty() ? std::string(" none") : available));
}

}  // namespace

portaudio_device::portaudio_device(direction dir, std::string_view name, int frames_per_buffer) {
    check(Pa_Initialize(), "PortAudio");
    try {
        const PaDeviceIndex index = find_device(dir, name);
        const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
        name_ = info->name;
        PaStreamParameters params{};
        params.device = index;
        params.channelCount = 1;
        params.sampleFormat = paFloat32;
        const bool capture = dir == direction::capture;
        params.suggestedLatency = capture ? info->defaultLowInputLatency : info->defaultLowOutputLatency;
        PaStream* stream = nullptr;
        check(Pa_OpenStream(&stream, capture ? &params : nullptr, capture ? nullptr : &params, 48000,
                            static_cast<unsigned long>(frames_per_buffer), paNoFlag, nullptr, nullptr),
              "cannot open \"" + name_ + "\" at 48 kHz mono");
        stream_ = stream;
        check(Pa_StartStream(stream), "cannot start \"" + name_ + "\"");
        component_logger("audio")->info("{} device \"{}\" open", capture ? "capture" : "playback", name_);
    } catch (...) {
        if (stream_)
            Pa_CloseStream(static_cast<PaStream*>(stream_));
        Pa_Terminate();
        throw;
    }
}

portaudio_device::~portaudio_device() {
    auto* stream = static_cast<PaStream*>(stream_);
    Pa_StopStream(stream);
    Pa_CloseStream(stream);
    Pa_Terminate();
}

bool portaudio_device::read(std::span<float> out) {
    const PaError error = Pa_ReadStream(static_cast<PaStream*>(stream_), out.data(),
                                        static_cast<unsigned long>(out.size()));
    return error == paNoError || error == paInputOverflowed;
}

bool portaudio_device::write(std::span<const float> in) {
    const PaError error = Pa_WriteStream(static_cast<PaStream*>(stream_), in.data(),
                                         static_cast<unsigned long>(in.size()));
    return error == paNoError || error == paOutputUnderflowed;
}

}  // namespace tolk::client
