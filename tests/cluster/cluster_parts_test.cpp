// The cluster's pure parts: the [cluster] table, node status on the wire, the node board.
#include "server/cluster/figures_wire.hpp"
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
    const node_status s{"cloud-1", "abc", {{"en", true, 12, "English booth", "jti:1", {}, {}}, {"fr", false, 3, "", "", {}, {}}},
                        "https://cloud-1.example.org", 0};
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
    node_status s{"cloud-1", "abc", {{"en", true, 12, "English booth", "jti:1", {3, 80.5, 120.25, 0.02, 4}, {}}}, "", 0};
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
    EXPECT_TRUE(board.update({"a", "1", {{"en", true, 5, "booth", "id", {}, {}}}, "", 0}, t0));
    EXPECT_TRUE(board.update({"b", "2", {{"en", false, 7, "", "", {}, {}}}, "", 0}, t0));
    EXPECT_FALSE(board.update({"b", "2", {{"en", false, 8, "", "", {}, {}}}, "", 0}, t0 + 1s)) << "counts alone change no on-air state";
    EXPECT_EQ(board.listeners("en"), 13u);
    ASSERT_TRUE(board.on_air("en"));
    EXPECT_EQ(board.on_air("en")->node, "a");
    EXPECT_FALSE(board.on_air("fr"));
    EXPECT_TRUE(board.forget_older(t0 + 2500ms, 2s));  // node a went quiet
    EXPECT_FALSE(board.on_air("en"));
    EXPECT_EQ(board.listeners("en"), 8u);
}

server::channel_figures booth_channel() {
    server::booth_figures b;
    b.name = "English booth";
    b.address = "192.0.2.7";
    b.audio.peak_dbfs = -3.25;
    b.audio.rms_dbfs = -18.5;
    b.audio.short_term_lufs = -23.125;
    b.audio.integrated_lufs = -22.0;
    b.audio.clipped_samples = 60;
    b.clipped_samples_total = 75;
    b.audio.bandwidth_hz = 15500;
    b.audio.silence_seconds = 0.5;
    b.audio.bitrate_bps = 32000;
    b.audio.audio_seconds = 12.5;
    b.link = {4.75, 600, 3, 2, 1, 1};
    b.alarms = {monitor::alarm_kind::clipping, monitor::alarm_kind::link_gaps};
    monitor::listener_summary h;
    h.reporting = 4;
    h.delay_ms_p50 = 90;
    h.delay_ms_p95 = 140;
    h.latency_ms_p50 = 150;
    h.latency_ms_p95 = 210.5;
    h.concealed_share = 0.25;
    h.concealing = 1;
    h.interruptions = 7;
    return {b, h};
}

TEST(node_status, carries_the_booths_technician_figures_and_its_listeners_percentiles) {
    node_status s{"a", "1", {{"en", true, 4, "English booth", "jti:1", {}, booth_channel()}}, "", 0};
    const auto text = serialize(s);
    EXPECT_LT(text.size(), 1100u) << "one channel's status stays compact: " << text;
    const auto back = parse_node_status(text);
    ASSERT_TRUE(back);
    const auto& t = back->channels.at(0).tech;
    ASSERT_TRUE(t.booth) << text;
    EXPECT_EQ(t.booth->name, "English booth");
    EXPECT_EQ(t.booth->address, "192.0.2.7");
    EXPECT_DOUBLE_EQ(t.booth->audio.peak_dbfs, -3.25);
    EXPECT_DOUBLE_EQ(t.booth->audio.rms_dbfs, -18.5);
    EXPECT_FALSE(t.booth->audio.momentary_lufs);
    EXPECT_DOUBLE_EQ(t.booth->audio.short_term_lufs.value_or(0), -23.13) << "two decimals on the wire";
    EXPECT_EQ(t.booth->audio.clipped_samples, 60u);
    EXPECT_EQ(t.booth->clipped_samples_total, 75u);
    EXPECT_DOUBLE_EQ(t.booth->audio.bitrate_bps, 32000);
    EXPECT_DOUBLE_EQ(t.booth->link.jitter_ms, 4.75);
    EXPECT_EQ(t.booth->link.frames, 600u);
    EXPECT_EQ(t.booth->link.frames_missing, 3u);
    EXPECT_EQ(t.booth->link.gaps, 2u);
    EXPECT_EQ(t.booth->link.reconnects, 1u);
    ASSERT_EQ(t.booth->alarms.size(), 2u);
    EXPECT_EQ(t.booth->alarms[0], monitor::alarm_kind::clipping);
    EXPECT_EQ(t.booth->alarms[1], monitor::alarm_kind::link_gaps);
    ASSERT_TRUE(t.heard);
    EXPECT_EQ(t.heard->reporting, 4u);
    EXPECT_DOUBLE_EQ(t.heard->delay_ms_p95.value_or(0), 140);
    EXPECT_DOUBLE_EQ(t.heard->latency_ms_p95.value_or(0), 210.5);
    EXPECT_EQ(t.heard->interruptions, 7u);
    // Nothing to say: no "tech" on the wire at all.
    EXPECT_EQ(serialize({"a", "1", {{"fr", false, 0, "", "", {}, {}}}, "", 0}).find("tech"), std::string::npos);
}

