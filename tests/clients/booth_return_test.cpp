// tolk-booth --return end to end (issue 12), as an interpreter runs it: tolk-server with an event
// file ([booths] works_from, pivot), a floor booth publishing a WAV, and an FR booth whose return
// goes to a WAV file. The FR interpreter hears the floor's speech; when the floor source jumps
// from speech at -26 dBFS to a 0 dBFS squeal, no sample played exceeds the limiter's ceiling;
// when the floor declares a language FR does not work from, FR's tolk-booth switches its return
// to the pivot by itself, and back when the floor speaks English. Every wait is bounded.
#include "child_process.hpp"
#include "tolk_binaries.hpp"
#include "codec/level_meter.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
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

class booth_return : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : {"tolk-server", "tolk-booth"})
            if (!fs::exists(bin(name)))
                GTEST_FAIL() << bin(name) << " is missing: build it (cmake --build build --target " << name << ")";
        char pattern[] = "/tmp/tolk-return-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        event_ = path("event.toml");
        std::ofstream(event_) << "[event]\nname = \"return test\"\n[auth]\nstate_dir = \"" << path("state") << "\"\n"
                              << "[booths]\nworks_from = { FR = [\"en\", \"es\"] }\npivot = \"en\"\n"
                              << "[[channels]]\nid = \"floor\"\nlanguage = \"mul\"\n"
                              << "[[channels]]\nid = \"en\"\n[[channels]]\nid = \"fr\"\n";
        server_ = std::make_unique<child_process>(
            std::vector<std::string>{bin("tolk-server"), "--config", event_, "--listen", "127.0.0.1:0", "--log-level",
                                     "warn"},
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

    // A booth token for `channel`, named `name` (tolk-server token issue).
    std::string token(const std::string& channel, const std::string& name) {
        child_process issue({bin("tolk-server"), "token", "issue", "--config", event_, "--role", "booth", "--channels",
                             channel, "--name", name},
                            {.out = true});
        const auto out = issue.read_all(stream::out, 30s);
        EXPECT_EQ(issue.wait(10s), 0);
        return out.substr(0, out.find('\n'));
    }

    child_process& booth(const std::string& channel, const std::string& name, std::vector<std::string> more) {
        std::vector<std::string> argv{bin("tolk-booth"), "--server", url_, "--channel", channel,
                                      "--token", token(channel, name), "--booth", name};
        argv.insert(argv.end(), more.begin(), more.end());
        children_.push_back(std::make_unique<child_process>(std::move(argv), child_process::capture{.err = true}));
        return *children_.back();
    }

    std::string path(const char* name) const { return (dir_ / name).string(); }

    fs::path dir_;
    std::string event_, url_;
    std::unique_ptr<child_process> server_;
    std::vector<std::unique_ptr<child_process>> children_;
};

