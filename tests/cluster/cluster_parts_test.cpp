// The cluster's pure parts: the [cluster] table, node status on the wire, the node board.
#include "server/cluster/nats_bus.hpp"
#include "server/cluster/node_board.hpp"
#include "server/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tolk::cluster {
namespace {

using namespace std::chrono_literals;

std::filesystem::path write_event(const std::string& cluster_table) {
    const auto file = std::filesystem::temp_directory_path() / ("tolk-cluster-parts-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file) << "[event]\nname = \"x\"\n" << cluster_table << "\n[[channels]]\nid = \"en\"\nlanguage = \"en\"\nlabel = \"English\"\n";
    return file;
}

TEST(cluster_config, the_cluster_table_is_read_and_checked) {
    const auto ok = write_event("[cluster]\nnats_url = \"nats://h:4222\"\nnode = \"n1\"\nclaim_ttl_ms = 4000\n");
    const auto c = server::load_config(ok);
    EXPECT_EQ(c.cluster.nats_url, "nats://h:4222");
    EXPECT_EQ(c.cluster.node, "n1");
    EXPECT_EQ(c.cluster.claim_ttl_ms, 4000);
    EXPECT_THROW(server::load_config(write_event("[cluster]\nclaim_ttl_ms = 10\n")), server::config_error);
    EXPECT_THROW(server::load_config(write_event("[cluster]\nstatus_interval_ms = 2000\n")), server::config_error)
        << "a status interval over half the claim TTL would let remote booths flap off air";
    EXPECT_THROW(server::load_config(write_event("[cluster]\nnats = \"x\"\n")), server::config_error) << "unknown key";
    std::filesystem::remove(ok);
    EXPECT_TRUE(server::demo_config().cluster.nats_url.empty()) << "no NATS unless asked for";
}

TEST(node_status, round_trips_and_refuses_what_is_not_one) {
    const node_status s{"cloud-1", "abc", {{"en", true, 12, "English booth", "jti:1"}, {"fr", false, 3, "", ""}},
                        "https://cloud-1.example.org"};
    const auto back = parse_node_status(serialize(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->node, "cloud-1");
    EXPECT_EQ(back->public_url, "https://cloud-1.example.org");
    ASSERT_EQ(back->channels.size(), 2u);
    EXPECT_TRUE(back->channels[0].on_air);
    EXPECT_EQ(back->channels[0].listeners, 12u);
    EXPECT_EQ(back->channels[0].identity, "jti:1");
    for (const char* bad : {"", "[]", "{\"channels\":[]}", "{\"instance\":\"a\",\"channels\":[{\"listeners\":\"x\"}]}", "{"})
        EXPECT_FALSE(parse_node_status(bad)) << bad;
}

TEST(node_status, carries_what_the_nodes_listeners_hear_and_drops_figures_out_of_range) {
    node_status s{"cloud-1", "abc", {{"en", true, 12, "English booth", "jti:1", {3, 80.5, 120.25, 0.02, 4}}}, ""};
    const auto back = parse_node_status(serialize(s));
    ASSERT_TRUE(back);
    const auto& h = back->channels.at(0).heard;
    EXPECT_EQ(h.reporting, 3u);
    EXPECT_DOUBLE_EQ(h.delay_ms_median, 80.5);
    EXPECT_DOUBLE_EQ(h.latency_ms_median, 120.25);
    EXPECT_DOUBLE_EQ(h.concealed_ratio_mean, 0.02);
    EXPECT_EQ(h.interruptions, 4u);
    // A node's figures from the network: a concealed share above 1, or a negative delay, is not
    // believed (the channel shows that node's listeners as not reporting).
    for (const char* heard : {R"({"reporting":2,"concealed_ratio_mean":7})", R"({"reporting":2,"delay_ms_median":-5})",
                              R"({"reporting":2,"latency_ms_median":1e300})"}) {
        const auto bad = parse_node_status(std::string(R"({"instance":"x","channels":[{"id":"en","heard":)") + heard + "}]}");
        ASSERT_TRUE(bad) << heard;
        EXPECT_EQ(bad->channels.at(0).heard.reporting, 0u) << heard;
    }
    node_board board;
    board.update(s, node_board::clock::now());
    ASSERT_EQ(board.heard("en").size(), 1u);
    EXPECT_TRUE(board.heard("fr").empty());
}

TEST(node_board, sums_other_nodes_and_forgets_quiet_ones) {
    node_board board;
    const auto t0 = node_board::clock::now();
    EXPECT_TRUE(board.update({"a", "1", {{"en", true, 5, "booth", "id"}}, ""}, t0));
    EXPECT_TRUE(board.update({"b", "2", {{"en", false, 7, "", ""}}, ""}, t0));
    EXPECT_FALSE(board.update({"b", "2", {{"en", false, 8, "", ""}}, ""}, t0 + 1s)) << "counts alone change no on-air state";
    EXPECT_EQ(board.listeners("en"), 13u);
    ASSERT_TRUE(board.on_air("en"));
    EXPECT_EQ(board.on_air("en")->node, "a");
    EXPECT_FALSE(board.on_air("fr"));
    EXPECT_TRUE(board.forget_older(t0 + 2500ms, 2s));  // node a went quiet
    EXPECT_FALSE(board.on_air("en"));
    EXPECT_EQ(board.listeners("en"), 8u);
}

TEST(event_slug, makes_subject_tokens_and_bucket_names) {
    EXPECT_EQ(event_slug("Committee on Fisheries — 26 November"), "committee_on_fisheries_26_november");
    EXPECT_EQ(event_slug("***"), "event");
    EXPECT_EQ(event_slug(std::string(200, 'a')).size(), 48u);
    EXPECT_NE(proxy_booth(0), 0u);
}

}  // namespace
}  // namespace tolk::cluster
