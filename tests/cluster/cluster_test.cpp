// Several tolk nodes over one NATS (issue 14): a booth on one node heard on another, listener
// counts and on-air state of the whole event on every node, one booth per channel across the
// cluster (and a dead node's claim expiring), NATS restarted under running nodes.
#include "cluster_fixture.hpp"
#include "tolk_binaries.hpp"

#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"
#include "server/config.hpp"

#include <cmath>
#include <csignal>
#include <fstream>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;
using stream = child_process::stream;
using clock = std::chrono::steady_clock;

nlohmann::json read_json(const std::string& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in, nullptr, false);
}

// The RMS of the last `seconds` of a WAV file.
double tail_rms(const std::string& file, double seconds) {
    const auto pcm = codec::load_mono_48k(file);
    const std::size_t n = std::min(pcm.size(), static_cast<std::size_t>(seconds * 48000));
    double sum = 0;
    for (std::size_t i = pcm.size() - n; i < pcm.size(); ++i)
        sum += static_cast<double>(pcm[i]) * pcm[i];
    return n ? std::sqrt(sum / static_cast<double>(n)) : 0;
}

class cluster : public cluster_fixture {
protected:
    // A listener on the booth's node ("near") and one on another node ("far"), both hearing
    // the channel, for a link outage between them.
    struct outage_pair {
        child_process* near;
        child_process* far;
    };
    outage_pair listen_both(const tolk_node& near_node, const tolk_node& far_node, const std::string& channel) {
        auto& near = spawn({bin("tolk-listen"), "--server", near_node.url(), "--channel", channel, "--output",
                            path("near.wav"), "--stats", path("near.json"), "--jb", "fixed:100"},
                           {.err = true});
        auto& far = spawn({bin("tolk-listen"), "--server", far_node.url(), "--channel", channel, "--output",
                           path("far.wav"), "--jb", "fixed:100"},
                          {.err = true});
        EXPECT_TRUE(near.wait_for_line(stream::err, "subscribed", 10s)) << near.output(stream::err);
        EXPECT_TRUE(far.wait_for_line(stream::err, "on air", 10s)) << far.output(stream::err);
        return {&near, &far};
    }
    // The link is back: the far listener hears the channel again (2 s of it); the near one
    // never missed a frame nor heard "off air".
    void expect_near_kept_all_and_far_resumed(outage_pair p) {
        ASSERT_TRUE(p.far->wait_for_line(stream::err, "on air", 20s)) << p.far->output(stream::err);
        EXPECT_FALSE(p.far->wait_for_line(stream::err, "off air", 2s).has_value());  // listeners run in real time
        p.near->signal(SIGINT);
        p.far->signal(SIGINT);
        EXPECT_EQ(p.near->wait(10s), 0);
        EXPECT_EQ(p.far->wait(10s), 0);
        EXPECT_EQ(p.near->output(stream::err).find("off air"), std::string::npos) << p.near->output(stream::err);
        const auto stats = read_json(path("near.json"));
        ASSERT_TRUE(stats.is_object());
        EXPECT_EQ(stats["frames_missing"], 0) << "the booth's own node lost audio during the outage";
        const double rms = tail_rms(path("far.wav"), 1.0);
        std::printf("[ measured ] far listener, last second after the link came back: RMS %.3f\n", rms);
        EXPECT_GT(rms, 0.05);
    }
};

