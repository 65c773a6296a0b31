// The source's input quality as a booth console reads it (ISO 24019): a speaker low-passed to
// 3.4 kHz (a telephone line) is flagged telephone-band, full-band speech is not; clipped samples
// are counted; the level follows the signal; the link's concealment share is what was concealed.
#include "band_filter.hpp"
#include "codec/input_quality.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tolk::codec {
namespace {

void feed(input_quality& q, const std::vector<float>& pcm) {
    for (std::size_t at = 0; at + 960 <= pcm.size(); at += 960)
        q.add_decoded(std::span(pcm).subspan(at, 960));
}

TEST(input_quality, a_telephone_band_speaker_is_flagged_and_full_band_is_not) {
    const auto speech = speech_like(6.0, 7, 0.3f);
    input_quality full;
    feed(full, speech);
    EXPECT_FALSE(full.reading().telephone_band) << full.reading().bandwidth_hz;
    EXPECT_GT(full.reading().bandwidth_hz, 8000);

    input_quality phone;
    feed(phone, testing::band_pass(speech, 300, 3400));
    EXPECT_TRUE(phone.reading().telephone_band) << phone.reading().bandwidth_hz;
    EXPECT_LT(phone.reading().bandwidth_hz, 5000);
    EXPECT_GT(phone.reading().bandwidth_hz, 2500);
    EXPECT_EQ(phone.reading().clipped_samples, 0u);

    phone.reset();  // a new source: nothing known
    EXPECT_EQ(phone.reading().bandwidth_hz, 0);
    EXPECT_FALSE(phone.reading().telephone_band);
}

TEST(input_quality, level_and_clipping) {
    input_quality q;
    feed(q, tone(1000, 1.0, 0.1f));  // -20 dBFS sine
    EXPECT_NEAR(q.reading().level_dbfs, -20, 0.5);
    EXPECT_EQ(q.reading().clipped_samples, 0u);
    auto hot = tone(1000, 0.5, 1.0f);  // a 0 dBFS sine: its crests reach full scale
    feed(q, hot);
    const auto clipped = q.reading().clipped_samples;
    std::size_t expected = 0;
    for (float x : hot)  // 0.5 s: whole 20 ms frames, all fed
        expected += std::fabs(x) >= 0.99f;
    EXPECT_EQ(clipped, expected);
    EXPECT_GT(clipped, 0u);
    EXPECT_NEAR(q.reading().level_dbfs, 0, 0.5);
}

TEST(input_quality, concealment_share_of_recent_audio) {
    input_quality q;
    const auto speech = speech_like(1.0, 3, 0.3f);
    for (int i = 0; i < 10; ++i) {  // one frame in ten concealed
        if (i == 4)
            q.add_concealed(960 * 5);
        feed(q, std::vector<float>(speech.begin(), speech.begin() + 960 * 45));
    }
    EXPECT_NEAR(q.reading().concealed_share, 5.0 / 455.0, 0.002);
    // A long clean stretch: the old loss fades out of the share.
    for (int i = 0; i < 40; ++i)
        feed(q, speech);
    EXPECT_LT(q.reading().concealed_share, 0.002);
}

}  // namespace
}  // namespace tolk::codec
