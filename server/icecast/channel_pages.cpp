#include "server/icecast/channel_pages.hpp"

#include "protocol/audio_frame.hpp"

namespace tolk::server::icecast {

struct channel_pages::channel {
    std::mutex mutex;
    ogg_opus_pager pager;
    std::array<ogg_stream_page, recent> pages;  // a ring: the newest at newest
    std::array<std::shared_ptr<const std::uint8_t[]>, recent> keys;
    std::size_t newest = 0;
    bool any = false;

    explicit channel(std::uint32_t seed) : pager(seed) {}
};

channel_pages::channel_pages(std::size_t channel_count, std::uint32_t serial_seed) {
    channels_.reserve(channel_count);
    for (std::size_t i = 0; i < channel_count; ++i)
        channels_.push_back(std::make_unique<channel>(serial_seed + static_cast<std::uint32_t>(i) * 7919u));
}

channel_pages::~channel_pages() = default;

std::optional<ogg_stream_page> channel_pages::page_for(const frame_ref& frame) {
    if (frame.channel >= channels_.size())
        return std::nullopt;
    auto& c = *channels_[frame.channel];
    std::lock_guard lock(c.mutex);
    if (c.any) {
        // Newest first: every shard after the first asks for the page just built.
        for (std::size_t n = 0; n < recent; ++n) {
            const std::size_t i = (c.newest + recent - n) % recent;
            if (c.keys[i] == frame.bytes)
                return c.pages[i];
        }
        if (frame.ingress_us < c.pages[c.newest].page.ingress_us)
            return std::nullopt;  // older than everything kept
    }
    const auto parsed = protocol::parse_audio_frame(frame.view());
    if (!parsed)
        return std::nullopt;  // the booth's frames were checked on the way in
    const std::size_t i = c.any ? (c.newest + 1) % recent : 0;
    c.pages[i] = c.pager.packet(parsed->opus, static_cast<int>(frame.samples),
                                parsed->header.has(protocol::frame_flag::discontinuity), frame);
    c.keys[i] = frame.bytes;
    c.newest = i;
    c.any = true;
    return c.pages[i];
}

}  // namespace tolk::server::icecast
