// Recordings: what the booth sent comes back out of the file with opusdec; a folder that
// cannot be written turns the recorder to failing (and raises the alarm) without ever making
// the caller wait.
#include "../codec/command.hpp"
#include "booth_feed.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"
#include "server/monitor/alarm_engine.hpp"
#include "server/monitor/recorder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>
#include <csignal>
#include <sys/resource.h>

namespace tolk::monitor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class recorder_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(codec::testing::tool_installed("opusinfo")) << "opusinfo missing: ./tolk deps";
        ASSERT_TRUE(codec::testing::tool_installed("opusdec")) << "opusdec missing: ./tolk deps";
        dir_ = fs::temp_directory_path() / ("tolk-rec-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    recorder_options options(const fs::path& folder) const {
        recorder_options o;
        o.folder = folder;
        o.event = "Demo conference";
        o.flush_interval = 100ms;
        return o;
    }

    fs::path dir_;
};

// 2026-11-28 09:30:00 UTC.
time_point start_time() { return clock::from_time_t(1795858200); }

TEST_F(recorder_test, a_segment_becomes_a_playable_tagged_file_that_matches_the_input) {
    const auto speech = codec::speech_like(10.0, 11, 0.5f);
    const auto packets = testing::encode(speech);
    {
        recorder rec(options(dir_));
        rec.start_segment("fr", "booth-2", start_time());
        for (const auto& p : packets) {
            ASSERT_TRUE(rec.write("fr", p, 960));
        }
        rec.end_segment("fr");
        ASSERT_TRUE(rec.drain(10s));
        const auto s = rec.status();
        EXPECT_EQ(s.state, recorder_state::idle);
        EXPECT_EQ(s.packets_written, packets.size());
        EXPECT_EQ(s.packets_dropped + s.packets_lost, 0u);
        EXPECT_EQ(s.files_opened, 1u);
    }
    const fs::path file = dir_ / "fr_2026-11-28T09-30-00Z.opus";
    ASSERT_TRUE(fs::exists(file));
    const auto info = codec::testing::run_command("opusinfo '" + file.string() + "'");
    EXPECT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find("EVENT=Demo conference"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("CHANNEL=fr"), std::string::npos);
    EXPECT_NE(info.output.find("BOOTH=booth-2"), std::string::npos);
    EXPECT_NE(info.output.find("DATE=2026-11-28T09:30:00Z"), std::string::npos);

    const fs::path wav = dir_ / "fr.wav";
    const auto dec = codec::testing::run_command("opusdec --quiet --rate 48000 '" +
                                                 file.string() + "' '" + wav.string() + "'");
    ASSERT_EQ(dec.exit_code, 0) << dec.output;
    const auto decoded = codec::load_mono_48k(wav);
    EXPECT_GT(decoded.size(), codec::samples_for(9.9));
    EXPECT_GE(codec::align(speech, decoded, -2000, 2000).correlation, 0.95);
}

TEST_F(recorder_test, pages_reach_the_disk_while_the_segment_is_still_open) {
    recorder rec(options(dir_));
    rec.start_segment("en", "booth-1", start_time());
    const auto packets = testing::encode(codec::speech_like(3.0, 12, 0.5f));
    for (const auto& p : packets) {
        rec.write("en", p, 960);
    }
    ASSERT_TRUE(rec.drain(10s));  // a drain flushes, as the periodic flush does
    const fs::path file = dir_ / "en_2026-11-28T09-30-00Z.opus";
    // Copy the file as a kill -9 would leave it: no end-of-stream page yet.
    fs::copy_file(file, dir_ / "killed.opus");
    const auto info = codec::testing::run_command("opusinfo '" + (dir_ / "killed.opus").string() + "'");
    EXPECT_EQ(info.output.find("ERROR"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("Playback length: 0m:02.9"), std::string::npos) << info.output;
    EXPECT_EQ(rec.status().state, recorder_state::recording);
    ASSERT_EQ(rec.status().open_files.size(), 1u);
    EXPECT_EQ(rec.status().open_files[0], file);
}

TEST_F(recorder_test, an_unwritable_folder_reports_failing_and_never_blocks_the_caller) {
    // A "folder" under a regular file cannot be created even by root.
    std::ofstream(dir_ / "not-a-folder") << "x";
    recorder rec(options(dir_ / "not-a-folder" / "recordings"));
    rec.start_segment("fr", "booth-2", start_time());
    const auto packets = testing::encode(codec::tone(440, 1.0, 0.3f));
    std::uint64_t accepted = 0;
    for (int round = 0; round < 200; ++round) {  // 200 s of audio, as fast as it can go
        for (const auto& p : packets) {
            accepted += rec.write("fr", p, 960) ? 1 : 0;
        }
    }
    ASSERT_TRUE(rec.drain(10s));
    const auto s = rec.status();
    EXPECT_EQ(s.state, recorder_state::failing);
    EXPECT_NE(s.error.find("not-a-folder"), std::string::npos) << s.error;
    EXPECT_EQ(s.packets_written, 0u);
    // Every packet is accounted for: lost to the failure, or dropped when the queue was full.
    EXPECT_EQ(s.packets_lost, accepted);
    EXPECT_EQ(s.packets_lost + s.packets_dropped, 200u * packets.size());

    alarm_engine engine;
    engine.evaluate(testing::at_seconds(0), {},
                    {s.state == recorder_state::failing, s.error});
    ASSERT_EQ(engine.active().size(), 1u);
    EXPECT_EQ(engine.active()[0].kind, alarm_kind::recording_failing);

    // The folder appears: the next segment records again and the failure clears.
    fs::remove(dir_ / "not-a-folder");
    fs::create_directories(dir_ / "not-a-folder" / "recordings");
    rec.start_segment("fr", "booth-3", start_time() + 60s);
    rec.write("fr", packets[0], 960);
    ASSERT_TRUE(rec.drain(10s));
    EXPECT_EQ(rec.status().state, recorder_state::recording);
    EXPECT_EQ(rec.status().packets_written, 1u);
}

TEST_F(recorder_test, a_read_only_folder_reports_failing) {
    // Mode 0555 stops everyone but root; root is stopped only by a folder the kernel refuses
    // to create files in, which /proc/self is.
    const fs::path folder = dir_ / "read-only";
    fs::create_directories(folder);
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec |
                                fs::perms::group_read | fs::perms::others_read);
    const bool root = ::geteuid() == 0;
    recorder rec(options(root ? fs::path("/proc/self") : folder));
    rec.start_segment("es", "booth-5", start_time());
    EXPECT_TRUE(rec.write("es", testing::encode(codec::tone(440, 0.1, 0.3f))[0], 960));
    ASSERT_TRUE(rec.drain(10s));
    const auto s = rec.status();
    EXPECT_EQ(s.state, recorder_state::failing);
    EXPECT_NE(s.error.find("cannot create"), std::string::npos) << s.error;
    EXPECT_EQ(s.packets_lost, 1u);
    fs::permissions(folder, fs::perms::owner_all);
}

