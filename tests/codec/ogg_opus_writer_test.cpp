// Recordings must be real Ogg Opus files: opusinfo accepts them, opusdec plays them back to
// the audio the booth sent, and a file cut off mid-write (a crash) still plays.
#include "codec/codec_error.hpp"
#include "codec/ogg_opus_writer.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"
#include "command.hpp"
#include "opus_round_trip.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace tolk::codec {
namespace {

namespace fs = std::filesystem;

class ogg_opus_writer_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(testing::tool_installed("opusinfo")) << "opusinfo missing: ./tolk deps";
        ASSERT_TRUE(testing::tool_installed("opusdec")) << "opusdec missing: ./tolk deps";
        dir_ = fs::temp_directory_path() /
               ("tolk-ogg-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    ogg_opus_tags tags() const {
        return {"tolk test", {{"EVENT", "Demo"}, {"CHANNEL", "fr"}, {"BOOTH", "booth-2"},
                              {"DATE", "2026-11-28T23:50:51Z"}}};
    }

    // opusdec's 48 kHz output of `file`, read back as samples.
    std::vector<float> decode(const fs::path& file) {
        const auto wav = dir_ / "decoded.wav";
        const auto run = testing::run_command("opusdec --quiet --rate 48000 '" + file.string() +
                                              "' '" + wav.string() + "'");
        EXPECT_EQ(run.exit_code, 0) << run.output;
        return load_mono_48k(wav);
    }

    fs::path dir_;
};

TEST_F(ogg_opus_writer_test, speech_file_passes_opusinfo_and_decodes_to_the_input) {
    const auto speech = speech_like(12.0, 5, 0.5f);
    const auto packets = testing::encode_all(speech);
    const auto file = dir_ / "fr.opus";
    {
        ogg_opus_writer writer(file, {}, tags());
        for (const auto& packet : packets) {
            ASSERT_FALSE(writer.write(packet, 960));
        }
        EXPECT_EQ(writer.granule(), static_cast<std::int64_t>(packets.size()) * 960);
        ASSERT_FALSE(writer.close());
    }
    const auto info = testing::run_command("opusinfo '" + file.string() + "'");
    EXPECT_EQ(info.exit_code, 0) << info.output;
    EXPECT_EQ(info.output.find("WARNING"), std::string::npos) << info.output;
    EXPECT_EQ(info.output.find("ERROR"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("Pre-skip: 312"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("CHANNEL=fr"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("BOOTH=booth-2"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("EVENT=Demo"), std::string::npos) << info.output;

    const auto decoded = decode(file);
    // Pre-skip removes the encoder's lookahead: the file plays the input's length, aligned.
    EXPECT_NEAR(static_cast<double>(decoded.size()), static_cast<double>(packets.size() * 960 - 312),
                1.0);
    const auto a = align(speech, decoded, -2000, 2000);
    EXPECT_GE(a.correlation, 0.95) << "lag " << a.lag;
    EXPECT_LT(std::abs(a.lag), 48) << "pre-skip should line the audio up";
}

TEST_F(ogg_opus_writer_test, a_file_cut_off_mid_write_still_plays_to_its_last_flush) {
    const auto speech = speech_like(5.0, 9, 0.5f);
    const auto packets = testing::encode_all(speech);
    const auto file = dir_ / "cut.opus";
    std::uintmax_t flushed_size = 0;
    {
        ogg_opus_writer writer(file, {}, tags(), {.flush_samples = 48000});
        for (std::size_t i = 0; i < packets.size(); ++i) {
            ASSERT_FALSE(writer.write(packets[i], 960));
            if (i == 150) {  // 3 s in: at least two automatic flushes have happened
                flushed_size = fs::file_size(file);
            }
        }
        ASSERT_FALSE(writer.sync());
        // The process "dies" here: copy what is on disk before the end-of-stream page.
        fs::copy_file(file, dir_ / "crashed.opus");
    }
    EXPECT_GT(flushed_size, 8000u);  // audio pages reached the OS without an explicit flush
    // opusinfo exits 1 on any warning; the only one a cut file may get is the missing
    // end-of-stream flag, which it calls "normal for live streams".
    const auto info = testing::run_command("opusinfo '" + (dir_ / "crashed.opus").string() + "'");
    EXPECT_EQ(info.output.find("ERROR"), std::string::npos) << info.output;
    EXPECT_EQ(info.output.find("WARNING"), info.output.find("WARNING: EOS not set")) << info.output;
    EXPECT_EQ(info.output.find("WARNING", info.output.find("WARNING") + 1), std::string::npos)
        << info.output;
    EXPECT_NE(info.output.find("Playback length: 0m:04.9"), std::string::npos) << info.output;
    const auto decoded = decode(dir_ / "crashed.opus");
    EXPECT_GT(decoded.size(), samples_for(4.9));  // all but the held-back last packet
    EXPECT_GE(align(speech, decoded, -2000, 2000).correlation, 0.95);
}

TEST_F(ogg_opus_writer_test, gaps_keep_the_timeline) {
    const auto packets = testing::encode_all(tone(440, 2.0, 0.3f));
    const auto file = dir_ / "gap.opus";
    {
        ogg_opus_writer writer(file, {}, tags());
        for (std::size_t i = 0; i < packets.size(); ++i) {
            if (i >= 40 && i < 50) {
                continue;  // 200 ms lost on the booth link
            }
            if (i == 50) {
                ASSERT_FALSE(writer.write_gap(10 * 960));
            }
            ASSERT_FALSE(writer.write(packets[i], 960));
        }
        EXPECT_EQ(writer.granule(), static_cast<std::int64_t>(packets.size()) * 960);
    }
    EXPECT_NEAR(static_cast<double>(decode(file).size()),
                static_cast<double>(packets.size() * 960 - 312), 1.0);
}

TEST_F(ogg_opus_writer_test, errors_are_reported_not_thrown_while_writing) {
    EXPECT_THROW(ogg_opus_writer(dir_ / "missing" / "x.opus", {}, tags()), codec_error);
    if (fs::exists("/dev/full")) {  // a full disk: the headers already fail
        EXPECT_THROW(ogg_opus_writer("/dev/full", {}, tags()), codec_error);
    }
    ogg_opus_writer writer(dir_ / "ok.opus", {}, tags());
    EXPECT_TRUE(writer.write({}, 960));  // an empty packet is refused...
    EXPECT_TRUE(writer.error());         // ...and the writer stays refused
}

TEST(ogg_opus_headers, opus_head_follows_rfc_7845) {
    const auto head = opus_head_packet({.pre_skip = 312, .input_sample_rate = 48000});
    const std::vector<std::uint8_t> expected{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1,
                                             0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0};
    EXPECT_EQ(head, expected);
    const auto tags = opus_tags_packet({"v", {{"A", "b"}}});
    const std::vector<std::uint8_t> expected_tags{'O', 'p', 'u', 's', 'T', 'a', 'g', 's', 1, 0, 0,
                                                  0, 'v', 1, 0, 0, 0, 3, 0, 0, 0, 'A', '=', 'b'};
    EXPECT_EQ(tags, expected_tags);
}

}  // namespace
}  // namespace tolk::codec
