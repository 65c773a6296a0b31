// libFuzzer target: the Icecast ingest's parsing of what an encoder pushes (server/icecast:
// sniff_foreign on the first bytes, then ogg_opus_demuxer: Ogg pages, OpusHead, OpusTags, lost
// pages, chained streams). The input is fed whole and again in pieces whose sizes come from its
// first byte, as network reads would cut it: both must end alike, packet for packet.
#include "server/icecast/ogg_opus_demuxer.hpp"
#include "server/icecast/source_format.hpp"

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

struct outcome {
    tolk::server::icecast::demux_status status = tolk::server::icecast::demux_status::ok;
    std::size_t streams = 0, packets = 0, after_gap = 0;
    std::uint64_t gaps = 0, sum = 0;
    std::int64_t granules = 0;
};

outcome run(std::span<const std::uint8_t> bytes, std::size_t piece) {
    using namespace tolk::server::icecast;
    ogg_opus_demuxer d;
    outcome out;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        const auto r = d.feed(bytes.subspan(at, std::min(piece, bytes.size() - at)), [&](const demux_event& e) {
            if (e.what == demux_event::kind::stream) {
                if (e.stream.channels < 1 || e.stream.channels > 2)
                    std::abort();  // the demuxer refuses anything but mono and stereo
                ++out.streams;
                return true;
            }
            ++out.packets;
            out.after_gap += e.after_gap;
            out.granules += e.granule >= 0;
            for (const auto b : e.data)  // every byte of a packet is readable (ASan)
                out.sum += b;
            return true;
        });
        if (!r) {
            out.status = r.status;
            if (r.reason.empty() || r.reason.size() > 200)
                std::abort();  // a refusal always says why, briefly
            break;
        }
    }
    out.gaps = d.gaps();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::size_t piece = 1 + data[0] % 97;
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    (void)tolk::server::icecast::sniff_foreign(rest.first(std::min(rest.size(), tolk::server::icecast::sniff_bytes)));
    const auto whole = run(rest, rest.size() + 1), pieces = run(rest, piece);
    if (whole.status != pieces.status || whole.streams != pieces.streams || whole.packets != pieces.packets ||
        whole.after_gap != pieces.after_gap || whole.gaps != pieces.gaps || whole.sum != pieces.sum ||
        whole.granules != pieces.granules)
        std::abort();  // how the bytes were cut must not change what they say
    if (whole.after_gap > whole.gaps)
        std::abort();
    return 0;
}
