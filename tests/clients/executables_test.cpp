// The executables end to end: tolk-server + tolk-booth + tolk-listen as separate processes on
// 127.0.0.1, as a user would run them.  A missing executable is a failure, not a skip.  Every
// wait is bounded; children are killed in teardown (child_process).
#include "child_process.hpp"
#include "tolk_binaries.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace tolk::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using stream = child_process::stream;

class executables : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : {"tolk-server", "tolk-booth", "tolk-listen"})
            if (!fs::exists(bin(name)))
                GTEST_FAIL() << bin(name) << " is missing: build it (cmake --build build --target " << name << ")";
        char pattern[] = "/tmp/tolk-clients-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        server_ = std::make_unique<child_process>(
            std::vector<std::string>{bin("tolk-server"), "--listen", "127.0.0.1:0", "--log-level", "warn"},
            child_process::capture{.out = true});
        const auto line = server_->wait_for_line(stream::out, "listening on", 10s);
        ASSERT_TRUE(line) << "tolk-server did not say where it listens";
        url_ = "ws://" + line->substr(line->rfind(' ') + 1);
    }

    void TearDown() override {
        children_.clear();
        server_.reset();
        if (!dir_.empty() && !HasFailure())
            fs::remove_all(dir_);
        else if (!dir_.empty())
            std::printf("[ kept     ] %s\n", dir_.c_str());
    }

    child_process& spawn(std::vector<std::string> argv, child_process::capture pipes = {}) {
        children_.push_back(std::make_unique<child_process>(std::move(argv), pipes));
        return *children_.back();
    }

    std::string path(const char* name) const { return (dir_ / name).string(); }

    // A spoken sentence from espeak-ng when it is installed, else the speech-like generator.
    std::string make_speech_wav() {
        const std::string wav = path("speech.wav");
        if (on_path("espeak-ng")) {
            child_process espeak({"espeak-ng", "-v", "en-us", "-s", "150", "-w", wav,
                                  "Good morning. The committee meeting is now open. Let us turn to the "
                                  "first item of the agenda, the report of the working group."});
            if (espeak.wait(30s) == 0 && fs::file_size(wav) > 44) {
                std::printf("[ input    ] spoken sentence from espeak-ng\n");
                return wav;
            }
        }
        codec::write_wav(wav, codec::speech_like(8.0, 1234, 0.5f));
        std::printf("[ input    ] codec::speech_like (espeak-ng not found)\n");
        return wav;
    }

    fs::path dir_;
    std::string url_;
    std::unique_ptr<child_process> server_;
    std::vector<std::unique_ptr<child_process>> children_;
};

TEST_F(executables, booth_to_listen_carries_speech_at_32_kbits) {
    const std::string input = make_speech_wav();
    const std::vector<float> reference = codec::load_mono_48k(input);
    const double seconds = static_cast<double>(reference.size()) / 48000.0;

    auto& listen = spawn({bin("tolk-listen"), "--server", url_, "--channel", "en", "--output", path("out.wav"),
                          "--duration", std::to_string(seconds + 1.5), "--stats", path("stats.json"), "--jb",
                          "fixed:100"},
                         {.err = true});
    ASSERT_TRUE(listen.wait_for_line(stream::err, "subscribed", 10s)) << listen.output(stream::err);
    auto& booth = spawn({bin("tolk-booth"), "--server", url_, "--channel", "en", "--input", input,
                         "--bitrate", "32000", "--quiet"});
    EXPECT_EQ(booth.wait(std::chrono::milliseconds(static_cast<int>(seconds * 1000)) + 15s), 0);
    EXPECT_EQ(listen.wait(std::chrono::milliseconds(static_cast<int>(seconds * 1000)) + 15s), 0);

    const std::vector<float> received = codec::load_mono_48k(path("out.wav"));
    ASSERT_GT(received.size(), reference.size() / 2);
    const codec::alignment a = codec::align(reference, received, 0, 2 * 48000);
    const double snr = codec::snr_db_at(reference, received, a.lag);
    std::printf("[ measured ] correlation %.4f, SNR %.1f dB, lag %.1f ms, overlap %.2f s\n", a.correlation, snr,
                static_cast<double>(a.lag) / 48.0, static_cast<double>(a.overlap) / 48000.0);
    EXPECT_GE(a.correlation, 0.95);
    EXPECT_GT(static_cast<double>(a.overlap), 0.9 * static_cast<double>(reference.size()));

    const nlohmann::json stats = read_json(path("stats.json"));
    ASSERT_TRUE(stats.is_object()) << "stats.json is not JSON";
    std::printf("[ measured ] delivery p50 %.3f ms, end-to-end p50 %.1f ms\n",
                stats["delivery_latency"]["p50_ms"].get<double>(), stats["end_to_end_latency"]["p50_ms"].get<double>());
    EXPECT_EQ(stats["frames_missing"], 0);
    EXPECT_GE(stats["frames_received"].get<double>(), seconds * 50 - 5);
    // A sanity bound, not a timing figure: on a busy 2-core machine a frame may come late now
    // and then (concealed, a click); more than 2% late is what a listener would notice.
    EXPECT_LE(stats["playout"]["frames_late"].get<double>(), 0.02 * stats["frames_received"].get<double>());
    EXPECT_GT(stats["delivery_latency"]["count"].get<int>(), 0);
    EXPECT_LT(stats["delivery_latency"]["p50_ms"].get<double>(), 50.0);  // loopback
    EXPECT_GT(stats["end_to_end_latency"]["count"].get<int>(), 0);
    EXPECT_GE(stats["end_to_end_latency"]["p50_ms"].get<double>(), 100.0);  // at least the playout delay
    EXPECT_LT(stats["end_to_end_latency"]["p50_ms"].get<double>(), 1000.0);
}

