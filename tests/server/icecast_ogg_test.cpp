// The Icecast side's Ogg parts on their own: the pager's live stream read back by the demuxer
// (packets, chaining, a player joining mid-stream), pages shared between shards, refusals of other formats, corrupt pages.

#include "server/icecast/channel_pages.hpp"
#include "server/icecast/ogg_opus_demuxer.hpp"
#include "server/icecast/ogg_opus_pager.hpp"
#include "server/icecast/source_format.hpp"

#include "codec/opus_encoder.hpp"
#include "codec/signals.hpp"
#include "protocol/audio_frame.hpp"

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

server::frame_ref frame_of(const std::vector<std::uint8_t>& opus, bool discontinuity, std::int64_t ingress_us) {
    protocol::frame_header h;
    h.channel = 0;
    h.ingress_us = ingress_us;
    if (discontinuity)
        h.flags |= protocol::frame_flag::discontinuity;
    const std::size_t size = protocol::frame_header_size + opus.size();
    auto bytes = std::make_shared_for_overwrite<std::uint8_t[]>(size);
    protocol::serialize_audio_frame(h, opus, {bytes.get(), size});
    return {std::move(bytes), static_cast<std::uint32_t>(size), 960, 0, ingress_us};
}

// What one player receives from its first page on: the headers of each stream it enters (and
// the EOS of the stream it leaves), then the shared pages.
struct player {
    codec::ogg_opus_tags tags;
    std::uint64_t stream = 0;
    std::string bytes;
    void take(const ogg_stream_page& p) {
        if (p.stream != stream) {
            if (stream != 0 && p.ended)
                bytes += *p.ended;
            bytes += stream_headers(p, tags);
            stream = p.stream;
        }
        bytes.append(reinterpret_cast<const char*>(p.page.bytes.get()), p.page.size);
    }
    std::span<const std::uint8_t> view() const {
        return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
    }
};

TEST(IcecastOgg, PagerStreamReadsBackPacketForPacketAndChainsAfterDiscontinuity) {
    const auto first = packets(30, 1), second = packets(20, 2);
    ogg_opus_pager pager(42);
    player from_start, late;
    std::size_t joined_at = 0, late_headers = 0;  // where page 10 begins in from_start's bytes
    for (std::size_t i = 0; i < first.size(); ++i) {
        const auto p = pager.packet(first[i], 960, i == 0, frame_of(first[i], i == 0, 1));
        if (i == 10) {
            joined_at = from_start.bytes.size();
            late_headers = stream_headers(p, late.tags).size();
            EXPECT_EQ(p.sequence, 12u);
            EXPECT_EQ(p.page.samples, 960u);
        }
        from_start.take(p);
        if (i >= 10)
            late.take(p);  // joins mid-stream
    }
    for (std::size_t i = 0; i < second.size(); ++i) {
        const auto p = pager.packet(second[i], 960, i == 0, frame_of(second[i], i == 0, 1));
        from_start.take(p);
        late.take(p);
    }
    EXPECT_EQ(pager.streams(), 2u);
    const auto got = demux(from_start.view());
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
    // The late player: the same headers (pages 0 and 1 of the stream), then the very bytes the
    // first player got from page 10 on (as Icecast, a sequence gap before its first audio page,
    // which tolk's strict demuxer names).
    EXPECT_EQ(late.bytes.substr(0, late_headers), from_start.bytes.substr(0, late_headers));
    EXPECT_EQ(late.bytes.substr(late_headers), from_start.bytes.substr(joined_at));
    const auto heard_late = demux(late.view());
    ASSERT_EQ(heard_late.streams.size(), 1u);
    EXPECT_NE(heard_late.result.reason.find("sequence gap"), std::string::npos) << heard_late.result.reason;
}

TEST(IcecastOgg, ChannelPagesBuildEachPageOnceForEveryListenerInAnyOrder) {
    const auto opus = packets(80, 4);
    channel_pages pages(1, 9);
    std::vector<server::frame_ref> frames;
    for (std::size_t i = 0; i < opus.size(); ++i)
        frames.push_back(frame_of(opus[i], i == 0, 1000 + static_cast<std::int64_t>(i) * 20000));
    player a, b;
    std::vector<const std::uint8_t*> built;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto p = pages.page_for(frames[i]);  // shard A, on time
        ASSERT_TRUE(p);
        a.take(*p);
        built.push_back(p->page.bytes.get());
        if (i >= 3) {  // shard B, three frames behind: the same bytes, not a page of its own
            const auto q = pages.page_for(frames[i - 3]);
            ASSERT_TRUE(q);
            EXPECT_EQ(q->page.bytes.get(), built[i - 3]);
            b.take(*q);
        }
    }
    EXPECT_FALSE(pages.page_for(frames[0])) << "older than every page kept";
    const auto got_a = demux(a.view()), got_b = demux(b.view());
    ASSERT_TRUE(got_a.result) << got_a.result.reason;
    ASSERT_TRUE(got_b.result) << got_b.result.reason;
    EXPECT_EQ(got_a.packets.size(), opus.size());
    EXPECT_EQ(got_b.packets.size(), opus.size() - 3);
    EXPECT_EQ(got_b.packets.back(), opus[opus.size() - 4]);
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
    ogg_opus_pager pager(7);
    player p;
    for (const auto& packet : packets(10, 3))
        p.take(pager.packet(packet, 960, false, frame_of(packet, false, 1)));
    p.bytes[p.bytes.size() - 20] ^= 0x55;  // inside the last page: its checksum no longer matches
    const auto got = demux(p.view(), p.bytes.size());
    EXPECT_EQ(got.result.status, demux_status::corrupt) << got.result.reason;
    EXPECT_LT(got.packets.size(), 10u);
}

}  // namespace
}  // namespace tolk::test
