#include "server/outbox.hpp"

#include <gtest/gtest.h>

namespace tolk::server {
namespace {

frame_ref frame(std::uint16_t channel, std::uint32_t tag, std::uint32_t samples = 960) {
    auto bytes = std::make_shared<std::uint8_t[]>(4);
    bytes[0] = static_cast<std::uint8_t>(tag);
    return frame_ref{std::move(bytes), 4, samples, channel, tag};
}

std::vector<std::uint32_t> audio_tags(const std::vector<outbox::entry>& batch, std::uint16_t channel) {
    std::vector<std::uint32_t> tags;
    for (const auto& e : batch)
        if (const auto* a = std::get_if<outbox::audio>(&e); a && a->frame.channel == channel)
            tags.push_back(a->frame.bytes[0]);
    return tags;
}

TEST(outbox, keeps_order_and_asks_for_a_wake_only_when_the_writer_is_idle) {
    outbox box(2, 48 * 200);
    std::vector<outbox::entry> batch;
    EXPECT_FALSE(box.take(batch));  // writer now idle
    EXPECT_TRUE(box.push_audio(frame(0, 1)).wake);
    EXPECT_FALSE(box.push_text(std::make_shared<const std::string>("hi")).wake);
    EXPECT_FALSE(box.push_audio(frame(0, 2)).wake);
    ASSERT_TRUE(box.take(batch));
    ASSERT_EQ(batch.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<outbox::text>(batch[1]));
    EXPECT_EQ(audio_tags(batch, 0), (std::vector<std::uint32_t>{1, 2}));
}

TEST(outbox, audio_is_bounded_by_duration_and_jumps_to_the_live_edge) {
    outbox box(2, 48 * 200);  // 200 ms = 10 frames of 20 ms
    for (std::uint32_t i = 0; i < 10; ++i)
        EXPECT_EQ(box.push_audio(frame(0, i)).dropped, 0u);
    box.push_text(std::make_shared<const std::string>("control survives"));
    box.push_audio(frame(1, 100));  // another channel has its own budget
    auto r = box.push_audio(frame(0, 10));  // the 11th frame overflows channel 0
    EXPECT_EQ(r.dropped, 10u);
    EXPECT_EQ(box.queued_samples(0), 960u);
    EXPECT_EQ(box.queued_samples(1), 960u);
    std::vector<outbox::entry> batch;
    ASSERT_TRUE(box.take(batch));
    EXPECT_EQ(audio_tags(batch, 0), std::vector<std::uint32_t>{10});
    EXPECT_EQ(audio_tags(batch, 1), std::vector<std::uint32_t>{100});
    // The control message is kept, and a resync marker precedes the live frame.
    ASSERT_EQ(batch.size(), 4u);
    EXPECT_TRUE(std::holds_alternative<outbox::text>(batch[0]));
    ASSERT_TRUE(std::holds_alternative<outbox::resync>(batch[2]));
    EXPECT_EQ(std::get<outbox::resync>(batch[2]).dropped, 10u);
    EXPECT_EQ(box.dropped_total(), 10u);
}

TEST(outbox, repeated_overflows_fold_into_one_resync_marker) {
    outbox box(1, 960 * 2);
    for (std::uint32_t i = 0; i < 9; ++i)
        box.push_audio(frame(0, i));
    std::vector<outbox::entry> batch;
    ASSERT_TRUE(box.take(batch));
    std::size_t markers = 0;
    std::uint32_t dropped = 0;
    for (const auto& e : batch)
        if (const auto* m = std::get_if<outbox::resync>(&e)) {
            ++markers;
            dropped = m->dropped;
        }
    EXPECT_EQ(markers, 1u);
    EXPECT_EQ(dropped + audio_tags(batch, 0).size(), 9u);
    EXPECT_EQ(audio_tags(batch, 0).back(), 8u);
}

TEST(outbox, a_control_backlog_means_the_listener_is_not_reading) {
    outbox box(1, 9600, 3);
    for (int i = 0; i < 3; ++i)
        EXPECT_FALSE(box.push_text(std::make_shared<const std::string>("x")).overflow);
    EXPECT_TRUE(box.push_text(std::make_shared<const std::string>("x")).overflow);
    EXPECT_TRUE(box.push_pong("pongs count too").overflow);
    // A close is never refused.
    box.push_close(1001, "bye");
    std::vector<outbox::entry> batch;
    ASSERT_TRUE(box.take(batch));
    EXPECT_TRUE(std::holds_alternative<outbox::close>(batch.back()));
}

TEST(outbox, frames_of_unknown_channels_are_ignored) {
    outbox box(1, 9600);
    box.push_audio(frame(7, 1));
    std::vector<outbox::entry> batch;
    EXPECT_FALSE(box.take(batch));
}

}  // namespace
}  // namespace tolk::server
