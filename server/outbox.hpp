#pragma once
// A listener's outgoing queue: audio bounded by duration per channel, control messages kept.
//
// Thread-safety: push_* are called from booth strands (fan-out) and the owner's strand;
// take() only from the owning listener's writer coroutine. One small mutex guards everything;
// it is never held while doing I/O.
//
// Overflow: when a channel's queued audio exceeds its budget, every older audio frame of that
// channel is dropped, so delivery resumes at the live edge, and a resync marker is queued just
// before the newest frame. Control messages are never dropped; if they pile up past
// max_control the listener is not reading at all and push_text reports it.

#include "server/frame_ref.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tolk::server {

class outbox {
public:
    struct entry {
        enum class kind : std::uint8_t { audio, text, resync, close } what = kind::audio;
        frame_ref frame;                          // audio
        std::shared_ptr<const std::string> text;  // text; close: the reason
        std::uint16_t channel = 0;                // resync; close: the close code
        std::uint32_t dropped = 0;                // resync
    };

    struct push_result {
        bool wake = false;          // the writer was idle: post a wake-up to its strand
        std::uint32_t dropped = 0;  // audio frames dropped by this push
        bool overflow = false;      // control backlog over its limit: the listener is stalled
    };

    outbox(std::size_t channel_count, std::uint32_t max_samples_per_channel,
           std::size_t max_control = 512);

    push_result push_audio(const frame_ref& frame);
    push_result push_text(std::shared_ptr<const std::string> text);
    // A WebSocket close, written after everything queued before it. Never refused.
    push_result push_close(std::uint16_t code, std::string reason);

    // Moves everything queued into `out` (cleared first). When there is nothing, marks the
    // writer idle, so the next push asks for a wake-up, and returns false.
    bool take(std::vector<entry>& out);

    // The writer found nothing to take and nothing was pushed since: it is parked, and the
    // owner (on the writer's strand) may write directly to the connection.
    bool writer_idle() const;

    std::uint64_t dropped_total() const;
    std::uint32_t queued_samples(std::uint16_t channel) const;

private:
    push_result finish(push_result r);

    mutable std::mutex mutex_;
    std::vector<entry> queue_;  // empty (no allocation) while the listener keeps up
    std::vector<std::uint32_t> samples_;  // queued audio per channel number
    std::uint32_t max_samples_;
    std::size_t max_control_;
    std::size_t control_count_ = 0;
    bool writer_idle_ = false;
    std::uint64_t dropped_total_ = 0;
};

}  // namespace tolk::server
