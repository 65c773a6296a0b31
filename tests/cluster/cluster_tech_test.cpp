// The technician view of a node without the booth (issue 14): the booth's name and address, its
// link figures, levels and alarms as the booth's node measures them, marked as that node's; each
// node's listeners labelled by node; all of it gone once the booth's node is.
#include "cluster_fixture.hpp"
#include "tolk_binaries.hpp"

#include "codec/wav_file.hpp"

#include <csignal>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;
using stream = child_process::stream;
using json = nlohmann::json;

// /api/tech of a node: the channel `id`'s entry (null if absent), and the whole answer.
std::pair<json, json> tech_channel(const tolk_node& node, const std::string& id) {
    const auto st = json::parse(http_get(node.port, "/api/tech"), nullptr, false);
    if (st.is_object() && st["channels"].is_array())
        for (const auto& c : st["channels"])
            if (c["id"] == id)
                return {c, st};
    return {json(), st};
}

bool has_alarm(const json& c, const std::string& kind) {
    if (!c["alarms"].is_array())
        return false;
    for (const auto& a : c["alarms"])
        if (a == kind)
            return true;
    return false;
}

class cluster_tech : public cluster_fixture {};

TEST_F(cluster_tech, node_without_the_booth_shows_its_name_link_levels_and_alarms_as_the_booths_node_measures_them) {
    start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    // A 200 Hz square wave at full scale: loud, and Opus overshoots its edges, so the booth's
    // node counts clipped samples and raises its clipping alarm.
    std::vector<float> square(4 * 48000);
    for (std::size_t i = 0; i < square.size(); ++i)
        square[i] = (i / 120) % 2 ? 1.0f : -1.0f;
    codec::write_wav(path("square.wav"), square);
    auto& booth = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "en", "--input", path("square.wav"),
                         "--loop", "--name", "english-booth"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "): on air, session", 10s)) << booth.output(stream::err);
    for (const auto* node : {&a, &b}) {  // one listener on each node, reporting what it hears
        auto& l = spawn({bin("tolk-listen"), "--server", node->url(), "--channel", "en", "--output",
                         path(std::to_string(node->port) + ".wav"), "--stay"},
                        {.err = true});
        ASSERT_TRUE(l.wait_for_line(stream::err, "subscribed", 10s)) << l.output(stream::err);
    }

    // The booth's own node sees it all.
    json near;
    ASSERT_TRUE(eventually([&] {
        near = tech_channel(a, "en").first;
        return near.is_object() && near["booth_name"] == "english-booth" && has_alarm(near, "clipping");
    }, 15s)) << near.dump();
    EXPECT_TRUE(near["figures_from"].is_null());
    EXPECT_FALSE(near["booth_address"].get<std::string>().empty());

    // Node b, which has no booth: the same booth, link, levels and alarm, from node a.
    json far, whole;
    ASSERT_TRUE(eventually([&] {
        std::tie(far, whole) = tech_channel(b, "en");
        return far.is_object() && far["figures_from"] == "a" && far["booth_name"] == "english-booth" &&
               far["link"]["frames"].get<double>() > 50 && far["audio"]["rms_dbfs"].get<double>() > -12 &&
               far["audio"]["bitrate_bps"].get<double>() > 0 && has_alarm(far, "clipping") &&
               far["heard_elsewhere"].size() == 1 && far["heard"]["reporting"] == 1;
    }, 20s)) << "node b: " << far.dump();
    EXPECT_EQ(whole["node"], "b");
    EXPECT_EQ(far["on_air"], true);
    EXPECT_EQ(far["booth_address"], near["booth_address"]);
    EXPECT_GE(far["audio"]["clipped_samples"].get<double>(), 1);
    EXPECT_LT(far["figures_age_ms"].get<double>(), 5000);
    // Listeners: each node's own, labelled by node, not merged.
    EXPECT_EQ(far["heard"]["node"], "b");
    EXPECT_EQ(far["heard_elsewhere"][0]["node"], "a");
    EXPECT_EQ(far["heard_elsewhere"][0]["reporting"], 1);
    // Figures node a measured: never ahead of what node a shows afterwards.
    const auto later = tech_channel(a, "en").first;
    EXPECT_LE(far["link"]["frames"].get<double>(), later["link"]["frames"].get<double>());

    // Node a dies: its status expires (three intervals) and node b stops showing its figures.
    a.process->signal(SIGKILL);
    ASSERT_TRUE(a.process->wait(5s).has_value());
    EXPECT_TRUE(eventually([&] {
        far = tech_channel(b, "en").first;
        return far.is_object() && far["figures_from"].is_null() && far["booth_name"] == "" &&
               far["heard_elsewhere"].empty() && far["alarms"].empty();
    }, 8s)) << "node b after node a died: " << far.dump();
}

}  // namespace
}  // namespace tolk::test
