#include "codec/slot_decoder.hpp"

namespace tolk::codec {

slot_decoder::slot_decoder() : pcm_(max_frame_samples) {}

slot_decoder::result slot_decoder::next(frame_store& store, std::int64_t sequence) {
    if (store.find(sequence) != nullptr) {
        const stored_frame frame = store.take(sequence);
        const int samples = decoder_.decode(frame.opus, pcm_);
        if (samples > 0) {
            frame_samples_ = samples;
            return {std::span<const float>(pcm_).first(static_cast<std::size_t>(samples)), false,
                    frame.capture_us, frame.arrival_us, frame.end_of_segment};
        }
    }
    const stored_frame* following = store.find(sequence + 1);
    const int samples =
        following != nullptr
            ? decoder_.decode_fec(following->opus, pcm_, frame_samples_)
            : decoder_.conceal(pcm_, frame_samples_);
    return {std::span<const float>(pcm_).first(static_cast<std::size_t>(samples)), true, 0, 0};
}

std::span<const float> slot_decoder::conceal(int samples) {
    const int written = decoder_.conceal(pcm_, samples);
    return std::span<const float>(pcm_).first(static_cast<std::size_t>(written));
}

void slot_decoder::reset() {
    decoder_.reset();
    frame_samples_ = 20 * samples_per_ms;
}

}  // namespace tolk::codec
