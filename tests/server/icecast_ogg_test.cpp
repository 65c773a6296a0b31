// The Icecast side's Ogg parts on their own: the pager's live stream read back by the demuxer
// (packets, chaining, a player joining mid-stream), pages shared between shards, refusals of other formats, corrupt pages.

#include "server/icecast/channel_pages.hpp"
#include "server/icecast/ogg_opus_demuxer.hpp"
#include "server/icecast/ogg_opus_pager.hpp"
#include "server/icecast/source_format.hpp"

#include "codec/ogg_opus_writer.hpp"
#include "codec/opus_encoder.hpp"
#include "codec/signals.hpp"
#include "protocol/audio_frame.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

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
    std::vector<std::int64_t> granules;  // each packet's end granule (-1: none)
    std::vector<std::size_t> after_gap;  // the indexes of packets that followed lost pages
    std::uint64_t gaps = 0;
    demux_result result;
};

demuxed demux(std::span<const std::uint8_t> bytes, std::size_t chunk = 7) {
    ogg_opus_demuxer d;
    demuxed out;
    for (std::size_t at = 0; at < bytes.size() && out.result; at += chunk) {
        out.result = d.feed(bytes.subspan(at, std::min(chunk, bytes.size() - at)), [&](const demux_event& e) {
            if (e.what == demux_event::kind::stream)
                out.streams.push_back(e.stream);
            else {
                if (e.after_gap)
                    out.after_gap.push_back(out.packets.size());
                out.packets.emplace_back(e.data.begin(), e.data.end());
                out.granules.push_back(e.granule);
            }
            return true;
        });
    }
    out.gaps = d.gaps();
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
    // first player got from page 10 on (as Icecast, a sequence gap before its first audio page).
    EXPECT_EQ(late.bytes.substr(0, late_headers), from_start.bytes.substr(0, late_headers));
    EXPECT_EQ(late.bytes.substr(late_headers), from_start.bytes.substr(joined_at));
    // Read back (what a tolk ingest relaying that player does): the gap is counted, the packets
    // from page 10 on all come, the first of them marked, each at its place in the stream.
    const auto heard_late = demux(late.view());
    ASSERT_TRUE(heard_late.result) << heard_late.result.reason;
    ASSERT_EQ(heard_late.streams.size(), 2u);
    EXPECT_EQ(heard_late.gaps, 1u);
    EXPECT_EQ(heard_late.after_gap, std::vector<std::size_t>{0});
    ASSERT_EQ(heard_late.packets.size(), first.size() - 10 + 1 + second.size());
    EXPECT_EQ(heard_late.packets[0], first[10]);
    EXPECT_EQ(heard_late.granules[1] - heard_late.granules[0], 960);
    EXPECT_EQ(heard_late.granules[0], got.granules[10]);
    EXPECT_EQ(got.gaps, 0u);
    EXPECT_TRUE(got.after_gap.empty());
}

// The pages of an Ogg byte stream, each whole (RFC 3533: a 27-byte header, the lacing table,
// the body).
std::vector<std::string> split_pages(const std::string& bytes) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at + 27 <= bytes.size();) {
        const auto segments = static_cast<unsigned char>(bytes[at + 26]);
        std::size_t size = 27 + segments;
        for (std::size_t i = 0; i < segments; ++i)
            size += static_cast<unsigned char>(bytes[at + 27 + i]);
        out.push_back(bytes.substr(at, size));
        at += size;
    }
    return out;
}

TEST(IcecastOgg, PagesLostUpstreamAreCountedAndTheAudioAfterThemKeepsItsPlace) {
    // Five packets to a page (as an encoder's pages carry), pages 4 and 5 (audio) lost upstream.
    const auto opus = packets(40, 3);
    char pattern[] = "/tmp/tolk-ogg-gap-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(pattern);
    {
        codec::ogg_opus_writer w(dir / "s.opus", {}, {}, {5 * 960, 77});
        for (const auto& p : opus)
            ASSERT_FALSE(w.write(p, 960));
    }
    std::ifstream in(dir / "s.opus", std::ios::binary);
    const std::string file{std::istreambuf_iterator<char>(in), {}};
    std::filesystem::remove_all(dir);
    const auto pages = split_pages(file);
    ASSERT_EQ(pages.size(), 2u + 8u);
    const auto whole = demux({reinterpret_cast<const std::uint8_t*>(file.data()), file.size()});
    ASSERT_TRUE(whole.result) << whole.result.reason;
    ASSERT_EQ(whole.packets.size(), opus.size());
    // Every packet has its own end granule, 960 after the one before, the page's granule last.
    for (std::size_t i = 1; i < whole.granules.size(); ++i)
        EXPECT_EQ(whole.granules[i] - whole.granules[i - 1], 960) << i;
    EXPECT_EQ(whole.gaps, 0u);

    std::string lossy;
    for (std::size_t i = 0; i < pages.size(); ++i)
        if (i != 4 && i != 5)
            lossy += pages[i];
    const auto got = demux({reinterpret_cast<const std::uint8_t*>(lossy.data()), lossy.size()});
    ASSERT_TRUE(got.result) << got.result.reason;
    EXPECT_EQ(got.gaps, 1u);
    ASSERT_EQ(got.packets.size(), opus.size() - 10);
    EXPECT_EQ(got.after_gap, std::vector<std::size_t>{10});
    EXPECT_EQ(got.packets[10], opus[20]);
    EXPECT_EQ(got.granules[10], whole.granules[20]) << "the audio after the gap keeps its place in the stream";
    EXPECT_EQ(got.granules[10] - got.granules[9], 11 * 960);

    // Lost header pages are a broken stream, refused.
    const auto headless = pages[0] + pages[2] + pages[3];
    const auto refused = demux({reinterpret_cast<const std::uint8_t*>(headless.data()), headless.size()});
    EXPECT_EQ(refused.result.status, demux_status::corrupt);
    EXPECT_NE(refused.result.reason.find("headers is missing"), std::string::npos) << refused.result.reason;
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
