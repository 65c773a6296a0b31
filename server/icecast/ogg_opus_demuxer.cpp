#include "server/icecast/ogg_opus_demuxer.hpp"

#include "server/icecast/source_format.hpp"

#include <ogg/ogg.h>
#include <opus/opus.h>

#include <cstring>
#include <utility>
#include <vector>

namespace tolk::server::icecast {

struct ogg_opus_demuxer::state {
    ogg_sync_state sync{};
    ogg_stream_state stream{};
    ogg_page current{};
    bool have_stream = false;  // `stream` is initialised
    bool ended = false;        // the current logical stream's EOS page came
    int headers_left = 0;      // 2: OpusHead next, 1: OpusTags next, 0: audio
    std::uint64_t streams = 0;
    bool gap = false;                 // pages were lost before the next audio packet
    std::vector<ogg_packet> packets;  // the current page's, valid until the next page goes in

    state() { ogg_sync_init(&sync); }
    demux_result packet(const ogg_packet& p, const sink& on);
    ~state() {
        if (have_stream)
            ogg_stream_clear(&stream);
        ogg_sync_clear(&sync);
    }
};

namespace {

demux_result fail(demux_status s, std::string reason) { return {s, std::move(reason)}; }

std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }
std::uint32_t le32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0] | p[1] << 8 | p[2] << 16) | static_cast<std::uint32_t>(p[3]) << 24;
}

// RFC 7845 section 5.1.
demux_result parse_head(const ogg_packet& p, opus_stream_info& info) {
    const auto* d = p.packet;
    if (p.bytes < 19)
        return fail(demux_status::bad_header, "OpusHead shorter than 19 bytes");
    if ((d[8] & 0xf0) != 0)
        return fail(demux_status::bad_header, "OpusHead version " + std::to_string(d[8]) + " (tolk reads 0.x)");
    info.channels = d[9];
    if (info.channels < 1 || info.channels > 2)
        return fail(demux_status::unsupported, std::to_string(info.channels) + "-channel Opus: " +
                                                   std::string(accepted_formats));
    if (d[18] != 0)
        return fail(demux_status::unsupported, "Opus channel mapping family " + std::to_string(d[18]) +
                                                   ": " + std::string(accepted_formats));
    info.pre_skip = le16(d + 10);
    info.input_rate = le32(d + 12);
    return {};
}

}  // namespace

ogg_opus_demuxer::ogg_opus_demuxer() : state_(std::make_unique<state>()) {}
ogg_opus_demuxer::~ogg_opus_demuxer() = default;

demux_result ogg_opus_demuxer::feed(std::span<const std::uint8_t> bytes, const sink& on) {
    if (!failed_)
        return failed_;
    auto& s = *state_;
    char* room = ogg_sync_buffer(&s.sync, static_cast<long>(bytes.size()));
    if (room == nullptr)
        return failed_ = fail(demux_status::corrupt, "out of memory for Ogg pages");
    if (!bytes.empty())
        std::memcpy(room, bytes.data(), bytes.size());
    ogg_sync_wrote(&s.sync, static_cast<long>(bytes.size()));
    for (;;) {
        const int r = ogg_sync_pageout(&s.sync, &s.current);
        if (r == 0)
            return {};
        if (r < 0)  // bytes skipped: garbage, or a page whose CRC is wrong
            return failed_ = fail(demux_status::corrupt, "corrupt Ogg data (bad page or checksum)");
        ++pages_;
        if (auto result = page(on); !result)
            return failed_ = result;
    }
}

demux_result ogg_opus_demuxer::page(const sink& on) {
    auto& s = *state_;
    auto& pg = s.current;
    const auto serial = static_cast<std::uint32_t>(ogg_page_serialno(&pg));
    if (ogg_page_bos(&pg)) {
        if (s.have_stream && !s.ended && s.headers_left == 0)
            return fail(demux_status::unsupported,
                        "multiplexed Ogg (several streams at once): " + std::string(accepted_formats));
        if (s.have_stream)
            ogg_stream_clear(&s.stream);
        ogg_stream_init(&s.stream, static_cast<int>(serial));
        s.have_stream = true;
        s.ended = false;
        s.headers_left = 2;
    } else if (!s.have_stream || static_cast<std::uint32_t>(s.stream.serialno) != serial) {
        return fail(demux_status::corrupt, s.have_stream ? "Ogg page of an unknown logical stream"
                                                         : "Ogg stream without a beginning-of-stream page");
    }
    if (ogg_stream_pagein(&s.stream, &pg) != 0)
        return fail(demux_status::corrupt, "Ogg page out of place in its stream");
    if (ogg_page_eos(&pg))
        s.ended = true;
    // The page's packets first, so that each can be given its own end granule.
    s.packets.clear();
    for (ogg_packet p; const int r = ogg_stream_packetout(&s.stream, &p);) {
        if (r > 0) {
            s.packets.push_back(p);
            continue;
        }
        // A hole (libogg reports it before the packets of the page after it): pages of the
        // stream never came. A live relay or a player that joined a mount mid-stream has one
        // before its first audio page (the header pages, then the live edge), and an upstream
        // server that dropped pages for a slow reader has one anywhere. Lost audio is audio a
        // listener's buffer conceals; lost headers are a broken stream.
        if (s.headers_left > 0)
            return fail(demux_status::corrupt, "an Ogg page of the stream's headers is missing (sequence gap)");
        s.gap = true;
        ++gaps_;
    }
    // RFC 7845 section 4: the page's granule position is where its last complete packet ends;
    // each earlier packet ends where the next one starts.
    std::int64_t end = ogg_page_granulepos(&pg);
    for (auto p = s.packets.rbegin(); p != s.packets.rend() && end >= 0; ++p) {
        p->granulepos = end;
        const int samples = opus_packet_get_nb_samples(p->packet, static_cast<opus_int32>(p->bytes), 48000);
        end = samples > 0 ? end - samples : -1;
    }
    for (auto& p : s.packets)
        if (auto result = s.packet(p, on); !result)
            return result;
    return {};
}

// One packet of the current stream: a header, or audio with its end granule (or -1).
demux_result ogg_opus_demuxer::state::packet(const ogg_packet& p, const sink& on) {
    auto& s = *this;
    const std::span<const std::uint8_t> data(p.packet, static_cast<std::size_t>(p.bytes));
    demux_event e;
    if (s.headers_left == 2) {
        if (const auto codec = ogg_codec_name(data); codec != "Opus")
            return fail(demux_status::unsupported, codec + ": " + std::string(accepted_formats));
        e.what = demux_event::kind::stream;
        if (auto head = parse_head(p, e.stream); !head)
            return head;
        e.stream.serial = static_cast<std::uint32_t>(s.stream.serialno);
        e.stream.chained = s.streams++ > 0;
        s.headers_left = 1;
        return on(e) ? demux_result{} : demux_result{demux_status::stopped, "stopped"};
    }
    if (s.headers_left == 1) {
        if (data.size() < 8 || std::memcmp(data.data(), "OpusTags", 8) != 0)
            return fail(demux_status::bad_header, "the packet after OpusHead is not OpusTags");
        s.headers_left = 0;
        return {};
    }
    e.what = demux_event::kind::packet;
    e.data = data;
    e.granule = p.granulepos;
    e.after_gap = std::exchange(s.gap, false);
    return on(e) ? demux_result{} : demux_result{demux_status::stopped, "stopped"};
}

}  // namespace tolk::server::icecast
