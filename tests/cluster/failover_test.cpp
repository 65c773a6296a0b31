// Listeners spread over nodes and failed over (issue 14): a node suggests the least-loaded node
// on /api/nodes and tolk-listen starts there; when its node is killed (SIGKILL, no goodbye), it
// moves to another node by itself and hears the channel again within 2 s (read from the WAV it
// recorded: the time from the kill to the tone coming back).
#include "cluster_fixture.hpp"
#include "tolk_binaries.hpp"

#include "codec/wav_file.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;
using stream = child_process::stream;
using clock = std::chrono::steady_clock;

nlohmann::json nodes_of(const tolk_node& node) {
    return nlohmann::json::parse(http_get(node.port, "/api/nodes"), nullptr, false);
}

// This node's own listener count on its /api/nodes; -1 when it does not answer.
int own_listeners(const tolk_node& node) {
    const auto j = nodes_of(node);
    if (!j.is_object() || !j["nodes"].is_array())
        return -1;
    for (const auto& n : j["nodes"])
        if (n["self"] == true)
            return n["listeners"].get<int>();
    return -1;
}

std::string http_url(const tolk_node& node) { return "http://127.0.0.1:" + std::to_string(node.port); }

// RMS of 20 ms blocks of a WAV file.
std::vector<double> block_rms(const std::string& file) {
    const auto pcm = codec::load_mono_48k(file);
    std::vector<double> out;
    for (std::size_t at = 0; at + 960 <= pcm.size(); at += 960) {
        double sum = 0;
        for (std::size_t i = at; i < at + 960; ++i)
            sum += static_cast<double>(pcm[i]) * pcm[i];
        out.push_back(std::sqrt(sum / 960.0));
    }
    return out;
}

// Seconds from `kill_s` (a position in the recording) until the tone is back for 0.5 s
// without a break, after the gap the kill left (none if the listener never fell silent);
// -1 if it never comes back.
double resumed_after(const std::vector<double>& rms, double kill_s, double level) {
    const std::size_t kill = static_cast<std::size_t>(std::max(0.0, kill_s) / 0.02);
    std::size_t at = kill;
    while (at < rms.size() && at < kill + 50 && rms[at] > 0.3 * level)
        ++at;  // what was in the playout buffer at the kill
    for (; at + 25 <= rms.size(); ++at) {
        bool steady = true;
        for (std::size_t i = at; i < at + 25 && steady; ++i)
            steady = rms[i] > 0.5 * level;
        if (steady)
            return at <= kill + 1 ? 0.0 : static_cast<double>(at - kill) * 0.02;
    }
    return -1;
}

class cluster_failover : public cluster_fixture {};

TEST_F(cluster_failover, listeners_go_where_suggested_and_move_to_another_node_within_2s_when_theirs_is_killed) {
    start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    auto& booth = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "en", "--input", "tone:440", "--loop"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "): on air, session", 10s)) << booth.output(stream::err);

    // One listener on node a; node a then suggests node b (fewer listeners), and a listener
    // given node a's address goes to node b by itself.
    auto& first = spawn({bin("tolk-listen"), "--server", a.url(), "--channel", "en", "--output", path("first.wav"),
                         "--stay"},
                        {.err = true});
    ASSERT_TRUE(first.wait_for_line(stream::err, "subscribed", 10s)) << first.output(stream::err);
    ASSERT_TRUE(eventually([&] {
        const auto j = nodes_of(a);
        return j.is_object() && j["nodes"].size() == 2 && j["suggested"] == http_url(b);
    }, 5s)) << nodes_of(a).dump();
    std::vector<child_process*> movers;
    for (int i = 0; i < 2; ++i) {
        const auto name = "mover" + std::to_string(i);
        movers.push_back(&spawn({bin("tolk-listen"), "--server", i == 0 ? a.url() : b.url(), "--channel", "en",
                                 "--output", path(name + ".wav"), "--stats", path(name + ".json"), "--jb",
                                 "fixed:100"},
                                {.err = true}));
        ASSERT_TRUE(movers.back()->wait_for_line(stream::err, "subscribed, on air", 10s))
            << movers.back()->output(stream::err);
        if (i == 0) {  // node b has it; with one listener on each node, node b suggests itself
            ASSERT_TRUE(eventually([&] {
                return own_listeners(b) == 1 && nodes_of(b)["suggested"] == http_url(b) &&
                       nodes_of(b)["nodes"].size() == 2;
            }, 5s)) << nodes_of(b).dump();
        }
    }
    ASSERT_TRUE(eventually([&] { return own_listeners(b) == 2 && own_listeners(a) == 1; }, 5s))
        << nodes_of(a).dump() << "\n" << nodes_of(b).dump();

    // A second of tone on node b before it goes.
    EXPECT_FALSE(movers[1]->wait_for_line(stream::err, "lost", 1s).has_value()) << movers[1]->output(stream::err);
    b.process->signal(SIGKILL);
    ASSERT_TRUE(b.process->wait(5s).has_value());
    const auto killed = clock::now();
    for (auto* m : movers)
        ASSERT_TRUE(m->wait_for_line(stream::err, "subscribed, on air", 10s)) << m->output(stream::err);
    EXPECT_TRUE(eventually([&] { return own_listeners(a) == 3; }, 5s)) << nodes_of(a).dump();
    // Record on for a while (no new loss expected meanwhile), then stop both listeners.
    EXPECT_FALSE(movers[0]->wait_for_line(stream::err, "lost", 2500ms).has_value()) << movers[0]->output(stream::err);
    for (auto* m : movers)
        m->signal(SIGINT);
    const double kill_to_stop = std::chrono::duration<double>(clock::now() - killed).count();
    for (int i = 0; i < 2; ++i) {
        auto* m = movers[static_cast<std::size_t>(i)];
        ASSERT_EQ(m->wait(10s), 0) << m->output(stream::err);
        const auto name = "mover" + std::to_string(i);
        std::ifstream in(path(name + ".json"));
        const auto stats = nlohmann::json::parse(in, nullptr, false);
        ASSERT_TRUE(stats.is_object());
        EXPECT_EQ(stats["server"], "127.0.0.1:" + std::to_string(a.port)) << "ended on node a";
        EXPECT_GE(stats["node_switches"].get<int>(), 1);
        const auto rms = block_rms(path(name + ".wav"));
        ASSERT_GT(rms.size(), 100u);
        const double kill_s = static_cast<double>(rms.size()) * 0.02 - kill_to_stop;
        const auto kill_block = static_cast<std::size_t>(std::max(0.0, kill_s) / 0.02);
        ASSERT_GT(kill_block, 40u);
        std::vector<double> before(rms.begin() + static_cast<long>(kill_block) - 35, rms.begin() + static_cast<long>(kill_block) - 5);
        std::nth_element(before.begin(), before.begin() + 15, before.end());
        const double level = before[15];  // the tone in the half second before the kill
        ASSERT_GT(level, 0.05) << "no tone heard before the kill";
        const double took = resumed_after(rms, kill_s, level);
        std::printf("[ measured ] %s: tone back %.2f s after node b was killed\n", name.c_str(), took);
        EXPECT_GE(took, 0.0) << "the tone never came back";
        EXPECT_LT(took, 2.0);
    }
}

}  // namespace
}  // namespace tolk::test
