// Ear protection (issue 12): speech at -26 dBFS, then a 0 dBFS feedback squeal. The output never
// exceeds the ceiling; the sustained limit engages within a few hundred ms of the squeal and
// holds it there; the one-minute warning is off for the speech and on once the squeal has
// lasted; the speech itself passes unchanged (delayed by the look-ahead).
#include "codec/peak_limiter.hpp"
#include "codec/level_meter.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace tolk::codec {
namespace {

std::vector<float> at_rms_dbfs(std::vector<float> x, double dbfs) {
    const double gain = std::pow(10.0, (dbfs - rms_dbfs(x)) / 20.0);
    for (auto& s : x)
        s = static_cast<float>(s * gain);
    return x;
}

std::vector<float> squeal(double seconds) {  // a 0 dBFS feedback whistle at 3.1 kHz
    std::vector<float> x(static_cast<std::size_t>(seconds * 48000));
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(std::sin(2 * std::numbers::pi * 3100.0 * double(i) / 48000.0));
    return x;
}

float peak(std::span<const float> x) {
    float p = 0;
    for (float s : x)
        p = std::max(p, std::fabs(s));
    return p;
}

TEST(peak_limiter, speech_then_a_full_scale_squeal_never_exceeds_the_ceiling) {
    limiter_options o;  // ceiling -1 dBFS, sustained -9 dBFS after 100 ms, warning -18 dBFS
    peak_limiter limiter(o);
    const float ceiling = static_cast<float>(std::pow(10.0, o.ceiling_dbfs / 20.0));
    const float sustained = static_cast<float>(std::pow(10.0, o.sustained_dbfs / 20.0));

    auto speech = at_rms_dbfs(speech_like(20.0, 7, 0.5f), -26.0);
    const auto original = speech;
    for (std::size_t i = 0; i < speech.size(); i += 960)
        limiter.process(std::span(speech).subspan(i, std::min<std::size_t>(960, speech.size() - i)));
    EXPECT_FALSE(limiter.state().warning) << limiter.state().minute_dbfs;
    EXPECT_FALSE(limiter.state().sustained);
    // Speech at -26 dBFS passes as it was, one look-ahead later.
    const auto lag = limiter.latency_samples();
    double err = 0;
    for (std::size_t i = lag; i < speech.size(); ++i)
        err = std::max(err, double(std::fabs(speech[i] - original[i - lag])));
    EXPECT_LT(err, 1e-6);

    // The squeal, 70 s of it, in 20 ms blocks as a console would play them.
    auto loud = squeal(70.0);
    bool sustained_seen = false, warned_at_10s = false;
    for (std::size_t i = 0; i < loud.size(); i += 960) {
        auto block = std::span(loud).subspan(i, 960);
        limiter.process(block);
        sustained_seen |= limiter.state().sustained;
        if (i == 10 * 48000)
            warned_at_10s = limiter.state().warning;
    }
    EXPECT_LE(peak(loud), ceiling) << "a sample above the ceiling";
    EXPECT_TRUE(sustained_seen);
    // From 300 ms in, the squeal is held at the sustained limit, not the ceiling.
    EXPECT_LE(peak(std::span(loud).subspan(static_cast<std::size_t>(0.3 * 48000))), sustained * 1.0001f);
    EXPECT_GT(peak(std::span(loud).subspan(static_cast<std::size_t>(0.3 * 48000))), sustained * 0.9f);
    // One minute of a loud output: the warning is on (it comes on as the average rises).
    EXPECT_TRUE(limiter.state().warning) << limiter.state().minute_dbfs;
    EXPECT_TRUE(warned_at_10s) << "the minute's average passes -18 dBFS within seconds of a -9 dBFS squeal";
    EXPECT_GT(limiter.state().limited_samples, 0u);
    EXPECT_EQ(limiter.state().clipped_samples, 0u) << "the look-ahead, not a hard clip, keeps it down";
}

TEST(peak_limiter, a_single_full_scale_click_is_caught_by_the_look_ahead) {
    peak_limiter limiter;
    std::vector<float> x(4800, 0.01f);
    x[2000] = 1.0f;
    x[2001] = -1.0f;
    limiter.process(x);
    EXPECT_LE(peak(x), std::pow(10.0f, -1.0f / 20.0f));
    EXPECT_FALSE(limiter.state().sustained);  // one click is not sustained loudness
    EXPECT_EQ(limiter.state().clipped_samples, 0u);
}

TEST(peak_limiter, refuses_levels_that_make_no_sense) {
    EXPECT_THROW(peak_limiter({.ceiling_dbfs = 3}), std::invalid_argument);
    EXPECT_THROW(peak_limiter({.ceiling_dbfs = -6, .sustained_dbfs = -3}), std::invalid_argument);
    EXPECT_THROW(peak_limiter({.lookahead_ms = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace tolk::codec