TEST_F(booth_return, the_return_carries_the_floor_and_never_exceeds_the_ceiling) {
    // The floor: 4 s of speech at -26 dBFS, then a 0 dBFS squeal for 2 s.
    auto speech = codec::speech_like(4.0, 77, 0.5f);
    const double gain = std::pow(10.0, (-26.0 - codec::rms_dbfs(speech)) / 20.0);
    for (float& x : speech)
        x = static_cast<float>(x * gain);
    auto input = speech;
    const auto squeal = codec::tone(3150, 2.0, 1.0f);
    input.insert(input.end(), squeal.begin(), squeal.end());
    codec::write_wav(path("floor.wav"), input);

    auto& fr = booth("fr", "FR", {"--input", "tone:440", "--return", path("return.wav"), "--stats", path("stats.json")});
    ASSERT_TRUE(fr.wait_for_line(stream::err, "on air", 10s)) << fr.output(stream::err);
    auto& floor = booth("floor", "FLOOR", {"--input", path("floor.wav"), "--quiet"});
    EXPECT_EQ(floor.wait(30s), 0) << floor.output(stream::err);
    // The return has played the floor's last frame (the booth marked its end of segment).
    EXPECT_TRUE(fr.wait_for_line(stream::err, "stopped playing", 10s)) << fr.output(stream::err);
    fr.signal(SIGINT);
    EXPECT_EQ(fr.wait(10s), 0) << fr.output(stream::err);

    const auto heard = codec::load_mono_48k(path("return.wav"));
    ASSERT_GT(heard.size(), speech.size());
    const auto a = codec::align(speech, heard, 0, static_cast<long>(heard.size() - speech.size() / 2));
    const float peak = std::transform_reduce(heard.begin(), heard.end(), 0.0f,
                                             [](float x, float y) { return std::max(x, y); },
                                             [](float x) { return std::fabs(x); });
    const auto stats = read_json(path("stats.json"));
    ASSERT_TRUE(stats.is_object()) << "stats.json is not JSON";
    const auto& limiter = stats["return"]["limiter"];
    std::printf("[ measured ] correlation %.4f at %.1f ms; output peak %.2f dBFS (ceiling -1); limiter sustained %d, "
                "warning %d (1-min %.1f dBFS); input %s\n",
                a.correlation, a.lag / 48.0, codec::amplitude_to_dbfs(peak), limiter["sustained"].get<bool>(),
                limiter["warning"].get<bool>(), limiter["minute_dbfs"].get<double>(),
                stats["return"]["input_quality"].dump().c_str());
    // Window by window (each 0.5 s of the speech aligned on its own near the whole's lag): a
    // loaded machine makes the return conceal and time-scale now and then, which moves the
    // alignment by a few ms and lowers the whole signal's correlation, not what the booth hears.
    std::vector<double> windows;
    const long window = 24000, slack = 2400;
    for (long w = window; w + window <= static_cast<long>(speech.size()) - window; w += window) {
        const auto piece = std::span<const float>(speech).subspan(static_cast<std::size_t>(w), window);
        const long lo = a.lag + w - slack, hi = a.lag + w + slack;
        if (lo < 0 || hi + window > static_cast<long>(heard.size()))
            continue;
        windows.push_back(codec::align(piece, heard, lo, hi).correlation);
    }
    ASSERT_GE(windows.size(), 4u);
    std::sort(windows.begin(), windows.end());
    const double median = windows[windows.size() / 2];
    std::printf("[ measured ] window correlation median %.4f, lowest %.4f (%zu windows of 0.5 s)\n", median,
                windows.front(), windows.size());
    EXPECT_GE(median, 0.9) << "whole-signal correlation " << a.correlation;
    EXPECT_LE(peak, std::pow(10.0f, -1.0f / 20.0f) + 1.0f / 32768.0f);  // the ceiling, give or take one LSB
    EXPECT_GT(limiter["limited_samples"].get<double>(), 48000.0 / 2);   // the squeal was held down
    EXPECT_EQ(limiter["clipped_samples"], 0);                           // by the look-ahead gain, not clipping
    EXPECT_EQ(stats["return"]["source"], "floor");
    EXPECT_GT(stats["return"]["input_quality"]["clipped_samples"].get<double>(), 0);  // the squeal's crests
}

TEST_F(booth_return, the_return_follows_auto_relay_to_the_pivot_and_back) {
    auto& fr = booth("fr", "FR", {"--input", "tone:440", "--return", path("return.wav"), "--stats", path("stats.json")});
    ASSERT_TRUE(fr.wait_for_line(stream::err, "on air", 10s)) << fr.output(stream::err);
    auto& german = booth("floor", "FLOOR", {"--input", "tone:300", "--floor-language", "de"});
    ASSERT_TRUE(fr.wait_for_line(stream::err, "now hears en (was floor)", 10s)) << fr.output(stream::err);
    EXPECT_NE(fr.output(stream::err).find("floor is de; FR works from en, es: relay from en"), std::string::npos);
    german.signal(SIGTERM);
    EXPECT_EQ(german.wait(10s), 0);
    booth("floor", "FLOOR", {"--input", "tone:300", "--floor-language", "en"});
    ASSERT_TRUE(fr.wait_for_line(stream::err, "now hears floor (was en)", 10s)) << fr.output(stream::err);
    fr.signal(SIGINT);
    EXPECT_EQ(fr.wait(10s), 0);
    EXPECT_EQ(read_json(path("stats.json"))["return"]["source"], "floor");
}

}  // namespace
}  // namespace tolk::test
