#include "server/frame_publish.hpp"

#include <memory>

namespace tolk::server {

void publish_frame(server_context& ctx, std::uint16_t channel, protocol::frame_header h,
                   std::span<const std::uint8_t> opus, int samples, std::int64_t received_us) {
    h.channel = channel;
    h.ingress_us = received_us;
    const std::size_t size = protocol::frame_header_size + opus.size();
    auto bytes = std::make_shared_for_overwrite<std::uint8_t[]>(size);
    protocol::serialize_audio_frame(h, opus, {bytes.get(), size});
    frame_ref frame{std::move(bytes), static_cast<std::uint32_t>(size), static_cast<std::uint32_t>(samples), channel,
                    received_us};
    ctx.counters.frames_in.fetch_add(1, std::memory_order_relaxed);
    ctx.bus.publish(frame);
}

}  // namespace tolk::server
