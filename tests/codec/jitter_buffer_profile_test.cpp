// Playout profiles and what a listener hears on a Wi-Fi that stalls (issue 16): recurring
// delay peaks raise the target, a clean start needs no time-scaling, profiles are deterministic.
#include "codec/jitter_buffer.hpp"
#include "codec/playout_profile.hpp"
#include "codec/playout_simulator.hpp"
#include "codec/signals.hpp"
#include "tests/codec/playout_test_support.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace tolk::codec {
namespace {

using namespace test_support;

// Speech over a link that holds frames back for 300 ms every 4 s (from 4 s on, until
// `stalls_until_s`) and releases them at once, as TCP over a stalling Wi-Fi does.
std::vector<simulated_frame> stalling_wifi(double seconds, double stalls_until_s) {
    return frames_of(speech_like(seconds, 11, 0.5f), [=](int i) {
        const std::int64_t on_time = 3'000 + i * frame_us;
        const double t = static_cast<double>(on_time) / 1e6;
        const double into = std::fmod(t, 4.0);
        if (t >= 4.0 && t < stalls_until_s && into < 0.3) {
            return static_cast<std::int64_t>((t - into + 0.3) * 1e6);
        }
        return on_time;
    });
}

TEST(playout_profile, names_are_the_ones_clients_use) {
    for (auto name : profile_names) {
        ASSERT_TRUE(profile_options(name)) << name;
        EXPECT_EQ(name_of(*parse_profile(name)), name);
    }
    EXPECT_EQ(default_profile_name, "listener");
    EXPECT_FALSE(profile_options("Listener"));
    EXPECT_FALSE(profile_options(""));
    // The listener may wait longest; the floor return least.
    EXPECT_GT(profile_options("listener")->max_delay_ms, profile_options("monitor")->max_delay_ms);
    EXPECT_GT(profile_options("monitor")->max_delay_ms, profile_options("return")->max_delay_ms);
}

// The 300 ms stalls: the first may interrupt (nothing said it would come), the second may too
// (the bound), none after.  The target covers the stall less the peak margin: what is
// held, stretched, plus a short concealment bridges the rest, shorter than an interruption.
TEST(playout_profile, listener_covers_recurring_stalls_after_the_second) {
    const auto frames = stalling_wifi(40.0, 40.0);
    const auto listener = *profile_options("listener");
    const double covered_ms = 300 + listener.peaks.margin_ms;
    jitter_buffer early(*profile_options("listener"));
    // Up to just after the second stall (8.0-8.3 s) has been played out.
    const auto a = run(early, frames, 9'000'000);
    jitter_buffer whole(*profile_options("listener"));
    const auto b = run(whole, frames, 40'000'000);
    EXPECT_LE(a.stats.interruptions, 2u);
    EXPECT_EQ(b.stats.interruptions, a.stats.interruptions)
        << "stalls after the second still interrupted playout";
    EXPECT_GE(b.stats.target_delay_ms, covered_ms - 10);
    EXPECT_GE(b.stats.peak_delay_ms, covered_ms - 10);
    EXPECT_EQ(b.stats.concealments_over_150ms, b.stats.interruptions);
    EXPECT_TRUE(capture_monotonic(b));
    // The quantile alone (peak detection off, and no stretching through a stall) keeps being
    // interrupted.
    auto options = *profile_options("listener");
    options.peaks.enabled = false;
    options.stall_stretch = 0;
    jitter_buffer quantile_only(options);
    const auto q = run(quantile_only, frames, 40'000'000);
    EXPECT_GT(q.stats.interruptions, b.stats.interruptions);
}

// Stalls longer than what the buffer holds (peak detection off, so the target stays low): the
// listener's buffer stretches what it holds once nothing has arrived for stall_after_ms, so
// less of each stall is concealed than without stretching, and a clean LAN is never stretched.
TEST(playout_profile, a_stall_is_bridged_by_stretching_what_is_held) {
    const auto frames = stalling_wifi(40.0, 40.0);
    auto options = *profile_options("listener");
    options.peaks.enabled = false;
    options.min_delay_ms = 150;  // something to stretch
    jitter_buffer stretching(options);
    const auto with = run(stretching, frames, 40'000'000);
    options.stall_stretch = 0;
    jitter_buffer plain(options);
    const auto without = run(plain, frames, 40'000'000);
    EXPECT_GT(with.stats.inserted_samples_for_deceleration,
              without.stats.inserted_samples_for_deceleration + 9 * 20 * samples_per_ms)
        << "nine stalls, each stretched by at least 20 ms";
    // Each of the nine stalls concealed at least 25 ms less (here about 125 ms without, 85 with).
    EXPECT_LT(with.stats.concealed_samples + 9 * 25 * samples_per_ms, without.stats.concealed_samples)
        << "with " << with.stats.concealed_samples << " samples concealed, without "
        << without.stats.concealed_samples;
    EXPECT_TRUE(capture_monotonic(with));

    const auto lan = frames_of(speech_like(20.0, 11, 0.5f), [](int i) { return 3'000 + i * frame_us; });
    jitter_buffer clean(*profile_options("listener"));
    const auto l = run(clean, lan, 20'000'000);
    EXPECT_EQ(l.stats.inserted_samples_for_deceleration, 0u);
}

TEST(playout_profile, the_target_comes_down_within_a_minute_after_stalls_stop) {
    const auto frames = stalling_wifi(100.0, 40.0);
    jitter_buffer during(*profile_options("listener"));
    const auto a = run(during, frames, 39'000'000);
    EXPECT_GE(a.stats.target_delay_ms, 300 + profile_options("listener")->peaks.margin_ms - 10);
    jitter_buffer after(*profile_options("listener"));
    const auto b = run(after, frames, 100'000'000);
    EXPECT_LT(b.stats.target_delay_ms, 60);
    EXPECT_LT(b.stats.current_delay_ms, 60);
    EXPECT_EQ(b.stats.peak_delay_ms, 0);
}

// Roaming to another access point: 2 s with nothing, then everything at once.  No buffer
// bridges that, so it must not hold a peak's worth of delay for the listener afterwards, as a
// stall of a few hundred ms does.
TEST(playout_profile, an_outage_does_not_raise_the_target_a_stall_does) {
    const auto gap = [](std::int64_t from_us, std::int64_t until_us) {
        return frames_of(speech_like(30.0, 11, 0.5f), [=](int i) {
            const std::int64_t on_time = 3'000 + i * frame_us;
            return on_time >= from_us && on_time < until_us ? until_us : on_time;
        });
    };
    jitter_buffer roaming(*profile_options("listener"));
    const auto outage = run(roaming, gap(10'000'000, 12'000'000), 20'000'000);
    EXPECT_EQ(outage.stats.peak_delay_ms, 0);
    EXPECT_LT(outage.stats.target_delay_ms, 60);
    jitter_buffer stalling(*profile_options("listener"));
    const auto stall = run(stalling, gap(10'000'000, 10'300'000), 20'000'000);
    EXPECT_GT(stall.stats.peak_delay_ms, 150);
}

TEST(playout_profile, a_discontinuity_on_clean_arrivals_is_not_time_scaled) {
    // A listener that joined before its booth went on air: the booth talks, stops, and 2 s later
    // starts again as a new source (its own numbering and clock), on a clean LAN.
    auto frames = frames_of(speech_like(12.0, 4, 0.5f), [](int i) {
        return 1'500 + i * frame_us + (i >= 300 ? 2'000'000 : 0) +
               static_cast<std::int64_t>((static_cast<std::uint32_t>(i) * 2654435761u) % 600u);
    });
    for (auto& f : frames) {
        if (f.sequence >= 300) {
            f.sequence += 9000;
            f.capture_us += 5'000'000'000;
            f.discontinuity = f.sequence == 9300;
        }
        f.end_of_segment = f.sequence == 299;
    }
    for (auto name : profile_names) {
        jitter_buffer buffer(*profile_options(name));
        const auto r = run(buffer, frames, 14'000'000);
        EXPECT_EQ(r.stats.discontinuities, 1u) << name;
        EXPECT_EQ(r.stats.inserted_samples_for_deceleration + r.stats.removed_samples_for_acceleration, 0u)
            << name;
        EXPECT_EQ(r.stats.time_scale_operations, 0u) << name;
        EXPECT_EQ(r.stats.concealed_samples, 0u) << name;
        EXPECT_LT(r.stats.current_delay_ms, 20) << name;
    }
}

TEST(playout_profile, every_profile_gives_bit_identical_output_across_runs) {
    const auto frames = stalling_wifi(20.0, 20.0);
    for (auto name : profile_names) {
        jitter_buffer one(*profile_options(name));
        jitter_buffer two(*profile_options(name));
        const auto a = run(one, frames, 20'000'000);
        const auto b = run(two, frames, 20'000'000);
        ASSERT_EQ(a.output.size(), b.output.size());
        EXPECT_EQ(std::memcmp(a.output.data(), b.output.data(), a.output.size() * sizeof(float)), 0)
            << name;
        EXPECT_GT(a.stats.time_scale_operations, 0u) << name;
        EXPECT_EQ(a.stats.time_scale_operations, b.stats.time_scale_operations) << name;
    }
}

TEST(playout_accounting, concealment_runs_are_classed_by_length) {
    playout_stats s;
    count_concealment_run(s, 20 * samples_per_ms);
    count_concealment_run(s, 40 * samples_per_ms);
    count_concealment_run(s, 149 * samples_per_ms);
    count_concealment_run(s, 150 * samples_per_ms);
    count_concealment_run(s, 0);
    EXPECT_EQ(s.concealments_under_40ms, 1u);
    EXPECT_EQ(s.concealments_40_to_150ms, 2u);
    EXPECT_EQ(s.concealments_over_150ms, 1u);
}

}  // namespace
}  // namespace tolk::codec
