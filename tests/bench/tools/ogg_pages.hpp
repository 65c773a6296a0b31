#pragma once
// Just enough Ogg for the Icecast baseline of `./tolk bench fanout`: write one page per Opus
// packet (the lowest-latency framing Ogg allows) and split a received byte stream back into
// pages.  RFC 3533 (pages, CRC) and RFC 7845 (Opus in Ogg: OpusHead, OpusTags, granule).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tolk::bench {

inline constexpr std::uint8_t ogg_bos = 0x02;

// A complete page holding one packet (< 64 KiB).
std::vector<std::uint8_t> ogg_page(std::span<const std::uint8_t> packet, std::uint8_t flags,
                                   std::int64_t granule, std::uint32_t serial, std::uint32_t sequence);
std::vector<std::uint8_t> opus_head(std::uint16_t pre_skip);
std::vector<std::uint8_t> opus_tags(const std::string& vendor);

// The load generator's mark in an Opus packet's padding (RFC 6716 3.2.5: decoders ignore it):
// "Tk" and the packet's index k (little-endian), the packet's last bytes, so the last bytes of a
// one-packet page. Servers pass packets through untouched, so a listener knows which packet the
// source wrote at what time, whatever the server's granule positions say.
inline constexpr std::size_t packet_tag_size = 6;
std::optional<std::uint32_t> page_tag(std::span<const std::uint8_t> page);
void write_packet_tag(std::uint32_t k, std::span<std::uint8_t, packet_tag_size> at);

// Feed bytes as they arrive; calls on_page(granule, header_type, page) for every complete page.
// Pages are parsed straight from `bytes`; only an incomplete page's bytes are kept (so a
// reader's memory stays at one page, whatever the size of the reads).
class ogg_page_reader {
public:
    template <class F>
    void feed(std::span<const std::uint8_t> bytes, F&& on_page) {
        std::span<const std::uint8_t> in = bytes;
        const bool buffered = !buffer_.empty();
        if (buffered) {
            buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
            in = buffer_;
        }
        std::size_t at = 0;
        for (;;) {
            const long size = page_size(in, at);
            if (size == 0)
                break;
            if (size < 0) {  // lost sync: skip a byte and look for the next capture pattern
                ++at;
                ++bad_;
                continue;
            }
            on_page(granule_at(in, at), in[at + 5], in.subspan(at, static_cast<std::size_t>(size)));
            at += static_cast<std::size_t>(size);
        }
        if (buffered) {
            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(at));
            if (buffer_.empty() && buffer_.capacity() > 16 * 1024)
                std::vector<std::uint8_t>().swap(buffer_);
        } else if (at < in.size()) {
            buffer_.assign(in.begin() + static_cast<long>(at), in.end());
        }
    }
    std::uint64_t bad_bytes() const { return bad_; }

private:
    static long page_size(std::span<const std::uint8_t> in, std::size_t at);  // 0: incomplete, -1: not a page
    static std::int64_t granule_at(std::span<const std::uint8_t> in, std::size_t at);

    std::vector<std::uint8_t> buffer_;  // an incomplete page
    std::uint64_t bad_ = 0;
};

}  // namespace tolk::bench
