#pragma once
// A listener's outgoing queue: audio bounded by duration per channel, control messages kept.
//
// Thread-safety: push_* are called from any thread (the hub's fan-out, the listener's reader);
// take() only from the owning listener_writer, on the listener's shard. One small mutex guards everything;
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
#include <variant>
#include <vector>

namespace tolk::server {

class outbox {
public:
    struct audio {
        frame_ref frame;
    };
    struct text {
        std::shared_ptr<const std::string> message;
    };
    struct resync {  // audio of `channel` was dropped: written as a `resync` message
        std::uint16_t channel = 0;
        std::uint32_t dropped = 0;
    };
    struct pong {  // the answer to the peer's ping (plain TCP listeners: see listener_writer)
        std::string payload;
    };
    struct ping {  // our own: is a quiet listener still there? (plain TCP listeners)
        std::string payload;
    };
    struct close {
        std::uint16_t code = 0;
        std::string reason;
    };
    using entry = std::variant<audio, text, resync, pong, ping, close>;

    struct push_result {
        bool wake = false;          // the writer was idle: post a wake-up to its shard
        std::uint32_t dropped = 0;  // audio frames dropped by this push
        bool overflow = false;      // control backlog over its limit: the listener is stalled
    };

    outbox(std::size_t channel_count, std::uint32_t max_samples_per_channel,
           std::size_t max_control = 512);

    push_result push_audio(const frame_ref& frame);
    push_result push_text(std::shared_ptr<const std::string> message);
    // Counted with the control messages: a peer that pings but never reads overflows.
    push_result push_pong(std::string payload);
    push_result push_ping(std::string payload);
    // A WebSocket close, written after everything queued before it. Never refused.
    push_result push_close(std::uint16_t code, std::string reason);

    // Moves everything queued into `out` (cleared first). When there is nothing, marks the
    // writer idle, so the next push asks for a wake-up, and returns false.
    bool take(std::vector<entry>& out);

    // The writer found nothing to take and nothing was pushed since: it is parked, and the
    // writer's owner (on the listener's shard) may write directly to the connection.
    bool writer_idle() const;

    std::uint64_t dropped_total() const;
    std::uint32_t queued_samples(std::uint16_t channel) const;

private:
    push_result finish(push_result r);
    push_result push_control(entry e);

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