TEST_F(executables, listen_stopped_by_sigint_leaves_a_valid_wav_and_stats) {
    auto& booth = spawn({bin("tolk-booth"), "--server", url_, "--channel", "fr", "--input", "tone:440", "--loop"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "on air", 10s)) << booth.output(stream::err);
    auto& listen = spawn({bin("tolk-listen"), "--server", url_, "--channel", "fr", "--output", path("fr.wav"),
                          "--stats", path("fr.json")},
                         {.err = true});
    ASSERT_TRUE(listen.wait_for_line(stream::err, "subscribed", 10s)) << listen.output(stream::err);
    listen.signal(SIGINT);
    EXPECT_EQ(listen.wait(5s), 0);
    EXPECT_NO_THROW(codec::read_wav(path("fr.wav")));
    EXPECT_TRUE(read_json(path("fr.json")).is_object());
    booth.signal(SIGTERM);
    EXPECT_EQ(booth.wait(5s), 0);
}

TEST_F(executables, booth_refused_by_another_booth_waits_and_goes_on_air_when_it_leaves) {
    auto& first = spawn({bin("tolk-booth"), "--server", url_, "--channel", "es", "--input", "tone:300"},
                        {.err = true});
    ASSERT_TRUE(first.wait_for_line(stream::err, "on air", 10s)) << first.output(stream::err);
    auto& second = spawn({bin("tolk-booth"), "--server", url_, "--channel", "es", "--input", "tone:500"},
                         {.err = true});
    ASSERT_TRUE(second.wait_for_line(stream::err, "held by another booth", 10s)) << second.output(stream::err);
    first.signal(SIGTERM);
    EXPECT_EQ(first.wait(5s), 0);
    EXPECT_TRUE(second.wait_for_line(stream::err, "on air", 10s)) << second.output(stream::err);
    second.signal(SIGTERM);
    EXPECT_EQ(second.wait(5s), 0);
}

TEST_F(executables, a_restarted_booth_takes_its_channel_over_from_its_own_stale_connection) {
    // The interpreter's laptop reconnects (a new process here) while the server still holds the
    // old connection: same booth name, so the new one goes on air at once and the old one stops.
    auto& old_one = spawn({bin("tolk-booth"), "--server", url_, "--channel", "fr", "--name", "FR booth A",
                           "--input", "tone:300"},
                          {.err = true});
    ASSERT_TRUE(old_one.wait_for_line(stream::err, "on air", 10s)) << old_one.output(stream::err);
    auto& new_one = spawn({bin("tolk-booth"), "--server", url_, "--channel", "fr", "--name", "FR booth A",
                           "--input", "tone:500"},
                          {.err = true});
    EXPECT_TRUE(new_one.wait_for_line(stream::err, "on air", 10s)) << new_one.output(stream::err);
    EXPECT_EQ(old_one.wait(10s), 2);
    EXPECT_NE(old_one.read_all(stream::err, 2s).find("took over"), std::string::npos) << old_one.output(stream::err);
    new_one.signal(SIGTERM);
    EXPECT_EQ(new_one.wait(5s), 0);
}

TEST_F(executables, two_consoles_of_one_booth_share_the_channel_and_the_passive_one_goes_on_when_the_live_one_leaves) {
    // Two interpreters' tolk-booth processes of booth "EN": the second is passive (sends no
    // audio), and when the live one stops it is live at once: one continuous channel.
    auto& listen = spawn({bin("tolk-listen"), "--server", url_, "--channel", "en", "--output", path("en.wav"),
                          "--duration", "4", "--stats", path("en.json")},
                         {.err = true});
    ASSERT_TRUE(listen.wait_for_line(stream::err, "subscribed", 10s)) << listen.output(stream::err);
    auto& anna = spawn({bin("tolk-booth"), "--server", url_, "--channel", "en", "--booth", "EN", "--name", "anna",
                        "--input", "tone:300"},
                       {.err = true});
    ASSERT_TRUE(anna.wait_for_line(stream::err, "LIVE en", 10s)) << anna.output(stream::err);
    auto& bruno = spawn({bin("tolk-booth"), "--server", url_, "--channel", "en", "--booth", "EN", "--name", "bruno",
                         "--input", "tone:500"},
                        {.err = true});
    ASSERT_TRUE(bruno.wait_for_line(stream::err, "passive en | booth EN, 1 partner", 10s)) << bruno.output(stream::err);
    anna.signal(SIGTERM);
    EXPECT_EQ(anna.wait(5s), 0);
    EXPECT_TRUE(bruno.wait_for_line(stream::err, "LIVE en", 10s)) << bruno.output(stream::err);
    EXPECT_EQ(listen.wait(15s), 0);
    bruno.signal(SIGTERM);
    EXPECT_EQ(bruno.wait(5s), 0);
    const nlohmann::json stats = read_json(path("en.json"));
    ASSERT_TRUE(stats.is_object());
    EXPECT_EQ(stats["frames_missing"], 0) << stats.dump();  // one sequence across both consoles
    EXPECT_GT(stats["frames_received"].get<double>(), 50) << stats.dump();
}

TEST_F(executables, booth_refused_for_good_exits_2_with_the_reason) {
    auto& unknown = spawn({bin("tolk-booth"), "--server", url_, "--channel", "no-such-channel", "--input",
                           "tone:500"},
                          {.err = true});
    EXPECT_EQ(unknown.wait(10s), 2);
    EXPECT_NE(unknown.read_all(stream::err, 2s).find("retrying will not fix"), std::string::npos)
        << unknown.output(stream::err);
}

}  // namespace
}  // namespace tolk::test
