#include "server/icecast/source_format.hpp"

#include <algorithm>
#include <cstring>

namespace tolk::server::icecast {

namespace {

bool starts_with(std::span<const std::uint8_t> bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

}  // namespace

std::optional<std::string> sniff_foreign(std::span<const std::uint8_t> head) {
    if (starts_with(head, "OggS"))
        return std::nullopt;
    if (starts_with(head, "ID3"))
        return "MP3";
    if (starts_with(head, "fLaC"))
        return "FLAC";
    if (starts_with(head, "RIFF"))
        return "WAV";
    if (head.size() >= 4 && (starts_with(head.subspan(4), "ftyp") || starts_with(head, "\x1a\x45\xdf\xa3")))
        return "MP4/WebM";
    if (head.size() >= 2 && head[0] == 0xff && (head[1] & 0xe0) == 0xe0) {
        const int layer = (head[1] >> 1) & 0x03;  // MPEG audio frame sync; layer 0 is ADTS
        return layer == 0 ? "AAC (ADTS)" : "MP3";
    }
    return "an unknown format";
}

std::string ogg_codec_name(std::span<const std::uint8_t> first) {
    if (starts_with(first, "OpusHead"))
        return "Opus";
    if (starts_with(first, "\x01vorbis"))
        return "Ogg Vorbis";
    if (starts_with(first, "\x7f" "FLAC"))
        return "Ogg FLAC";
    if (starts_with(first, "Speex   "))
        return "Ogg Speex";
    if (starts_with(first, "\x80theora"))
        return "Ogg Theora (video)";
    return "an unknown Ogg codec";
}

}  // namespace tolk::server::icecast