TEST_F(recorder_test, running_out_of_space_mid_segment_reports_failing) {
    // A file-size limit makes the kernel refuse writes past 64 KB (EFBIG), as a full disk
    // refuses them (ENOSPC): the recorder must notice while the segment is open.
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 64 * 1024;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    recorder_status s;
    {
        recorder rec(options(dir_));
        rec.start_segment("nl", "booth-6", start_time());
        const auto packets = testing::encode(codec::white_noise(30.0, 3, 0.3f));  // ~120 KB
        for (const auto& p : packets) {
            rec.write("nl", p, 960);
        }
        EXPECT_TRUE(rec.drain(10s));
        s = rec.status();
    }
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_EQ(s.state, recorder_state::failing);
    EXPECT_NE(s.error.find("nl_2026-11-28T09-30-00Z.opus"), std::string::npos) << s.error;
    EXPECT_GT(s.packets_written, 0u);
    EXPECT_GT(s.packets_lost, 0u);
}

TEST_F(recorder_test, a_segment_without_audio_leaves_no_file_and_segments_follow_each_other) {
    recorder rec(options(dir_));
    rec.start_segment("pt", "booth-7", start_time());
    rec.end_segment("pt");
    const auto packets = testing::encode(codec::tone(440, 1.0, 0.3f));
    rec.start_segment("pt", "booth-7", start_time() + 10s);
    for (const auto& p : packets) {
        rec.write("pt", p, 960);
    }
    rec.start_segment("pt", "booth-8", start_time() + 20s);  // a handover ends the previous one
    rec.write("pt", packets[0], 960);
    ASSERT_TRUE(rec.drain(10s));
    EXPECT_FALSE(fs::exists(dir_ / "pt_2026-11-28T09-30-00Z.opus"));
    EXPECT_TRUE(fs::exists(dir_ / "pt_2026-11-28T09-30-10Z.opus"));
    EXPECT_TRUE(fs::exists(dir_ / "pt_2026-11-28T09-30-20Z.opus"));
    EXPECT_EQ(rec.status().files_opened, 3u);
    const auto info = codec::testing::run_command(
        "opusinfo '" + (dir_ / "pt_2026-11-28T09-30-10Z.opus").string() + "'");
    EXPECT_EQ(info.exit_code, 0) << info.output;  // closed with its end-of-stream page
}

TEST_F(recorder_test, a_full_queue_drops_and_counts_instead_of_waiting) {
    auto o = options(dir_);
    o.queue_packets = 8;
    recorder rec(o);
    rec.start_segment("de", "booth-4", start_time());
    const auto packets = testing::encode(codec::tone(440, 2.0, 0.3f));
    std::uint64_t refused = 0;
    for (int round = 0; round < 50; ++round) {
        for (const auto& p : packets) {
            refused += rec.write("de", p, 960) ? 0 : 1;
        }
    }
    ASSERT_TRUE(rec.drain(10s));
    const auto s = rec.status();
    EXPECT_EQ(s.packets_dropped, refused);
    EXPECT_EQ(s.packets_written + s.packets_dropped, 50u * packets.size());
}

}  // namespace
}  // namespace tolk::monitor
