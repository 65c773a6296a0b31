#pragma once
// The last step of every booth's audio path, WebSocket booth or Icecast source alike: stamps a
// checked Opus packet with its channel and ingress time, serialises it once (the buffer every
// listener's queue will reference), counts it and publishes it on the bus. Any thread.

#include "protocol/audio_frame.hpp"
#include "server/server_context.hpp"

#include <cstdint>
#include <span>

namespace tolk::server {

// `samples`: the packet's duration at 48 kHz (codec::check_packet).
void publish_frame(server_context& ctx, std::uint16_t channel, protocol::frame_header header,
                   std::span<const std::uint8_t> opus, int samples, std::int64_t received_us);

}  // namespace tolk::server
