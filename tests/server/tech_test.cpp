// The technician's view through a running server: alarms raised and cleared by what booths
// send (seen on /ws/tech and /api/tech), /metrics accepted by promtool, recordings that
// opusdec plays back as what the booth said, and a failing recording that costs listeners
// nothing.
#include "server_fixture.hpp"

#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tolk::test {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
constexpr auto frame_interval = std::chrono::microseconds(20'000);

fs::path scratch_dir(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("tolk_tech_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// Runs `command` through the shell; returns its exit status and output (stdout + stderr).
std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p)
        return {-1, "popen failed"};
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

bool has_tool(const std::string& tool) { return run("command -v " + tool).first == 0; }

// The latest /ws/tech snapshot among the messages.
std::optional<json> latest_state(const std::vector<received>& messages) {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it)
        if (it->text)
            return json::parse(it->data);
    return std::nullopt;
}

bool alarm_active(const json& state, const std::string& channel, const std::string& kind) {
    for (const auto& a : state["alarms"])
        if (a["channel"] == channel && a["kind"] == kind)
            return true;
    return false;
}

bool event_logged(const json& state, const std::string& channel, const std::string& kind,
                  const std::string& text_part = {}) {
    for (const auto& e : state["events"])
        if (e["channel"] == channel && e["kind"] == kind &&
            e["text"].get<std::string>().find(text_part) != std::string::npos)
            return true;
    return false;
}

class tech_test : public server_fixture {
protected:
    static server::server_config quick_alarms() {
        auto c = test_config();
        c.alarms.silence_seconds = 1;
        c.alarms.clipped_samples = 20;
        c.alarms.clipping_window_seconds = 2;
        c.alarms.clear_after_seconds = 0.5;
        return c;
    }
    // A booth on `channel` that is on air (welcomed).
    std::shared_ptr<test_client> booth(const std::string& channel) {
        auto b = connect("/ws/booth?channel=" + channel);
        if (!b->wait_for([](auto& m) { return !test_client::of_type(m, "welcome").empty(); }))
            throw std::runtime_error("booth was not welcomed");
        return b;
    }
    // Waits (bounded) for a /ws/tech snapshot for which `holds` is true.
    bool wait_state(test_client& tech, const std::function<bool(const json&)>& holds,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        return tech.wait_for(
            [&](const std::vector<received>& m) {
                auto st = latest_state(m);
                return st && holds(*st);
            },
            timeout);
    }
};

TEST_F(tech_test, silent_booth_raises_silence_and_clears_with_speech_clipping_booth_raises_clipping) {
    start(quick_alarms());
    auto tech = connect("/ws/tech");
    auto fr = booth("fr");
    auto es = booth("es");
    // fr: speech, 2 s of silence, speech again.  es: a tone far beyond full scale.
    auto speech = codec::speech_like(1.0, 1, 0.5f);
    std::vector<float> fr_signal = speech;
    fr_signal.resize(fr_signal.size() + 48000 * 2, 0.0f);
    auto more = codec::speech_like(4.0, 2, 0.5f);
    fr_signal.insert(fr_signal.end(), more.begin(), more.end());
    auto loud = codec::tone(440, 3.0, 1.0f);
    for (auto& s : loud)
        s = std::clamp(s * 4.0f, -1.0f, 1.0f);  // a square-ish wave at full scale
    auto fr_done = fr->stream(make_frames(fr_signal, 64000), frame_interval);
    auto es_done = es->stream(make_frames(loud, 64000), frame_interval);

    EXPECT_TRUE(wait_state(*tech, [](const json& st) { return alarm_active(st, "es", "clipping"); }))
        << "no clipping alarm for the clipping booth";
    EXPECT_TRUE(wait_state(*tech, [](const json& st) { return alarm_active(st, "fr", "silence"); }))
        << "no silence alarm while the French booth is silent";
    EXPECT_TRUE(wait_state(*tech, [](const json& st) {
        return !alarm_active(st, "fr", "silence") && event_logged(st, "fr", "alarm_cleared");
    })) << "the silence alarm did not clear when speech returned";
    fr_done.wait();
    es_done.wait();

    // The same in the JSON snapshot, with the on-air notes in the event log.
    const auto [status, body] = http_get("/api/tech");
    ASSERT_EQ(status, 200);
    const auto st = json::parse(body);
    EXPECT_TRUE(event_logged(st, "fr", "alarm_raised", "silent")) << body.substr(0, 2000);
    EXPECT_TRUE(event_logged(st, "es", "alarm_raised")) << body.substr(0, 2000);
    EXPECT_TRUE(event_logged(st, "fr", "note", "on air"));
    EXPECT_GT(st["channels"][3]["audio"]["clipped_samples_total"].get<double>(), 20) << "es";
}

TEST_F(tech_test, metrics_with_a_booth_on_air_pass_promtool) {
    ASSERT_TRUE(has_tool("promtool")) << "promtool is missing (Debian package prometheus: ./tolk deps)";
    start(quick_alarms());
    auto tech = connect("/ws/tech");
    auto l = listen("en");
    auto en = booth("en");
    auto done = en->stream(make_frames(codec::speech_like(2.0, 3, 0.5f), 32000), frame_interval);
    done.wait();
    ASSERT_TRUE(wait_state(*tech, [](const json& st) {
        return st["channels"][1]["audio"]["integrated_lufs"].is_number();
    }));
    const auto [status, body] = http_get("/metrics");
    ASSERT_EQ(status, 200);
    const auto dir = scratch_dir("metrics");
    std::ofstream(dir / "metrics.txt") << body;
    const auto [rc, out] = run("promtool check metrics < " + (dir / "metrics.txt").string());
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(body.find("tolk_channel_peak_dbfs{channel=\"en\"}"), std::string::npos);
    EXPECT_NE(body.find("tolk_channel_loudness_lufs{channel=\"en\",window=\"integrated\"}"), std::string::npos);
    EXPECT_NE(body.find("tolk_alarm_active{channel=\"en\",kind=\"silence\"}"), std::string::npos);
    EXPECT_EQ(body.find("tolk_booth_link_frames_total{channel=\"en\"} 0\n"), std::string::npos) << body;
    EXPECT_NE(body.find("tolk_booth_link_frames_total{channel=\"en\"} "), std::string::npos) << body;
    fs::remove_all(dir);
}

TEST_F(tech_test, recording_plays_back_what_the_booth_said) {
    ASSERT_TRUE(has_tool("opusdec") && has_tool("opusinfo")) << "opus-tools is missing (./tolk deps)";
    const auto dir = scratch_dir("rec");
    auto config = quick_alarms();
    config.recording.folder = dir.string();
    config.recording.channels = {"fr"};
    start(config);
    auto tech = connect("/ws/tech");
    auto fr = booth("fr");
    const auto speech = codec::speech_like(4.0, 4, 0.5f);
    const auto frames = make_frames(speech, 64000);
    fr->stream(frames, frame_interval).wait();
    fr->close();
    ASSERT_TRUE(wait_state(*tech, [&](const json& st) {
        return st["recording"]["packets_written"].get<std::size_t>() >= frames.size() &&
               st["channels"][2]["on_air"] == false && st["recording"]["open_files"].empty();
    })) << "the recording was not written and closed";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        files.push_back(e.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].filename().string().rfind("fr_", 0), 0u) << files[0];
    const auto [irc, info] = run("opusinfo " + files[0].string());
    EXPECT_EQ(irc, 0) << info;
    const auto wav = dir / "decoded.wav";
    const auto [drc, dout] = run("opusdec --rate 48000 " + files[0].string() + " " + wav.string());
    ASSERT_EQ(drc, 0) << dout;
    const auto decoded = codec::load_mono_48k(wav);
    const auto a = codec::align(speech, decoded, -4800, 4800);
    EXPECT_GE(codec::correlation_at(speech, decoded, a.lag), 0.95) << "lag " << a.lag;
    fs::remove_all(dir);
}

TEST_F(tech_test, unwritable_recording_folder_raises_the_alarm_and_listeners_keep_every_frame) {
    const auto dir = scratch_dir("unwritable");
    std::ofstream(dir / "a_file") << "not a folder";
    auto config = quick_alarms();
    config.recording.folder = (dir / "a_file" / "recordings").string();  // cannot be created, even as root
    start(config);
    auto tech = connect("/ws/tech");
    auto l = listen("fr");
    auto fr = booth("fr");
    const auto frames = make_frames(codec::speech_like(2.0, 5, 0.5f), 32000);
    fr->stream(frames, frame_interval).wait();
    EXPECT_TRUE(wait_state(*tech, [](const json& st) { return alarm_active(st, "", "recording_failing"); }))
        << "no recording alarm";
    const auto fr_number = static_cast<std::uint16_t>(2);
    EXPECT_TRUE(l->wait_for([&](auto& m) { return count_frames(m, fr_number) >= frames.size(); }))
        << "the listener lost frames: " << count_frames(l->messages(), fr_number) << " of " << frames.size();
    fs::remove_all(dir);
}

}  // namespace
}  // namespace tolk::test
