#include "clients/common/audio_source.hpp"

#include "clients/common/paced_source.hpp"
#include "clients/common/threaded_source.hpp"
#include "codec/wav_file.hpp"

#include <unistd.h>

#include <charconv>
#include <stdexcept>

namespace tolk::client {

std::unique_ptr<audio_source> make_audio_source(std::string_view spec,
                                                boost::asio::any_io_executor executor,
                                                const source_options& options) {
    const int n = options.frame_samples;
    if (spec == "-")
        return std::make_unique<threaded_source>(executor, n, pcm_fd_reader(STDIN_FILENO),
                                                 "stdin (s16le 48 kHz mono)");
    if (spec.starts_with("device:")) {
        const std::string_view name = spec.substr(7);
        return std::make_unique<threaded_source>(executor, n, device_reader(name, n),
                                                 "device " + std::string(name));
    }
    if (spec.starts_with("tone:")) {
        const std::string_view text = spec.substr(5);
        double hz = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), hz);
        if (ec != std::errc{} || end != text.data() + text.size() || hz <= 0 || hz >= 24000)
            throw std::runtime_error("bad tone \"" + std::string(spec) + "\": expected tone:HZ, 0 < HZ < 24000");
        return std::make_unique<paced_source>(executor, n, tone_generator_for(hz),
                                              "tone " + std::string(text) + " Hz");
    }
    std::vector<float> samples = codec::load_mono_48k(std::string(spec));  // throws wav_error
    const std::string what = std::string(spec) + (options.loop ? " (looped)" : "");
    return std::make_unique<paced_source>(executor, n, file_generator(std::move(samples), options.loop), what);
}

}  // namespace tolk::client
