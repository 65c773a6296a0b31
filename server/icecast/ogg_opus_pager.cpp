#include "server/icecast/ogg_opus_pager.hpp"

#include <ogg/ogg.h>
#include <opus/opus.h>

namespace tolk::server::icecast {

namespace {

constexpr std::uint8_t bos_flag = 0x02, eos_flag = 0x04;

std::size_t page_size(std::size_t packet) {
    return 27 + packet / 255 + 1 + packet;
}

void put_le(std::uint8_t* at, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        at[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Writes the page of `packet` (< 64 KiB) at `out` (page_size(packet.size()) bytes).
void write_page(std::span<const std::uint8_t> packet, std::uint8_t flags, std::int64_t granule,
                std::uint32_t serial, std::uint32_t sequence, std::uint8_t* out) {
    const std::size_t segments = packet.size() / 255 + 1;
    out[0] = 'O', out[1] = 'g', out[2] = 'g', out[3] = 'S', out[4] = 0, out[5] = flags;
    put_le(out + 6, static_cast<std::uint64_t>(granule), 8);
    put_le(out + 14, serial, 4);
    put_le(out + 18, sequence, 4);
    put_le(out + 22, 0, 4);  // the CRC, set below
    out[26] = static_cast<std::uint8_t>(segments);
    for (std::size_t i = 0; i + 1 < segments; ++i)
        out[27 + i] = 255;
    out[27 + segments - 1] = static_cast<std::uint8_t>(packet.size() % 255);
    std::uint8_t* body = out + 27 + segments;
    std::copy(packet.begin(), packet.end(), body);
    ogg_page page{out, static_cast<long>(27 + segments), body, static_cast<long>(packet.size())};
    ogg_page_checksum_set(&page);
}

}  // namespace

void append_ogg_page(std::span<const std::uint8_t> packet, std::uint8_t flags, std::int64_t granule,
                     std::uint32_t serial, std::uint32_t sequence, std::string& out) {
    const std::size_t at = out.size();
    out.resize(at + page_size(packet.size()));
    write_page(packet, flags, granule, serial, sequence, reinterpret_cast<std::uint8_t*>(out.data() + at));
}

ogg_opus_pager::ogg_opus_pager(std::uint32_t serial_seed) : serial_base_(serial_seed * 2654435761u + 1) {}

ogg_stream_page ogg_opus_pager::packet(std::span<const std::uint8_t> opus, int samples, bool restart,
                                       const frame_ref& frame) {
    if (open_ && restart) {  // end the stream: an EOS page with one zero-length frame (TOC code 0)
        const std::uint8_t empty_frame = last_toc_ & 0xfc;
        std::string end;
        append_ogg_page({&empty_frame, 1}, eos_flag, granule_ + last_samples_, serial_, sequence_, end);
        ended_ = std::make_shared<const std::string>(std::move(end));
        open_ = false;
    }
    if (!open_) {
        open_ = true;
        serial_ = serial_base_ + static_cast<std::uint32_t>(streams_++);
        sequence_ = 2;  // after OpusHead and OpusTags
        granule_ = 0;
        channels_ = !opus.empty() && opus_packet_get_nb_channels(opus.data()) == 2 ? 2 : 1;
    }
    granule_ += samples;
    if (!opus.empty()) {
        last_toc_ = opus[0];
        last_samples_ = opus_packet_get_samples_per_frame(opus.data(), 48000);
    }
    const std::size_t size = page_size(opus.size());
    auto bytes = std::make_shared_for_overwrite<std::uint8_t[]>(size);
    write_page(opus, 0, granule_, serial_, sequence_, bytes.get());
    ogg_stream_page p;
    p.page = frame_ref{std::move(bytes), static_cast<std::uint32_t>(size), frame.samples, frame.channel,
                       frame.ingress_us};
    p.stream = streams_;
    p.serial = serial_;
    p.sequence = sequence_++;
    p.channels = channels_;
    p.ended = ended_;
    return p;
}

std::string stream_headers(const ogg_stream_page& page, const codec::ogg_opus_tags& tags) {
    auto head = codec::opus_head_packet({});
    head[9] = static_cast<std::uint8_t>(page.channels);  // RFC 7845 5.1: the output channel count
    std::string out;
    append_ogg_page(head, bos_flag, 0, page.serial, 0, out);
    append_ogg_page(codec::opus_tags_packet(tags), 0, 0, page.serial, 1, out);
    return out;
}

}  // namespace tolk::server::icecast
