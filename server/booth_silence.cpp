#include "server/booth_silence.hpp"

#include "codec/opus_encoder.hpp"

#include <map>
#include <mutex>

namespace tolk::server {

std::shared_ptr<const std::vector<std::uint8_t>> silent_opus(int samples) {
    static std::mutex mutex;
    static std::map<int, std::shared_ptr<const std::vector<std::uint8_t>>> cache;
    const int ms = samples / 48;
    if (samples % 48 != 0 || (ms != 10 && ms != 20 && ms != 40))
        return nullptr;
    std::lock_guard lock(mutex);
    auto& slot = cache[samples];
    if (!slot) {
        codec::encoder_options o;
        o.frame_ms = ms;
        codec::opus_encoder encoder(o);
        const std::vector<float> zeros(static_cast<std::size_t>(samples), 0.0f);
        slot = std::make_shared<const std::vector<std::uint8_t>>(encoder.encode(zeros));
    }
    return slot;
}

}  // namespace tolk::server
