#include "clients/common/playout_choice.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tolk::client {
namespace {

TEST(playout_choice, parses_and_prints) {
    EXPECT_EQ(parse_playout_choice("adaptive"), (playout_choice{playout_choice::kind::adaptive, 0}));
    EXPECT_EQ(parse_playout_choice("fixed:100"), (playout_choice{playout_choice::kind::fixed, 100}));
    EXPECT_EQ(to_string(*parse_playout_choice("fixed:60")), "fixed:60");
    EXPECT_EQ(to_string(*parse_playout_choice(default_playout)), "adaptive");
    for (const char* bad : {"", "fixed", "fixed:", "fixed:-1", "fixed:1x", "fixed:99999", "adaptiv"}) {
        std::string error;
        EXPECT_FALSE(parse_playout_choice(bad, &error)) << bad;
        EXPECT_FALSE(error.empty());
    }
}

TEST(playout_choice, makes_a_buffer_that_plays_silence_before_any_frame) {
    for (const char* spec : {"adaptive", "fixed:40"}) {
        auto buffer = make_playout_buffer(*parse_playout_choice(spec));
        ASSERT_TRUE(buffer) << spec;
        std::vector<float> out(480, 1.0f);
        const auto info = buffer->pull(out, 1'000'000);
        EXPECT_FALSE(info.playing) << spec;
        EXPECT_EQ(out[0], 0.0f) << spec;
    }
}

}  // namespace
}  // namespace tolk::client
