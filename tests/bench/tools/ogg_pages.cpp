#include "tests/bench/tools/ogg_pages.hpp"

#include <array>
#include <cstring>

namespace tolk::bench {

namespace {

std::array<std::uint32_t, 256> crc_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t r = i << 24;
        for (int b = 0; b < 8; ++b)
            r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u : r << 1;
        t[i] = r;
    }
    return t;
}

std::uint32_t ogg_crc(std::span<const std::uint8_t> data) {
    static const auto table = crc_table();
    std::uint32_t crc = 0;
    for (auto byte : data)
        crc = (crc << 8) ^ table[((crc >> 24) & 0xff) ^ byte];
    return crc;
}

void put_le(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

std::vector<std::uint8_t> ogg_page(std::span<const std::uint8_t> packet, std::uint8_t flags,
                                   std::int64_t granule, std::uint32_t serial, std::uint32_t sequence) {
    std::vector<std::uint8_t> page{'O', 'g', 'g', 'S', 0, flags};
    put_le(page, static_cast<std::uint64_t>(granule), 8);
    put_le(page, serial, 4);
    put_le(page, sequence, 4);
    put_le(page, 0, 4);  // CRC, filled in below
    const std::size_t segments = packet.size() / 255 + 1;
    page.push_back(static_cast<std::uint8_t>(segments));
    for (std::size_t i = 0; i + 1 < segments; ++i)
        page.push_back(255);
    page.push_back(static_cast<std::uint8_t>(packet.size() % 255));
    page.insert(page.end(), packet.begin(), packet.end());
    const std::uint32_t crc = ogg_crc(page);
    for (int i = 0; i < 4; ++i)
        page[22 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    return page;
}

std::vector<std::uint8_t> opus_head(std::uint16_t pre_skip) {
    std::vector<std::uint8_t> h{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1};
    put_le(h, pre_skip, 2);
    put_le(h, 48000, 4);
    put_le(h, 0, 2);  // output gain
    h.push_back(0);   // mapping family 0: mono/stereo
    return h;
}

std::vector<std::uint8_t> opus_tags(const std::string& vendor) {
    std::vector<std::uint8_t> t{'O', 'p', 'u', 's', 'T', 'a', 'g', 's'};
    put_le(t, vendor.size(), 4);
    t.insert(t.end(), vendor.begin(), vendor.end());
    put_le(t, 0, 4);  // no comments
    return t;
}

std::optional<std::uint32_t> page_tag(std::span<const std::uint8_t> page) {
    if (page.size() < 27 + packet_tag_size)
        return std::nullopt;
    const auto tag = page.last(packet_tag_size);
    if (tag[0] != 'T' || tag[1] != 'k')
        return std::nullopt;
    return static_cast<std::uint32_t>(tag[2] | tag[3] << 8 | tag[4] << 16 | static_cast<std::uint32_t>(tag[5]) << 24);
}

void write_packet_tag(std::uint32_t k, std::span<std::uint8_t, packet_tag_size> at) {
    at[0] = 'T';
    at[1] = 'k';
    for (int i = 0; i < 4; ++i)
        at[2 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(k >> (8 * i));
}

long ogg_page_reader::page_size(std::span<const std::uint8_t> in, std::size_t at) {
    const std::size_t have = in.size() - at;
    if (have < 27)
        return 0;
    if (std::memcmp(&in[at], "OggS", 4) != 0)
        return -1;
    const std::size_t segments = in[at + 26];
    if (have < 27 + segments)
        return 0;
    std::size_t body = 0;
    for (std::size_t i = 0; i < segments; ++i)
        body += in[at + 27 + i];
    const std::size_t total = 27 + segments + body;
    return have < total ? 0 : static_cast<long>(total);
}

std::int64_t ogg_page_reader::granule_at(std::span<const std::uint8_t> in, std::size_t at) {
    std::uint64_t g = 0;
    for (int i = 7; i >= 0; --i)
        g = (g << 8) | in[at + 6 + static_cast<std::size_t>(i)];
    return static_cast<std::int64_t>(g);
}

}  // namespace tolk::bench
