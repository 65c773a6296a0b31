#pragma once
// What an Icecast source sent, from its first bytes: tolk takes Ogg Opus only, and refuses
// anything else at once with a reason that names what it got (MP3, AAC, FLAC, WAV...) and what
// it accepts. Ogg Vorbis, Ogg FLAC and Speex are told apart later, from the Ogg stream's first
// packet (ogg_opus_demuxer). Encoders label Ogg as audio/mpeg (ffmpeg does), so the
// Content-Type header is not trusted. Pure functions; any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tolk::server::icecast {

// What tolk accepts, for refusals.
inline constexpr std::string_view accepted_formats =
    "tolk accepts Ogg Opus only (audio/ogg; e.g. ffmpeg -c:a libopus -f ogg), mono or stereo";

// Bytes needed before sniff() can tell (fewer only at the end of the stream).
inline constexpr std::size_t sniff_bytes = 4;

// nullopt: the stream starts like Ogg ("OggS"). Otherwise the name of what it looks like
// ("MP3", "AAC (ADTS)", "FLAC", "WAV", "an unknown format").
std::optional<std::string> sniff_foreign(std::span<const std::uint8_t> head);

// The codec named by the first packet of an Ogg logical stream: "Opus" for OpusHead, else
// "Ogg Vorbis", "Ogg FLAC", "Ogg Speex", "Ogg Theora" or "an unknown Ogg codec".
std::string ogg_codec_name(std::span<const std::uint8_t> first_packet);

}  // namespace tolk::server::icecast
