#include "server/icecast/ogg_opus_pager.hpp"

#include <ogg/ogg.h>
#include <opus/opus.h>

namespace tolk::server::icecast {

struct ogg_opus_pager::state {
    ogg_stream_state stream{};
    bool open = false;
    std::int64_t granule = 0;
    std::int64_t packetno = 0;
    std::uint8_t last_toc = 0;
    int last_samples = 960;

    ~state() {
        if (open)
            ogg_stream_clear(&stream);
    }
};

ogg_opus_pager::ogg_opus_pager(codec::ogg_opus_tags tags, std::uint32_t serial_seed)
    : state_(std::make_unique<state>()), tags_(std::move(tags)), serial_(serial_seed * 2654435761u + 1) {}

ogg_opus_pager::~ogg_opus_pager() = default;

void ogg_opus_pager::put(std::span<const std::uint8_t> data, bool bos, bool eos, std::vector<std::uint8_t>& out) {
    auto& s = *state_;
    ogg_packet p{};
    p.packet = const_cast<unsigned char*>(data.data());  // libogg copies it; its API is not const
    p.bytes = static_cast<long>(data.size());
    p.b_o_s = bos ? 1 : 0;
    p.e_o_s = eos ? 1 : 0;
    p.granulepos = s.granule;
    p.packetno = s.packetno++;
    ogg_stream_packetin(&s.stream, &p);
    ogg_page page;
    while (ogg_stream_flush(&s.stream, &page) != 0) {
        out.insert(out.end(), page.header, page.header + page.header_len);
        out.insert(out.end(), page.body, page.body + page.body_len);
    }
}

void ogg_opus_pager::begin(int channels, std::vector<std::uint8_t>& out) {
    auto& s = *state_;
    ogg_stream_init(&s.stream, static_cast<int>(serial_ + static_cast<std::uint32_t>(streams_)));
    s.open = true;
    s.granule = 0;
    s.packetno = 0;
    ++streams_;
    auto head = codec::opus_head_packet({});
    head[9] = static_cast<std::uint8_t>(channels);  // RFC 7845 5.1: the output channel count
    put(head, true, false, out);
    put(codec::opus_tags_packet(tags_), false, false, out);
}

// An EOS page with one zero-length frame in the last packet's configuration (TOC code 0).
void ogg_opus_pager::end(std::vector<std::uint8_t>& out) {
    auto& s = *state_;
    const std::uint8_t empty_frame = s.last_toc & 0xfc;
    s.granule += s.last_samples;
    put({&empty_frame, 1}, false, true, out);
    ogg_stream_clear(&s.stream);
    s.open = false;
}

void ogg_opus_pager::packet(std::span<const std::uint8_t> opus, int samples, bool restart,
                            std::vector<std::uint8_t>& out) {
    auto& s = *state_;
    if (opus.empty())
        return;
    if (s.open && restart)
        end(out);
    if (!s.open)
        begin(opus_packet_get_nb_channels(opus.data()) == 2 ? 2 : 1, out);
    s.granule += samples;
    s.last_toc = opus[0];
    s.last_samples = opus_packet_get_samples_per_frame(opus.data(), 48000);
    put(opus, false, false, out);
}

}  // namespace tolk::server::icecast
