#pragma once
// Turns one playout slot (a sequence number) into PCM: decodes the frame when the store holds
// it, otherwise conceals the slot with Opus in-band FEC from the next frame when that one is
// already here, or with Opus PLC.  Owned by one playout buffer, like its opus_decoder.

#include "codec/frame_store.hpp"
#include "codec/opus_decoder.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace tolk::codec {

class slot_decoder {
public:
    struct result {
        std::span<const float> pcm;   // valid until the next call
        bool concealed = false;
        std::int64_t capture_us = 0;  // sender clock, for a decoded frame
        std::int64_t arrival_us = 0;  // receiver clock, for a decoded frame
        bool end_of_segment = false;  // a decoded frame that ends its segment
    };

    slot_decoder();

    // Decodes frame `sequence` (taking it out of the store) or conceals one frame duration.
    result next(frame_store& store, std::int64_t sequence);
    // Plain PLC of `samples` samples (a multiple of 2.5 ms).
    std::span<const float> conceal(int samples);

    // Samples per frame, as last decoded (20 ms until a frame says otherwise).
    int frame_samples() const { return frame_samples_; }
    void reset();

private:
    opus_decoder decoder_;
    std::vector<float> pcm_;
    int frame_samples_ = 20 * samples_per_ms;
};

}  // namespace tolk::codec
