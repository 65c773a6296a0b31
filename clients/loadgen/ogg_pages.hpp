#pragma once
// Just enough Ogg for the Icecast baseline of `./tolk bench fanout`: write one page per Opus
// packet (the lowest-latency framing Ogg allows) and split a received byte stream back into
// pages.  RFC 3533 (pages, CRC) and RFC 7845 (Opus in Ogg: OpusHead, OpusTags, granule).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tolk::loadgen {

inline constexpr std::uint8_t ogg_bos = 0x02;

// A complete page holding one packet (< 64 KiB).
std::vector<std::uint8_t> ogg_page(std::span<const std::uint8_t> packet, std::uint8_t flags,
                                   std::int64_t granule, std::uint32_t serial, std::uint32_t sequence);
std::vector<std::uint8_t> opus_head(std::uint16_t pre_skip);
std::vector<std::uint8_t> opus_tags(const std::string& vendor);

// Feed bytes as they arrive; calls on_page(granule, header_type) for every complete page.
class ogg_page_reader {
public:
    template <class F>
    void feed(std::span<const std::uint8_t> bytes, F&& on_page) {
        buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
        std::size_t at = 0;
        for (;;) {
            const long size = page_size(at);
            if (size == 0)
                break;
            if (size < 0) {  // lost sync: skip a byte and look for the next capture pattern
                ++at;
                ++bad_;
                continue;
            }
            on_page(granule_at(at), buffer_[at + 5]);
            at += static_cast<std::size_t>(size);
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(at));
    }
    std::uint64_t bad_bytes() const { return bad_; }

private:
    long page_size(std::size_t at) const;  // 0: incomplete, -1: not a page
    std::int64_t granule_at(std::size_t at) const;

    std::vector<std::uint8_t> buffer_;
    std::uint64_t bad_ = 0;
};

}  // namespace tolk::loadgen
