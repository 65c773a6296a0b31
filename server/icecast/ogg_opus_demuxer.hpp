#pragma once
// Takes an Icecast source's bytes apart: Ogg pages (libogg) into Opus packets (RFC 7845).
//
// Each logical stream must start with an OpusHead packet (version 0.x, mono or stereo, mapping
// family 0) and an OpusTags packet; then every packet is audio. A new logical stream after the
// previous one (a chained stream: the encoder restarted or changed settings) starts again with
// its own OpusHead: the caller marks a discontinuity. Lost audio pages (a sequence gap: a relay
// or player that joined mid-stream, an upstream that skipped pages for a slow reader) are
// counted and the next packet says so; every audio packet carries its end granule where its
// page gives one. Anything else is refused with a reason: another codec (unsupported), a bad
// header, or a corrupt page, lost header pages or garbage between pages (corrupt). After an
// error the demuxer refuses everything.
//
// Owned by one source session; not thread-safe. Packets passed to the callback point into
// libogg's buffers and are valid only during the call.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace tolk::server::icecast {

struct opus_stream_info {
    int channels = 1;
    int pre_skip = 0;
    std::uint32_t input_rate = 48000;  // informative only: Opus is always 48 kHz inside
    std::uint32_t serial = 0;
    bool chained = false;  // not the first logical stream of the connection
};

struct demux_event {
    enum class kind { stream, packet } what = kind::packet;
    opus_stream_info stream;             // kind::stream
    std::span<const std::uint8_t> data;  // kind::packet: one Opus packet
    std::int64_t granule = -1;           // kind::packet: end granule when its page gave one, else -1
    bool after_gap = false;              // kind::packet: pages were lost just before this one
};

enum class demux_status { ok, unsupported, bad_header, corrupt, stopped };

struct demux_result {
    demux_status status = demux_status::ok;
    std::string reason;  // why, for the refusal (under ~120 bytes)
    explicit operator bool() const { return status == demux_status::ok; }
};

class ogg_opus_demuxer {
public:
    // Returns false to stop (the result is then `stopped`).
    using sink = std::function<bool(const demux_event&)>;

    ogg_opus_demuxer();
    ~ogg_opus_demuxer();
    ogg_opus_demuxer(const ogg_opus_demuxer&) = delete;
    ogg_opus_demuxer& operator=(const ogg_opus_demuxer&) = delete;

    // Feeds the next bytes of the stream; calls `on` for every complete header and packet.
    demux_result feed(std::span<const std::uint8_t> bytes, const sink& on);

    std::uint64_t pages() const { return pages_; }
    std::uint64_t gaps() const { return gaps_; }  // holes in the page sequence so far

private:
    struct state;
    demux_result page(const sink& on);

    std::unique_ptr<state> state_;
    demux_result failed_;
    std::uint64_t pages_ = 0;
    std::uint64_t gaps_ = 0;
};

}  // namespace tolk::server::icecast