// The status of node "x" with the channel's "tech" block as given.
std::string status_with_tech(const nlohmann::json& tech) {
    nlohmann::json channel = nlohmann::json::object();
    channel["id"] = "en";
    channel["on_air"] = true;
    channel["tech"] = tech;
    nlohmann::json status = nlohmann::json::object();
    status["node"] = "x";
    status["instance"] = "x1";
    status["channels"] = nlohmann::json::array({channel});
    return status.dump();
}

TEST(node_status, technician_figures_out_of_range_from_another_node_are_not_believed) {
    const auto good = figures_to_json(booth_channel());
    {
        const auto back = parse_node_status(status_with_tech(good));
        ASSERT_TRUE(back && back->channels.at(0).tech.booth && back->channels.at(0).tech.heard);
        EXPECT_EQ(back->refused, 0u);
    }
    const std::vector<std::pair<const char*, nlohmann::json>> bad_booth{
        {"rms", 99.0}, {"peak", -1e9}, {"lufs_s", 500.0}, {"jitter_ms", -1.0}, {"jitter_ms", 1e12},
        {"bw_hz", 96000.0}, {"bps", -5.0}, {"silence_s", 1e300}, {"frames", -3}, {"frames", 1.5},
        {"missing", "many"}, {"gaps", 9}, /* more gaps than frames missing */ {"clip_total", 1},
        {"name", std::string(300, 'n')}, {"addr", 17}, {"alarms", nlohmann::json::array({"fire"})},
        {"alarms", nlohmann::json(std::vector<std::string>(9, "silence"))},
        {"narrow", "yes"}, {"rms", nullptr}};
    for (const auto& [key, value] : bad_booth) {
        auto tech = good;
        tech["booth"][key] = value;
        const auto back = parse_node_status(status_with_tech(tech));
        ASSERT_TRUE(back) << key << " " << value.dump() << ": the rest of the status stands";
        EXPECT_FALSE(back->channels.at(0).tech.booth) << key << " = " << value.dump();
        EXPECT_EQ(back->refused, 1u) << key << ": counted";
        EXPECT_TRUE(back->channels.at(0).tech.heard) << key << ": the listeners' part stands";
    }
    {
        auto tech = good;
        tech["booth"].erase("frames");
        EXPECT_FALSE(parse_node_status(status_with_tech(tech))->channels.at(0).tech.booth) << "a figure missing";
    }
    const std::vector<std::pair<const char*, nlohmann::json>> bad_heard{
        {"n", 0}, {"n", 5'000'000}, {"delay_p50", -1.0}, {"delay_p95", 1e6}, {"lat_p50", 300.0} /* above p95 */,
        {"delay_p95", nullptr} /* p50 without p95 */, {"conc_share", 1.5}, {"concealing", 9} /* above n */,
        {"interruptions", -1}};
    for (const auto& [key, value] : bad_heard) {
        auto tech = good;
        tech["heard"][key] = value;
        const auto back = parse_node_status(status_with_tech(tech));
        ASSERT_TRUE(back) << key;
        EXPECT_FALSE(back->channels.at(0).tech.heard) << key << " = " << value.dump();
        EXPECT_EQ(back->refused, 1u) << key << ": counted";
        EXPECT_TRUE(back->channels.at(0).tech.booth) << key;
    }
    for (const nlohmann::json& tech : {nlohmann::json(3), nlohmann::json("x"), nlohmann::json::array(),
                                      nlohmann::json{{"booth", 1}, {"heard", "x"}}}) {
        const auto back = parse_node_status(status_with_tech(tech));
        ASSERT_TRUE(back) << tech.dump();
        EXPECT_TRUE(back->channels.at(0).tech.empty()) << tech.dump();
    }
}

TEST(node_board, gives_each_nodes_figures_and_forgets_them_with_the_node) {
    node_board board;
    const auto t0 = node_board::clock::now();
    auto figures = booth_channel();
    board.update({"a", "1", {{"en", true, 4, "English booth", "id", {}, figures}}, "", 0}, t0);
    // A node that does not hold the channel: its listeners count, a booth figure it claims does not.
    board.update({"b", "2", {{"en", false, 2, "", "", {}, figures}}, "", 0}, t0 + 500ms);
    const auto seen = board.figures("en", t0 + 1s);
    ASSERT_EQ(seen.size(), 2u);
    const auto& a = seen[0].node == "a" ? seen[0] : seen[1];
    const auto& b = seen[0].node == "a" ? seen[1] : seen[0];
    EXPECT_TRUE(a.figures.booth);
    EXPECT_EQ(a.age, 1000ms);
    EXPECT_FALSE(b.figures.booth) << "a booth's figures count only from the node that holds the channel";
    EXPECT_TRUE(b.figures.heard);
    EXPECT_TRUE(board.figures("fr", t0 + 1s).empty());
    board.forget_older(t0 + 2200ms, 2s);  // node a's status expired: its figures go with it
    const auto after = board.figures("en", t0 + 2200ms);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].node, "b");
}

TEST(event_slug, makes_subject_tokens_and_bucket_names) {
    EXPECT_EQ(event_slug("Committee on Fisheries — 26 November"), "committee_on_fisheries_26_november");
    EXPECT_EQ(event_slug("***"), "event");
    EXPECT_EQ(event_slug(std::string(200, 'a')).size(), 48u);
    EXPECT_NE(proxy_booth(0), 0u);
}

}  // namespace
}  // namespace tolk::cluster
