// The Icecast side's Ogg parts on their own: the pager's live stream read back by the demuxer
// (packets, chaining), refusals of other formats, corrupt pages.

#include "server/icecast/ogg_opus_demuxer.hpp"
#include "server/icecast/ogg_opus_pager.hpp"
#include "server/icecast/source_format.hpp"

#include "codec/opus_encoder.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

namespace tolk::test {
namespace {

using namespace server::icecast;

std::vector<std::vector<std::uint8_t>> packets(int count, std::uint32_t seed) {
    codec::opus_encoder enc;
    const auto pcm = codec::speech_like(count * 0.02, seed);
    std::vector<std::vector<std::uint8_t>> out;
    for (int i = 0; i < count; ++i)
        out.push_back(enc.encode(std::span<const float>(pcm).subspan(static_cast<std::size_t>(i) * 960, 960)));
    return out;
}

struct demuxed {
    std::vector<opus_stream_info> streams;
    std::vector<std::vector<std::uint8_t>> packets;
    demux_result result;
};

demuxed demux(std::span<const std::uint8_t> bytes, std::size_t chunk = 7) {
    ogg_opus_demuxer d;
    demuxed out;
    for (std::size_t at = 0; at < bytes.size() && out.result; at += chunk) {
        out.result = d.feed(bytes.subspan(at, std::min(chunk, bytes.size() - at)), [&](const demux_event& e) {
            if (e.what == demux_event::kind::stream)
                out.streams.push_back(e.stream);
            else
                out.packets.emplace_back(e.data.begin(), e.data.end());
            return true;
        });
    }
    return out;
}

TEST(IcecastOgg, PagerStreamReadsBackPacketForPacketAndChainsAfterDiscontinuity) {
    const auto first = packets(30, 1), second = packets(20, 2);
    ogg_opus_pager pager({}, 42);
    std::vector<std::uint8_t> stream;
    for (std::size_t i = 0; i < first.size(); ++i)
        pager.packet(first[i], 960, i == 0, stream);
    for (std::size_t i = 0; i < second.size(); ++i)
        pager.packet(second[i], 960, i == 0, stream);
    EXPECT_EQ(pager.streams(), 2u);
    const auto got = demux(stream);
    ASSERT_TRUE(got.result) << got.result.reason;
    ASSERT_EQ(got.streams.size(), 2u);
    EXPECT_FALSE(got.streams[0].chained);
    EXPECT_TRUE(got.streams[1].chained);
    EXPECT_EQ(got.streams[0].channels, 1);
    EXPECT_NE(got.streams[0].serial, got.streams[1].serial);
    // Each stream's packets, plus the one-byte empty frame that ends the first stream.
    ASSERT_EQ(got.packets.size(), first.size() + 1 + second.size());
    EXPECT_EQ(got.packets[0], first[0]);
    EXPECT_EQ(got.packets[first.size() - 1], first.back());
    EXPECT_EQ(got.packets[first.size()].size(), 1u);
    EXPECT_EQ(got.packets.back(), second.back());
}

TEST(IcecastOgg, OtherFormatsAreNamedInTheRefusal) {
    const std::uint8_t mp3[] = {0xff, 0xfb, 0x90, 0x64}, id3[] = {'I', 'D', '3', 4}, aac[] = {0xff, 0xf1, 0x50, 0x80};
    const std::uint8_t flac[] = {'f', 'L', 'a', 'C'}, ogg[] = {'O', 'g', 'g', 'S'};
    EXPECT_EQ(sniff_foreign(mp3), "MP3");
    EXPECT_EQ(sniff_foreign(id3), "MP3");
    EXPECT_EQ(sniff_foreign(aac), "AAC (ADTS)");
    EXPECT_EQ(sniff_foreign(flac), "FLAC");
    EXPECT_FALSE(sniff_foreign(ogg));
    const std::string vorbis = "\x01vorbis\x00\x00\x00\x00";
    EXPECT_EQ(ogg_codec_name({reinterpret_cast<const std::uint8_t*>(vorbis.data()), vorbis.size()}), "Ogg Vorbis");
}

TEST(IcecastOgg, CorruptPageIsRefused) {
    ogg_opus_pager pager({}, 7);
    std::vector<std::uint8_t> stream;
    for (const auto& p : packets(10, 3))
        pager.packet(p, 960, false, stream);
    stream[stream.size() - 20] ^= 0x55;  // inside the last page: its checksum no longer matches
    const auto got = demux(stream, stream.size());
    EXPECT_EQ(got.result.status, demux_status::corrupt) << got.result.reason;
    EXPECT_LT(got.packets.size(), 10u);
}

}  // namespace
}  // namespace tolk::test
