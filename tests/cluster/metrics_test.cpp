// The whole event on every node's /metrics and technician view (issue 14): per-node series
// labelled `node` (the same on every node), this node's own share without it, accepted by
// promtool; /api/tech on a node without the booth shows it on air and every node's listeners.
#include "cluster_fixture.hpp"
#include "tolk_binaries.hpp"

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <fstream>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;
using stream = child_process::stream;

bool has(const std::string& body, const std::string& line) { return body.find(line + "\n") != std::string::npos; }

class cluster_metrics : public cluster_fixture {
protected:
    // promtool check metrics on `body`: its exit status and output.
    std::pair<int, std::string> promtool(const std::string& body, const std::string& name) {
        std::ofstream(path(name + ".txt")) << body;
        const auto cmd = "promtool check metrics < " + path(name + ".txt") + " > " + path(name + ".out") + " 2>&1";
        const int rc = std::system(cmd.c_str());
        std::ifstream in(path(name + ".out"));
        return {rc, std::string(std::istreambuf_iterator<char>(in), {})};
    }
};

TEST_F(cluster_metrics, every_node_shows_the_whole_event_by_node_and_its_own_share_and_promtool_accepts_it) {
    ASSERT_TRUE(on_path("promtool")) << "promtool is missing (Debian package prometheus: ./tolk deps)";
    start_nats();
    auto& a = start_node("a", {"--log-level", "warn"});
    auto& b = start_node("b", {"--log-level", "warn"});
    auto& booth = spawn({bin("tolk-booth"), "--server", a.url(), "--channel", "en", "--input", "tone:440", "--loop"},
                        {.err = true});
    ASSERT_TRUE(booth.wait_for_line(stream::err, "): on air, session", 10s)) << booth.output(stream::err);
    const std::vector<std::pair<const tolk_node*, std::string>> where{{&a, "a1"}, {&b, "b1"}, {&b, "b2"}};
    for (const auto& [node, name] : where) {
        auto& l = spawn({bin("tolk-listen"), "--server", node->url(), "--channel", "en", "--output", path(name + ".wav"),
                         "--stay"},
                        {.err = true});
        ASSERT_TRUE(l.wait_for_line(stream::err, "subscribed", 10s)) << l.output(stream::err);
    }

    for (const auto* node : {&a, &b}) {
        const std::string own = node == &a ? "1" : "2";
        std::string body;
        EXPECT_TRUE(eventually([&] {
            body = http_get(node->port, "/metrics");
            return has(body, "tolk_cluster_nodes 2") &&
                   has(body, "tolk_cluster_listeners{node=\"a\",channel=\"en\"} 1") &&
                   has(body, "tolk_cluster_listeners{node=\"b\",channel=\"en\"} 2") &&
                   has(body, "tolk_cluster_booth_connected{node=\"a\",channel=\"en\"} 1") &&
                   has(body, "tolk_cluster_booth_connected{node=\"b\",channel=\"en\"} 0") &&
                   has(body, "tolk_channel_on_air{channel=\"en\"} 1") &&
                   has(body, "tolk_channel_listeners{channel=\"en\"} " + own);
        }, 5s)) << "node on port " << node->port << ":\n" << body;
        const auto [rc, out] = promtool(body, "metrics-" + std::to_string(node->port));
        EXPECT_EQ(rc, 0) << out;
    }

    // Node b hears node a's booth through NATS: its counters say so, and that it refused nothing.
    EXPECT_TRUE(eventually([&] {
        const auto body = http_get(b.port, "/metrics");
        const auto at = body.find("\ntolk_cluster_frames_received_total ");
        return at != std::string::npos && std::stoull(body.substr(at + 36)) > 50 &&
               has(body, "tolk_cluster_frames_bad_total 0") && has(body, "tolk_cluster_figures_refused_total 0");
    }, 5s)) << http_get(b.port, "/metrics");

    // The technician view of node b: the booth of node a on air, the listeners of both nodes.
    EXPECT_TRUE(eventually([&] {
        const auto st = nlohmann::json::parse(http_get(b.port, "/api/tech"), nullptr, false);
        if (!st.is_object() || !st["channels"].is_array())
            return false;
        for (const auto& c : st["channels"])
            if (c["id"] == "en")
                return c["on_air"] == true && c["listeners"] == 3;
        return false;
    }, 5s)) << http_get(b.port, "/api/tech");
}

}  // namespace
}  // namespace tolk::test
