#include "protocol/audio_frame.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace tolk::protocol {
namespace {

template <class T>
void put_be(std::uint8_t* p, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        p[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * (sizeof(T) - 1 - i)));
}

template <class T>
T get_be(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v = (v << 8) | p[i];
    return static_cast<T>(v);
}

}  // namespace

void write_frame_header(const frame_header& h, std::span<std::uint8_t, frame_header_size> out) {
    std::uint8_t* p = out.data();
    p[0] = h.version;
    p[1] = h.flags;
    put_be<std::uint16_t>(p + 2, h.channel);
    put_be<std::uint32_t>(p + 4, h.sequence);
    put_be<std::uint64_t>(p + 8, static_cast<std::uint64_t>(h.capture_us));
    put_be<std::uint64_t>(p + 16, static_cast<std::uint64_t>(h.ingress_us));
    put_be<std::uint16_t>(p + 24, h.payload_size);
    p[26] = 0;  // reserved
    p[27] = 0;
}

parse_result<audio_frame_view> parse_audio_frame(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < frame_header_size)
        return make_error(parse_errc::truncated, "audio frame of " + std::to_string(bytes.size()) +
                                                     " bytes is shorter than its 28-byte header");
    const std::uint8_t* p = bytes.data();
    if (p[0] != protocol_version)
        return make_error(parse_errc::wrong_version,
                          "audio frame version " + std::to_string(p[0]) + ", this server speaks " +
                              std::to_string(protocol_version));
    if (bytes.size() > max_frame_size)
        return make_error(parse_errc::oversized, "audio frame of " + std::to_string(bytes.size()) +
                                                     " bytes exceeds " +
                                                     std::to_string(max_frame_size));
    audio_frame_view view;
    frame_header& h = view.header;
    h.version = p[0];
    h.flags = p[1];
    h.channel = get_be<std::uint16_t>(p + 2);
    h.sequence = get_be<std::uint32_t>(p + 4);
    h.capture_us = static_cast<std::int64_t>(get_be<std::uint64_t>(p + 8));
    h.ingress_us = static_cast<std::int64_t>(get_be<std::uint64_t>(p + 16));
    h.payload_size = get_be<std::uint16_t>(p + 24);
    if (p[26] != 0 || p[27] != 0)
        return make_error(parse_errc::malformed, "reserved header bytes are not zero");
    if ((h.flags & ~frame_flag::known_mask) != 0)
        return make_error(parse_errc::malformed, "unknown flag bits set");
    const std::size_t available = bytes.size() - frame_header_size;
    if (h.payload_size > available)
        return make_error(parse_errc::truncated, "payload declares " +
                                                     std::to_string(h.payload_size) + " bytes, " +
                                                     std::to_string(available) + " present");
    if (h.payload_size < available)
        return make_error(parse_errc::malformed, std::to_string(available - h.payload_size) +
                                                     " trailing bytes after the payload");
    if (h.payload_size == 0)
        return make_error(parse_errc::invalid_value, "empty Opus payload");
    view.opus = bytes.subspan(frame_header_size, h.payload_size);
    return view;
}

std::size_t serialize_audio_frame(frame_header header, std::span<const std::uint8_t> opus,
                                  std::span<std::uint8_t> out) {
    header.payload_size = static_cast<std::uint16_t>(opus.size());
    write_frame_header(header, out.first<frame_header_size>());
    if (!opus.empty())  // memcpy from an empty span's null pointer is undefined, even for 0 bytes
        std::memcpy(out.data() + frame_header_size, opus.data(), opus.size());
    return frame_header_size + opus.size();
}

std::vector<std::uint8_t> serialize_audio_frame(frame_header header,
                                                std::span<const std::uint8_t> opus) {
    std::vector<std::uint8_t> out(frame_header_size + opus.size());
    serialize_audio_frame(header, opus, out);
    return out;
}

}  // namespace tolk::protocol
