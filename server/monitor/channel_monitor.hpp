#pragma once
// One per channel: fed the channel's Opus packets as they are published, it decodes each once
// (never per listener) and measures what the technician sees on the channel's tile: input
// level, EBU R128 loudness, clipping, audio bandwidth, silence and bitrate.
// Not thread-safe: its owner serialises the calls (channel_watch feeds it on the thread that
// publishes the channel's frames, under that channel's lock).  snapshot() returns a copy to
// hand to other threads.

#include "codec/bandwidth_estimator.hpp"
#include "codec/level_meter.hpp"
#include "codec/loudness_meter.hpp"
#include "codec/opus_decoder.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tolk::monitor {

struct channel_monitor_options {
    codec::level_options level;
    codec::bandwidth_options bandwidth;
    double silence_dbfs = -55;     // a packet whose sine-referenced RMS is below this is silent
    double bitrate_seconds = 1.0;  // bitrate is averaged over this much audio
};

struct channel_snapshot {
    double peak_dbfs = codec::level_floor_dbfs;  // over the last level window (300 ms)
    double rms_dbfs = codec::level_floor_dbfs;
    std::optional<double> momentary_lufs;        // 400 ms
    std::optional<double> short_term_lufs;       // 3 s
    std::optional<double> integrated_lufs;       // since the segment started
    std::uint64_t clipped_samples = 0;           // total, this segment
    double bandwidth_hz = 0;                     // 0 while unknown
    bool narrow_band = false;
    double silence_seconds = 0;                  // of continuous silent audio, up to now
    double bitrate_bps = 0;                      // over the last bitrate window
    double audio_seconds = 0;                    // decoded this segment
    std::uint64_t packets = 0;                   // this segment
    std::uint64_t bytes = 0;
    std::uint64_t corrupt_packets = 0;
};

class channel_monitor {
public:
    // Throws codec_error if the decoder or a meter cannot be created.
    explicit channel_monitor(const channel_monitor_options& options = {});

    // One published packet.  A packet the decoder refuses is counted as corrupt.
    void on_packet(std::span<const std::uint8_t> opus);

    // A new on-air segment (booth change, reconnect): every figure starts over.
    void reset();

    channel_snapshot snapshot() const;

private:
    void measure(std::span<const float> pcm);

    channel_monitor_options options_;
    codec::opus_decoder decoder_;
    codec::level_meter level_;
    codec::loudness_meter loudness_;
    codec::bandwidth_estimator bandwidth_;
    std::vector<float> pcm_;  // one decoded packet
    std::uint64_t silent_samples_ = 0;
    std::uint64_t decoded_samples_ = 0;
    std::uint64_t packets_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t corrupt_ = 0;
    std::uint64_t window_bytes_ = 0;    // bitrate window being filled
    std::uint64_t window_samples_ = 0;
    double bitrate_bps_ = 0;
};

}  // namespace tolk::monitor