TEST_F(cluster, booth_on_node_a_is_heard_on_node_b_and_both_nodes_count_every_listener) {
    start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    const std::string input = path("speech.wav");
    const auto reference = codec::speech_like(6.0, 1234, 0.5f);
    codec::write_wav(input, reference);
    const double seconds = static_cast<double>(reference.size()) / 48000.0;

    auto& far = spawn({bin("tolk-listen"), "--server", b.url(), "--channel", "en", "--output", path("b.wav"),
                       "--duration", std::to_string(seconds + 5), "--stats", path("b.json"), "--jb", "fixed:100"},
                      {.err = true});
    ASSERT_TRUE(far.wait_for_line(stream::err, "subscribed", 10s)) << far.output(stream::err);
    auto& near = spawn({bin("tolk-listen"), "--server", a.url(), "--channel", "en", "--output", path("a.wav"),
                        "--duration", std::to_string(seconds + 5)},
                       {.err = true});
    ASSERT_TRUE(near.wait_for_line(stream::err, "subscribed", 10s)) << near.output(stream::err);
    auto& booth = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "en", "--input", input, "--name",
                         "english-booth", "--bitrate", "32000", "--quiet"});

    // Every node shows the booth on air and the listeners of both nodes.
    for (const auto* node : {&a, &b})
        EXPECT_TRUE(eventually([&] {
            const auto c = channel(*node, "en");
            return c.is_object() && c["on_air"] == true && c["listeners"] == 2;
        }, 5s)) << "node on port " << node->port << ": " << channel(*node, "en").dump();
    // /api/nodes on either node lists both, each with its own listener and the booth's node
    // with its booth.
    for (const auto* node : {&a, &b})
        EXPECT_TRUE(eventually([&] {
            const auto j = nlohmann::json::parse(http_get(node->port, "/api/nodes"), nullptr, false);
            if (!j.is_object() || !j["nodes"].is_array() || j["nodes"].size() != 2)
                return false;
            std::uint32_t booths = 0, self = 0;
            for (const auto& n : j["nodes"]) {
                if (n["listeners"] != 1)
                    return false;
                booths += n["booths"].get<std::uint32_t>();
                self += n["self"] == true ? 1 : 0;
            }
            return booths == 1 && self == 1;
        }, 5s)) << http_get(node->port, "/api/nodes");
    // What the listeners report hearing (tolk-listen sends its stats every 5 s) reaches every
    // node: each node's /api/channels counts both nodes' reporting listeners.
    for (const auto* node : {&a, &b})
        EXPECT_TRUE(eventually([&] {
            const auto c = channel(*node, "en");
            return c.is_object() && c["heard"]["reporting"] == 2;
        }, 10s)) << "node on port " << node->port << ": " << channel(*node, "en").dump();

    EXPECT_EQ(booth.wait(std::chrono::milliseconds(static_cast<int>(seconds * 1000)) + 15s), 0);
    EXPECT_EQ(far.wait(std::chrono::milliseconds(static_cast<int>(seconds * 1000)) + 15s), 0);
    const auto received = codec::load_mono_48k(path("b.wav"));
    ASSERT_GT(received.size(), reference.size() / 2);
    const auto al = codec::align(reference, received, 0, 2 * 48000);
    std::printf("[ measured ] across nodes: correlation %.4f, overlap %.2f s\n", al.correlation,
                static_cast<double>(al.overlap) / 48000.0);
    EXPECT_GE(al.correlation, 0.95);
    EXPECT_GT(static_cast<double>(al.overlap), 0.9 * static_cast<double>(reference.size()));
    const auto stats = read_json(path("b.json"));
    ASSERT_TRUE(stats.is_object());
    EXPECT_GE(stats["frames_received"].get<double>(), seconds * 50 - 10);
}

TEST_F(cluster, second_booth_is_refused_across_nodes_and_takes_over_when_the_holder_node_dies) {
    start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    auto& first = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "fr", "--input", "tone:440", "--loop",
                         "--name", "booth-1"},
                        {.err = true});
    ASSERT_TRUE(first.wait_for_line(stream::err, "on air", 10s)) << first.output(stream::err);
    EXPECT_TRUE(eventually([&] { return channel(b, "fr")["on_air"] == true; }, 5s));

    auto& second = spawn({bin("tolk-booth"), "--server", b.url(), "--channel", "fr", "--input", "tone:880", "--loop",
                          "--name", "booth-2"},
                         {.err = true});
    ASSERT_TRUE(second.wait_for_line(stream::err, "held by another booth", 10s)) << second.output(stream::err);

    a.process->signal(SIGKILL);  // no goodbye: its claim must expire by itself
    ASSERT_TRUE(a.process->wait(5s).has_value());
    const auto killed = clock::now();
    ASSERT_TRUE(second.wait_for_line(stream::err, "): on air, session", 15s)) << second.output(stream::err);
    const double took = std::chrono::duration<double>(clock::now() - killed).count();
    std::printf("[ measured ] booth on node b on air %.2f s after node a was killed\n", took);
    EXPECT_LT(took, 10.0);  // the claim's TTL (3 s) plus the booth's retry backoff
    EXPECT_TRUE(eventually([&] { return channel(b, "fr")["on_air"] == true; }, 5s));
}

