// Recordings survive a crash (issue 13): tolk-server recording a channel is killed with SIGKILL
// mid-segment; the Ogg Opus file it leaves passes opusinfo and plays with opusdec to within
// about a second of the kill (pages are flushed at least every second). Real processes, as a
// technician would run them; opus-tools are Debian's.
#include "child_process.hpp"
#include "tolk_binaries.hpp"

#include "codec/wav_file.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tolk::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using stream = child_process::stream;

// The one file the recorder has started in `folder` (empty path while there is none).
fs::path recording_in(const fs::path& folder) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file())
            return e.path();
    return {};
}

TEST(recording_crash, a_killed_server_leaves_a_file_that_plays_to_within_a_second_of_the_kill) {
    for (const char* name : {"tolk-server", "tolk-booth"})
        ASSERT_TRUE(fs::exists(bin(name))) << bin(name) << " is missing";
    char pattern[] = "/tmp/tolk-recording-crash-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    const fs::path dir = pattern;
    const fs::path folder = dir / "recordings";
    std::ofstream(dir / "event.toml") << "[event]\nname = \"crash test\"\n"
                                         "[[channels]]\nid = \"en\"\nlanguage = \"en\"\nlabel = \"English\"\n"
                                         "[auth]\nstate_dir = \"state\"\n"
                                         "[recording]\nfolder = \"" << folder.string() << "\"\n";
    const std::string config = (dir / "event.toml").string();

    child_process issue({bin("tolk-server"), "token", "issue", "--config", config, "--role", "booth", "--channels",
                         "en", "--name", "EN booth", "--ttl", "1h"},
                        {.out = true});
    const auto token_line = issue.wait_for_line(stream::out, "v4.public.", 10s);
    ASSERT_TRUE(token_line) << issue.output(stream::out);
    ASSERT_EQ(issue.wait(10s), 0);

    // Its log as a log shipper would take it: one JSON object per line.
    child_process server({bin("tolk-server"), "--config", config, "--listen", "127.0.0.1:0", "--log-format", "json"},
                         {.out = true, .err = true});
    const auto line = server.wait_for_line(stream::out, "listening on", 10s);
    ASSERT_TRUE(line) << "tolk-server did not say where it listens";
    const std::string url = "ws://" + line->substr(line->rfind(' ') + 1);

    child_process booth({bin("tolk-booth"), "--server", url, "--channel", "en", "--token", *token_line, "--input",
                         "tone:440"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "on air", 10s)) << booth.output(stream::err);
    const auto on_air = std::chrono::steady_clock::now();

    // About 4 s of audio reach the disk (a 32 kbit/s tone: some 4 KB a second).
    const auto deadline = on_air + 20s;
    fs::path file;
    std::error_code ec;
    const auto recorded_enough = [&] {
        file = recording_in(folder);
        return !file.empty() && fs::file_size(file, ec) >= 16'000 && !ec;
    };
    while (!recorded_enough() && std::chrono::steady_clock::now() < deadline) {
        booth.wait(50ms);  // a bounded poll of the folder; the booth must keep running
    }
    ASSERT_FALSE(file.empty()) << "no recording appeared in " << folder;
    server.signal(SIGKILL);
    const auto killed = std::chrono::steady_clock::now();
    ASSERT_TRUE(server.wait(10s));
    std::istringstream log(server.read_all(stream::err, 5s));
    std::size_t lines = 0;
    bool on_air_logged = false;
    for (std::string l; std::getline(log, l); ++lines) {
        const auto j = nlohmann::json::parse(l, nullptr, false);
        ASSERT_TRUE(j.is_object() && j.contains("msg") && j.contains("level") && j.contains("logger")) << l;
        on_air_logged |= j["logger"] == "booth" && j["msg"].get<std::string>().find("on air on channel en") != std::string::npos &&
                         j["msg"].get<std::string>().find("\"EN booth\"") != std::string::npos;
    }
    EXPECT_GT(lines, 2u);
    EXPECT_TRUE(on_air_logged) << server.output(stream::err);
    const double seconds_on_air = std::chrono::duration<double>(killed - on_air).count();

    // opusinfo reads the whole stream without an error. A killed writer cannot have written the
    // end-of-stream page, which opusinfo reports as a warning ("normal for live streams") and an
    // exit status of 1; any other warning or error fails the test.
    child_process info({"opusinfo", file.string()}, {.out = true});
    const auto info_text = info.read_all(stream::out, 30s);
    const auto info_status = info.wait(30s);
    ASSERT_TRUE(info_status);
    EXPECT_TRUE(*info_status == 0 || *info_status == 1) << info_text;
    std::istringstream info_lines(info_text);
    for (std::string l; std::getline(info_lines, l);) {
        EXPECT_EQ(l.find("ERROR"), std::string::npos) << info_text;
        if (l.find("WARNING") != std::string::npos) {
            EXPECT_NE(l.find("EOS not set"), std::string::npos) << info_text;
        }
    }
    EXPECT_NE(info_text.find("Playback length"), std::string::npos) << info_text;

    const std::string wav = (dir / "played.wav").string();
    child_process play({"opusdec", "--quiet", "--rate", "48000", file.string(), wav}, {.err = true});
    ASSERT_EQ(play.wait(30s), 0) << play.read_all(stream::err, 1s);
    const auto pcm = codec::read_wav(wav);
    ASSERT_GT(pcm.channels * pcm.sample_rate, 0);
    const double played = static_cast<double>(pcm.samples.size()) / pcm.channels / pcm.sample_rate;
    std::printf("[ recorded ] %.2f s on air before the kill, %.2f s playable\n", seconds_on_air, played);
    EXPECT_GT(played, seconds_on_air - 1.5);  // flushed at least every second (+ the booth's start)
    EXPECT_LT(played, seconds_on_air + 0.5);
    if (!::testing::Test::HasFailure())
        fs::remove_all(dir);
}

}  // namespace
}  // namespace tolk::test
