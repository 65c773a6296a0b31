#pragma once
// The Ogg pages of every channel's recent frames, each built once (ogg_opus_pager) and shared
// by all the channel's HTTP listeners, on whichever I/O shard they live: a listener asks for
// the page of the frame the hub handed it, and the first to ask builds it.
//
// Ownership: one per server (server_context::ogg_pages), outliving every stream_listener.
// Thread-safety: any thread; one mutex per channel, held only while looking up or building a
// page (no I/O). Frames of a channel reach each shard in publish order; shards may be a few
// frames apart, so the last `recent` pages are kept, keyed by the frame's buffer (kept alive
// with them, so a key is never reused while it is held).

#include "server/icecast/ogg_opus_pager.hpp"

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace tolk::server::icecast {

class channel_pages {
public:
    static constexpr std::size_t recent = 64;  // 1.28 s of 20 ms frames

    channel_pages(std::size_t channel_count, std::uint32_t serial_seed);
    ~channel_pages();

    // The page of `frame` (a checked audio frame as published); nothing when the frame is not
    // one (unparsable, unknown channel) or is older than every page kept (a shard that fell
    // over a second behind: its listeners skip it, as audio dropped to the live edge).
    std::optional<ogg_stream_page> page_for(const frame_ref& frame);

private:
    struct channel;
    std::vector<std::unique_ptr<channel>> channels_;
};

}  // namespace tolk::server::icecast
