// The jitter buffer against an output device that pulls unevenly (issue 18): a browser's
// render quanta of 128 frames, device callbacks of several quanta, timer-driven pulls that come
// a few ms late.  On a clean arrival pattern nothing should be time-scaled once playing.
#include "codec/jitter_buffer.hpp"
#include "codec/playout_profile.hpp"
#include "codec/playout_simulator.hpp"
#include "codec/signals.hpp"
#include "tests/codec/playout_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>

namespace tolk::codec {
namespace {

using namespace test_support;

struct uneven_run {
    playout_stats after_1s;  // statistics one second into playout
    playout_stats end;
    std::uint64_t played_blocks = 0;
};

// Pulls of 128..512 samples in an irregular but fixed pattern, each at most 3 ms late against
// an even clock (never earlier than the previous pull), for `seconds`.
uneven_run pull_unevenly(playout_buffer& buffer, const std::vector<simulated_frame>& frames,
                         double seconds) {
    constexpr std::array<std::size_t, 11> sizes{128, 256, 384, 512, 128, 128, 384, 256, 512, 128, 384};
    constexpr std::array<std::int64_t, 7> late_us{0, 2'500, 700, 3'000, 1'200, 0, 2'100};
    uneven_run r;
    std::vector<float> out(512);
    std::size_t next = 0;
    std::int64_t even_us = 0, last_us = 0;
    bool playing_since_set = false;
    std::int64_t playing_since = 0;
    for (std::size_t k = 0; even_us < static_cast<std::int64_t>(seconds * 1e6); ++k) {
        const std::size_t n = sizes[k % sizes.size()];
        const std::int64_t now = std::max(last_us, even_us + late_us[(k * 3) % late_us.size()]);
        for (; next < frames.size() && frames[next].arrival_us <= now; ++next) {
            const auto& f = frames[next];
            buffer.push({f.sequence, f.capture_us, f.arrival_us, f.discontinuity, f.end_of_segment, f.opus});
        }
        const auto info = buffer.pull(std::span(out).first(n), now);
        if (info.playing && !playing_since_set) {
            playing_since_set = true;
            playing_since = now;
        }
        if (playing_since_set && now - playing_since < 1'000'000) {
            r.after_1s = buffer.stats();
        }
        r.played_blocks += info.playing;
        last_us = now;
        even_us += static_cast<std::int64_t>(n) * 1'000'000 / sample_rate;
    }
    r.end = buffer.stats();
    return r;
}

std::vector<simulated_frame> clean_speech(double seconds) {
    return frames_of(speech_like(seconds, 3, 0.5f), [](int i) {
        // A clean LAN: 5 ms and a deterministic 0-1 ms of jitter.
        return 5'000 + i * frame_us + static_cast<std::int64_t>((static_cast<std::uint32_t>(i) * 2654435761u) % 1000u);
    });
}

// When playout started (from a timeline of every pull) and how many splices it had made one
// second later.
struct start_figures {
    std::optional<std::int64_t> playing_since;
    std::uint64_t after_1s = 0;
    std::uint64_t in_pauses_after_1s = 0;  // of them in pauses
};

start_figures first_second(const simulation_result& sim) {
    start_figures f;
    for (const auto& t : sim.timeline) {
        if (!f.playing_since)
            f.playing_since = t.time_us;
        if (t.time_us - *f.playing_since <= 1'000'000) {
            f.after_1s = t.time_scale_operations;
            f.in_pauses_after_1s = t.time_scale_operations_in_pauses;
        }
    }
    return f;
}

// The listener's buffer in a browser's AudioWorklet (codec::simulate's burst_blocks): 128-sample
// quanta, `quanta` per device callback, a timeline of every pull, for `seconds`.
simulation_result in_worklet(const std::vector<simulated_frame>& frames, int quanta, double seconds) {
    jitter_buffer buffer(*profile_options("listener"));
    return simulate(buffer, frames,
                    {.block_samples = 128, .burst_blocks = quanta, .start_us = 0,
                     .end_us = static_cast<std::int64_t>(seconds * 1e6), .stats_every_blocks = 1});
}

// No splice once the first second has played.
::testing::AssertionResult no_splices_after_the_first_second(const simulation_result& sim) {
    const auto f = first_second(sim);
    if (!f.playing_since)
        return ::testing::AssertionFailure() << "never played";
    if (sim.stats.time_scale_operations == f.after_1s)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << sim.stats.time_scale_operations - f.after_1s
                                         << " splices after the first second (removed "
                                         << sim.stats.removed_samples_for_acceleration << ", inserted "
                                         << sim.stats.inserted_samples_for_deceleration << " samples in all)";
}

class uneven_pulls : public ::testing::TestWithParam<std::string_view> {};

TEST_P(uneven_pulls, never_time_scale_a_clean_stream_after_the_first_second) {
    const auto frames = clean_speech(30.0);
    jitter_buffer buffer(*profile_options(GetParam()));
    const auto r = pull_unevenly(buffer, frames, 30.0);
    EXPECT_GT(r.played_blocks, 4500u);
    EXPECT_EQ(r.end.time_scale_operations, r.after_1s.time_scale_operations)
        << "removed " << r.end.removed_samples_for_acceleration << ", inserted "
        << r.end.inserted_samples_for_deceleration << " samples";
    EXPECT_EQ(r.end.concealed_samples, 0u);
    EXPECT_EQ(r.end.frames_late, 0u);
    // Not bought with latency: a clean LAN still plays within a few pulls of arrival.
    EXPECT_LT(r.end.current_delay_ms, 30);
}

INSTANTIATE_TEST_SUITE_P(profiles, uneven_pulls, ::testing::Values("listener", "monitor", "return"));

// A browser's AudioWorklet: 128-sample quanta rendered several at a time per device callback,
// and the frames that arrived meanwhile handed over only between callbacks, stamped with the
// audio clock then (codec::simulate's burst_blocks, tolk-jbsim --block-samples 128 --burst N).
class worklet_callbacks : public ::testing::TestWithParam<int> {};

TEST_P(worklet_callbacks, never_time_scale_a_clean_stream_after_the_first_second) {
    const auto sim = in_worklet(clean_speech(30.0), GetParam(), 30.0);
    EXPECT_TRUE(no_splices_after_the_first_second(sim));
    EXPECT_EQ(sim.stats.concealed_samples, 0u);
    // The callback's size is latency the buffer must hold, and not much more.
    EXPECT_LT(sim.stats.current_delay_ms, 30 + GetParam() * 128 / 48.0);
}

// Up to 8 quanta (21 ms) per callback. At 16 (43 ms) one splice and 30 ms of concealment remain
// after the first second (the first pull of a callback finds the frame that arrived during the
// previous one not handed over yet): noted for issue 18.
INSTANTIATE_TEST_SUITE_P(quanta_per_callback, worklet_callbacks, ::testing::Values(2, 4, 8));

// What a phone's browser adds on a perfect network (issue 18, seen in headless Chromium): the
// page's main thread hands each frame to the worklet 0-14 ms late, in order, and the worklet
// sees it only between callbacks of 4 quanta.  The delay the buffer reads wobbles by that much
// with nothing to correct: the listener hears no splice after the first second.  The target is
// a quantile (3% of frames may come after it), so one short gap may remain; no more.
TEST(main_thread_delivery, wobble_is_never_time_scaled_for_a_listener) {
    std::int64_t previous = 0;
    const auto frames = frames_of(speech_like(30.0, 11, 0.5f), [&previous](int i) {
        const auto jitter = static_cast<std::int64_t>((static_cast<std::uint32_t>(i) * 2654435761u) % 14'000u);
        previous = std::max(previous, 5'000 + i * frame_us + jitter);
        return previous;
    });
    const auto sim = in_worklet(frames, 4, 30.0);
    EXPECT_TRUE(no_splices_after_the_first_second(sim));
    const auto playing_since = first_second(sim).playing_since;
    ASSERT_TRUE(playing_since);
    // The start (the first second, the same frames simulated again) may conceal; after it, one
    // 20 ms frame's worth at most.
    jitter_buffer again(*profile_options("listener"));
    const auto start = simulate(again, frames, {.block_samples = 128, .burst_blocks = 4, .start_us = 0,
                                                .end_us = *playing_since + 1'000'000});
    EXPECT_LE(sim.stats.concealed_samples, start.stats.concealed_samples + 20 * samples_per_ms);
    EXPECT_LT(sim.stats.current_delay_ms, 60);  // a few frames, not a stall's worth
}

// The same pace, but a real network: a stall later on must still be caught up by time-scaling,
// so the wide band is not a buffer that never moves.
TEST(uneven_pulls, still_drain_the_burst_after_a_stall) {
    auto frames = frames_of(speech_like(20.0, 5, 0.5f), [](int i) {
        const std::int64_t on_time = 5'000 + i * frame_us;
        return (i >= 400 && i < 413) ? 413 * frame_us + 5'000 : on_time;
    });
    jitter_buffer buffer(*profile_options("return"));
    const auto r = pull_unevenly(buffer, frames, 20.0);
    EXPECT_GT(r.end.removed_samples_for_acceleration, 150u * samples_per_ms);
    EXPECT_LT(r.end.current_delay_ms, 40);
}

// A page whose audio starts after its WebSocket (the phone app, at the listener's tap): the
// frames queued meanwhile come to the buffer at once with the first one, 200 ms of them, then
// the stream runs on time.  They say how old they are, not how late the path delivers: playout
// starts at the target (the older ones skipped), and nothing is time-scaled to drain them.
TEST(start_backlog, is_skipped_not_drained_and_does_not_raise_the_target) {
    const auto frames = frames_of(speech_like(20.0, 5, 0.5f), [](int i) {
        return i < 10 ? 200'000 : 5'000 + i * frame_us;  // frames 0-9 (0-180 ms) all at 200 ms
    });
    const auto sim = in_worklet(frames, 4, 20.0);
    EXPECT_GE(sim.stats.frames_skipped_at_start, 5u);
    EXPECT_TRUE(no_splices_after_the_first_second(sim));
    EXPECT_LE(first_second(sim).after_1s, 1u);  // a pitch period while the first frames settle, at most
    EXPECT_EQ(sim.stats.concealed_samples, 0u);
    EXPECT_LT(sim.stats.target_delay_ms, 30);
    EXPECT_LT(sim.stats.current_delay_ms, 40);
}

// Speech frames whose page stalled from `from_us` to `until_us` (it then hands the frames
// over at once), and how the listener's buffer in a worklet played them: splices after the
// first second, and of them those in pauses.
struct stall_run {
    std::vector<simulated_frame> frames;
    simulation_result sim;
    std::uint64_t after = 0;
    std::uint64_t in_pauses = 0;
};

stall_run page_stalled(unsigned seed, std::int64_t from_us, std::int64_t until_us) {
    stall_run r;
    r.frames = frames_of(speech_like(30.0, seed, 0.5f), [from_us, until_us](int i) {
        const std::int64_t on_time = 5'000 + i * frame_us;
        return (on_time >= from_us && on_time < until_us) ? until_us : on_time;
    });
    r.sim = in_worklet(r.frames, 4, 30.0);
    const auto f = first_second(r.sim);
    r.after = r.sim.stats.time_scale_operations - f.after_1s;
    r.in_pauses = r.sim.stats.time_scale_operations_in_pauses - f.in_pauses_after_1s;
    return r;
}

// The stall that headless Chromium shows a fraction of a second after the tap (issue 18): the
// page's main thread stops for 120 ms and then hands the frames over at once.  The target rises
// with it and then falls; the listener's buffer follows it down by cutting pauses, which nobody
// hears, not by cutting periods out of words.
TEST(page_stall, the_delay_it_added_is_cut_in_pauses_not_in_speech) {
    const auto r = page_stalled(5, 400'000, 520'000);
    EXPECT_EQ(r.after - r.in_pauses, 0u) << r.after << " splices after the first second, " << r.in_pauses
                                         << " of them in pauses";
    EXPECT_GT(r.in_pauses, 0u) << "the stall's delay was never cut";
    EXPECT_LT(r.sim.stats.current_delay_ms, 50);
    EXPECT_EQ(r.sim.stats.concealment_events, 1u);  // the stall itself, before the target knew it
    // The floor return cuts in speech too: there every millisecond is heard in the booth.
    jitter_buffer booth(*profile_options("return"));
    const auto b = simulate(booth, r.frames, {.block_samples = 128, .burst_blocks = 4, .start_us = 0,
                                              .end_us = 30'000'000, .stats_every_blocks = 1});
    EXPECT_GT(b.stats.time_scale_operations, b.stats.time_scale_operations_in_pauses);
}

// A stall at the page's start (the listener's tap), longer than the one above: one stall is
// a delay peak, so it raises the target; the buffer follows the target back down in pauses.
// Only the burst's part over fast_accelerate_ms above the target is cut in speech: a couple
// of splices, not the ~20 of a buffer that follows its target down by cutting words.
TEST(page_stall, at_the_start_is_followed_in_pauses) {
    const auto r = page_stalled(7, 300'000, 500'000);
    EXPECT_LE(r.after - r.in_pauses, 2u) << r.after << " splices after the first second, " << r.in_pauses
                                         << " of them in pauses";
    EXPECT_GT(r.in_pauses, 5u) << "the stall's delay was not cut in pauses";
    EXPECT_LE(r.sim.stats.concealment_events, 1u);
    EXPECT_LT(r.sim.stats.current_delay_ms, 50);
}

// A browser's audio thread that missed its callbacks for 120 ms, then caught up (seen in
// WebKitGTK, issue 18): the audio clock, which stamps arrivals, stood still meanwhile, so the
// frames that came then look up to 120 ms early, and the ones after are on time again.  Nothing
// changed on the path: the listener hears no splice and no gap, and the target stays put.  (The
// base took those early offsets before: every later frame looked 100 ms late, the buffer drained
// 100 ms out of the speech, its target rose to cover a peak that never was, and two seconds
// later it starved.)
TEST(audio_clock_freeze, frames_stamped_early_move_nothing) {
    const auto frames = frames_of(speech_like(30.0, 5, 0.5f), [](int i) {
        const std::int64_t on_time = 5'000 + i * frame_us;
        return (on_time >= 10'000'000 && on_time < 10'120'000) ? 10'000'000 : on_time;
    });
    const auto sim = in_worklet(frames, 4, 30.0);
    EXPECT_TRUE(no_splices_after_the_first_second(sim));
    EXPECT_EQ(sim.stats.concealed_samples, 0u);
    EXPECT_LT(sim.stats.target_delay_ms, 30);
    EXPECT_LT(sim.stats.current_delay_ms, 40);
}

// ... but a lasting fall of the offsets (a queue on the path that emptied, an audio clock that
// lost time for good) is followed: the buffer holds that much more than it needs, and drains it.
TEST(audio_clock_freeze, a_lasting_fall_of_the_offsets_is_followed) {
    const auto frames = frames_of(speech_like(30.0, 5, 0.5f), [](int i) {
        const std::int64_t on_time = 5'000 + i * frame_us;
        // The first 10 s 100 ms late; the queue then empties at once.
        return on_time < 10'000'000 ? std::min<std::int64_t>(on_time + 100'000, 10'000'000) : on_time;
    });
    const auto sim = in_worklet(frames, 4, 30.0);
    EXPECT_GT(sim.stats.removed_samples_for_acceleration, 80u * samples_per_ms);
    EXPECT_LT(sim.stats.current_delay_ms, 40);
    EXPECT_EQ(sim.stats.concealed_samples, 0u);
}

}  // namespace
}  // namespace tolk::codec