TEST_F(cluster, the_same_booth_reconnecting_through_another_node_takes_its_channel_over) {
    start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    auto& before = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "en", "--input", "tone:440", "--loop",
                          "--name", "english-1"},
                         {.err = true});
    ASSERT_TRUE(before.wait_for_line(stream::err, "): on air, session", 10s)) << before.output(stream::err);
    EXPECT_TRUE(eventually([&] { return channel(b, "en")["on_air"] == true; }, 5s));
    // Another booth is refused; the same booth (its name on the demo event) takes over.
    auto& other = spawn({bin("tolk-booth"), "--server", b.url(), "--channel", "en", "--input", "tone:880", "--loop",
                         "--name", "english-2"},
                        {.err = true});
    ASSERT_TRUE(other.wait_for_line(stream::err, "held by another booth", 10s)) << other.output(stream::err);
    other.signal(SIGTERM);
    other.wait(5s);
    auto& after = spawn({bin("tolk-booth"), "--server", b.url(), "--channel", "en", "--input", "tone:440", "--loop",
                         "--name", "english-1"},
                        {.err = true});
    ASSERT_TRUE(after.wait_for_line(stream::err, "): on air, session", 10s)) << after.output(stream::err);
    // Node a closes its stale session (close_code::replaced): that booth stops by itself.
    ASSERT_TRUE(before.wait_for_line(stream::err, "took over", 10s)) << before.output(stream::err);
    EXPECT_EQ(before.wait(5s), 2);
    EXPECT_TRUE(eventually([&] { return channel(a, "en")["on_air"] == true && channel(b, "en")["on_air"] == true; }, 5s));
}

TEST_F(cluster, nats_restarted_under_running_nodes_local_audio_never_stops_and_cross_node_resumes) {
    const auto port = start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    auto& booth = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "es", "--input", "tone:440", "--loop"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "on air", 10s)) << booth.output(stream::err);
    const auto listeners = listen_both(a, b, "es");
    ASSERT_FALSE(HasFailure());

    stop_nats(SIGKILL);
    // Node b no longer hears node a: its listener is told the channel went off air (no hang).
    ASSERT_TRUE(listeners.far->wait_for_line(stream::err, "off air", 10s)) << listeners.far->output(stream::err);
    start_nats(port);
    expect_near_kept_all_and_far_resumed(listeners);
}

TEST_F(cluster, venue_leaf_keeps_the_hall_hearing_through_an_uplink_cut_and_the_cloud_resumes_by_itself) {
    auto cloud = start_cloud();
    std::string cloud_urls;
    for (const auto& s : cloud)
        cloud_urls += (cloud_urls.empty() ? "" : ",") + std::string("nats://127.0.0.1:") + std::to_string(s.port);
    const auto leaf = start_venue_leaf(cloud[0].leaf_port);
    auto& venue = start_node_at("nats://127.0.0.1:" + std::to_string(leaf), "venue", {"--log-level", "warn"});
    auto& remote = start_node_at(cloud_urls, "cloud-1", {"--log-level", "warn"});

    auto& booth = spawn({bin("tolk-booth"), "--server", venue.url(), "--channel", "fr", "--input", "tone:440", "--loop"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "): on air, session", 10s)) << booth.output(stream::err);
    const auto listeners = listen_both(venue, remote, "fr");
    ASSERT_FALSE(HasFailure());

    // The uplink goes: the cloud server the venue's leaf dials stops (the cloud node moves to
    // another cloud server by itself).
    auto& dialled = cloud[0];
    dialled.process->signal(SIGTERM);
    ASSERT_TRUE(dialled.process->wait(10s).has_value());
    ASSERT_TRUE(listeners.far->wait_for_line(stream::err, "off air", 10s)) << listeners.far->output(stream::err);
    restart_cloud_server(dialled, cloud, 0);
    expect_near_kept_all_and_far_resumed(listeners);
}

TEST(cluster_deploy, the_multi_node_event_file_loads_with_its_cluster_table) {
    const auto c = server::load_config(std::string(TOLK_DEPLOY_DIR) + "/event.cluster.toml");
    EXPECT_FALSE(c.cluster.nats_url.empty());
    EXPECT_GE(c.channels.size(), 2u);
}

}  // namespace
}  // namespace tolk::test
