#pragma once
// Turns a channel's Opus packets, as they come, into a live Ogg Opus stream for one HTTP
// listener: OpusHead and OpusTags pages first, then one page per packet (nothing waits for a
// page to fill), granule positions counting 48 kHz samples. After a discontinuity (a new booth,
// a chained source) the current logical stream is ended (an EOS page holding one empty Opus
// frame, which decoders conceal) and a new one is chained, with its own serial and headers.
//
// Owned by one stream_listener, on its shard; not thread-safe. Per page it costs libogg's CRC
// over ~100 bytes and one append.

#include "codec/ogg_opus_writer.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace tolk::server::icecast {

class ogg_opus_pager {
public:
    // `serial_seed` makes serials differ between listeners and streams.
    ogg_opus_pager(codec::ogg_opus_tags tags, std::uint32_t serial_seed);
    ~ogg_opus_pager();
    ogg_opus_pager(const ogg_opus_pager&) = delete;
    ogg_opus_pager& operator=(const ogg_opus_pager&) = delete;

    // Appends to `out` the pages for one packet of `samples` 48 kHz samples; `restart`: begin a
    // new logical stream first (ending the current one). The first packet always begins one.
    void packet(std::span<const std::uint8_t> opus, int samples, bool restart, std::vector<std::uint8_t>& out);

    std::uint64_t streams() const { return streams_; }

private:
    struct state;
    void begin(int channels, std::vector<std::uint8_t>& out);
    void end(std::vector<std::uint8_t>& out);
    void put(std::span<const std::uint8_t> data, bool bos, bool eos, std::vector<std::uint8_t>& out);

    std::unique_ptr<state> state_;
    codec::ogg_opus_tags tags_;
    std::uint32_t serial_;
    std::uint64_t streams_ = 0;
};

}  // namespace tolk::server::icecast
