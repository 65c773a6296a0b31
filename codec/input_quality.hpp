#pragma once
// The quality of a booth's source as its console hears it (ISO 24019, issue 12): the level of
// the decoded audio (dBFS), clipped samples, an estimate of its audio bandwidth (a telephone-band
// speaker is flagged) and the link's concealment share (samples the decoder had to invent).
// Fed with what the console already decodes: add_decoded for audio from packets, add_concealed
// for loss concealment (not analysed: invented audio says nothing about the speaker).
// Plain C++ (native and wasm). One instance per source, one thread.

#include "codec/bandwidth_estimator.hpp"
#include "codec/level_meter.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace tolk::codec {

struct input_quality_options {
    level_options level;           // 300 ms windows; |x| >= 0.99 is clipped
    bandwidth_options bandwidth;   // narrow_band_hz: the telephone-band flag
    // The concealment share is over roughly this much recent audio (older audio counts less).
    double concealment_window_seconds = 10;
};

struct input_quality_reading {
    double level_dbfs = level_floor_dbfs;  // RMS of the last 300 ms (sine-referenced)
    double peak_dbfs = level_floor_dbfs;
    std::uint64_t clipped_samples = 0;     // since the source began
    double bandwidth_hz = 0;               // 0: not known yet (needs ~1 s of speech)
    bool telephone_band = false;
    double concealed_share = 0;            // 0..1, of recent audio
};

class input_quality {
public:
    explicit input_quality(const input_quality_options& options = {});

    void add_decoded(std::span<const float> samples);
    void add_concealed(std::size_t samples);
    input_quality_reading reading() const;

    // A new source (the console switched from the floor to a relay): forgets everything.
    void reset();

private:
    void count(double decoded, double concealed);

    input_quality_options options_;
    level_meter level_;
    bandwidth_estimator bandwidth_;
    double decoded_ = 0, concealed_ = 0;  // decayed sample counts
};

}  // namespace tolk::codec
