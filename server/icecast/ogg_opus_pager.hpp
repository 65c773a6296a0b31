#pragma once
// Turns one channel's Opus packets, as they come, into the pages of a live Ogg Opus stream that
// every HTTP listener of the channel shares: one page per packet (nothing waits for a page to
// fill), built once, whatever the number of listeners. Granule positions count the channel's
// 48 kHz samples from the start of the logical stream; page sequence numbers count its pages
// (0 and 1 are OpusHead and OpusTags, so the first data page is 2). After a discontinuity (a new
// booth, a chained source) the stream is ended (an EOS page holding one empty Opus frame, which
// decoders conceal) and a new one begins, with its own serial.
//
// What differs per listener is only where it starts: a player that joins mid-stream gets the
// stream's OpusHead and OpusTags pages (stream_headers(), pages 0 and 1) and then the shared
// pages from the live edge, the first with a granule position past its samples (RFC 7845 4.4:
// a stream that starts at a later time) and a sequence number past 2. That is what Icecast
// sends a listener joining a mount (its stored header pages, then the source's pages as they
// are): libogg players (opusdec, VLC) see one page missing before the first audio and play on,
// ffmpeg and browsers ignore sequence numbers. Numbering the headers so that the first page
// follows them would not do: libogg's ogg_stream_init expects a stream's first page to be page
// 0 and reads a BOS page numbered otherwise as a gap before OpusHead (opusinfo: "Invalid header
// page"). Audio a listener misses later (dropped to the live edge) is a gap too, which players
// conceal.
//
// Not thread-safe: one per channel, used under channel_pages' lock. Per page it costs one CRC
// over ~100 bytes and one allocation.

#include "codec/ogg_opus_writer.hpp"
#include "server/frame_ref.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace tolk::server::icecast {

// One data page of a channel's stream, and what a listener needs to start reading at it.
struct ogg_stream_page {
    frame_ref page;                 // the whole Ogg page; channel, samples and ingress of its frame
    std::uint64_t stream = 0;       // the channel's logical stream: 1, 2, ... (+1 per discontinuity)
    std::uint32_t serial = 0;       // that stream's serial number
    std::uint32_t sequence = 0;     // the page's sequence number in it (2 for its first data page)
    int channels = 1;               // the stream's channel count (OpusHead)
    std::shared_ptr<const std::string> ended;  // the EOS page of stream - 1; null for the first
};

class ogg_opus_pager {
public:
    // `serial_seed` makes serials differ between channels and server runs.
    explicit ogg_opus_pager(std::uint32_t serial_seed);

    // The page of one packet of `samples` 48 kHz samples; `restart`: begin a new logical stream
    // first (ending the current one). The first packet always begins one. `frame`: the packet's
    // frame, whose channel, samples and ingress time the page carries.
    ogg_stream_page packet(std::span<const std::uint8_t> opus, int samples, bool restart, const frame_ref& frame);

    std::uint64_t streams() const { return streams_; }

private:
    std::uint32_t serial_base_;
    std::uint64_t streams_ = 0;
    bool open_ = false;
    std::uint32_t serial_ = 0;
    std::uint32_t sequence_ = 0;  // of the next page
    std::int64_t granule_ = 0;
    int channels_ = 1;
    std::uint8_t last_toc_ = 0;
    int last_samples_ = 960;
    std::shared_ptr<const std::string> ended_;
};

// OpusHead and OpusTags pages (0 and 1) of `page`'s stream: what a listener is sent before its
// first page of a stream.
std::string stream_headers(const ogg_stream_page& page, const codec::ogg_opus_tags& tags);

// One Ogg page holding one whole packet (RFC 3533), appended to `out`.
void append_ogg_page(std::span<const std::uint8_t> packet, std::uint8_t flags, std::int64_t granule,
                     std::uint32_t serial, std::uint32_t sequence, std::string& out);

}  // namespace tolk::server::icecast
