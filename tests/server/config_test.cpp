#include "server/config.hpp"
#include "server/query.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace tolk::server {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / ("tolk_config_test_" + name + ".toml");
    std::ofstream(path) << text;
    return path;
}

std::string load_error(const std::string& name, const std::string& text) {
    try {
        load_config(write_file(name, text));
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

TEST(config, demo_event_has_floor_and_three_languages) {
    auto c = demo_config();
    ASSERT_EQ(c.channels.size(), 4u);
    EXPECT_EQ(c.channels[0].id, "floor");
    EXPECT_EQ(c.channels[2].label, "Français");
    EXPECT_NO_THROW(validate(c));
}

TEST(config, loads_a_full_file) {
    auto c = load_config(write_file("full", R"(
[event]
name = "Committee on Fisheries"
[server]
listen = "127.0.0.1:9000"
io_threads = 2
[audio]
bitrate = 24000
listener_queue_ms = 300
[limits]
max_connections = 100
stall_timeout_ms = 2000
[[channels]]
id = "floor"
label = "Floor"
[[channels]]
id = "de"
language = "de"
label = "Deutsch"
)"));
    EXPECT_EQ(c.event_name, "Committee on Fisheries");
    EXPECT_EQ(c.listen_address, "127.0.0.1");
    EXPECT_EQ(c.listen_port, 9000);
    EXPECT_EQ(c.io_threads, 2);
    EXPECT_EQ(c.bitrate, 24000);
    EXPECT_EQ(c.limits.listener_queue_ms, 300);
    EXPECT_EQ(c.limits.max_connections, 100u);
    ASSERT_EQ(c.channels.size(), 2u);
    EXPECT_EQ(c.channels[0].language, "floor");
    EXPECT_EQ(c.channels[1].label, "Deutsch");
}

TEST(config, channel_labels_by_ui_language) {
    auto c = load_config(write_file("labels", R"(
[[channels]]
id = "floor"
language = "mul"
[[channels]]
id = "plenary"
language = "mul"
label = "Plenary"
[[channels]]
id = "en"
language = "en"
label = "English"
labels = { fr = "Anglais", es = "Inglés" }
)"));
    ASSERT_EQ(c.channels.size(), 3u);
    // The floor with no names of its own: the built-in ones, by UI language.
    EXPECT_EQ(c.channels[0].label, "Floor / original");
    EXPECT_EQ(c.channels[0].labels.at("fr"), "Salle / original");
    EXPECT_EQ(c.channels[0].labels.at("es"), "Sala / original");
    // A floor the event names keeps its name in every language.
    EXPECT_EQ(c.channels[1].label, "Plenary");
    EXPECT_TRUE(c.channels[1].labels.empty());
    EXPECT_EQ(c.channels[2].labels, (std::map<std::string, std::string>{{"es", "Inglés"}, {"fr", "Anglais"}}));
    EXPECT_EQ(demo_config().channels[0].labels.at("es"), "Sala / original");
}

struct broken_case {
    const char* name;
    const char* text;
    const char* expect;  // in the message, besides the file name
};

TEST(config, booths_policy_handover_timeout_and_outputs) {
    auto c = load_config(write_file("booths", R"(
[booths]
policy = "override"
handover_timeout_ms = 2500
outputs = { "EN booth" = ["en", "fr"] }
[[channels]]
id = "en"
[[channels]]
id = "fr"
)"));
    EXPECT_EQ(c.booths.policy, booth_policy::override);
    EXPECT_EQ(c.booths.handover_timeout_ms, 2500);
    EXPECT_EQ(c.booths.outputs.at("EN booth"), (std::vector<std::string>{"en", "fr"}));
    EXPECT_EQ(load_config(write_file("no_booths", "[[channels]]\nid = \"en\"\n")).booths.policy, booth_policy::interlock);

    EXPECT_NE(load_error("booth_policy", "[booths]\npolicy = \"first\"\n[[channels]]\nid = \"en\"\n")
                  .find("\"interlock\" or \"override\""),
              std::string::npos);
    EXPECT_NE(load_error("booth_output", "[booths]\noutputs = { A = [\"en\", \"xx\"] }\n[[channels]]\nid = \"en\"\n")
                  .find("output \"xx\" is not a channel"),
              std::string::npos);
    EXPECT_NE(load_error("booth_timeout", "[booths]\nhandover_timeout_ms = -1\n[[channels]]\nid = \"en\"\n")
                  .find("handover_timeout_ms"),
              std::string::npos);
}

TEST(config, booths_auto_relay) {
    auto c = load_config(write_file("relay", R"(
[booths]
works_from = { "FR booth" = ["en", "es"] }
pivot = "en"
pivots = { "EN booth" = "fr" }
[[channels]]
id = "floor"
language = "mul"
[[channels]]
id = "en"
[[channels]]
id = "fr"
)"));
    EXPECT_EQ(c.booths.works_from.at("FR booth"), (std::vector<std::string>{"en", "es"}));
    EXPECT_EQ(c.booths.pivot, "en");
    EXPECT_EQ(c.booths.pivots.at("EN booth"), "fr");
    const std::string channels = "[[channels]]\nid = \"en\"\n";
    EXPECT_NE(load_error("relay_type", "[booths]\nworks_from = { FR = \"en\" }\n" + channels)
                  .find("booth \"FR\": works_from must be a list"),
              std::string::npos);
    EXPECT_NE(load_error("relay_items", "[booths]\nworks_from = { FR = [1] }\n" + channels).find("strings only"),
              std::string::npos);
    EXPECT_NE(load_error("relay_table", "[booths]\nworks_from = [\"en\"]\n" + channels)
                  .find("works_from must be a table of booth names"),
              std::string::npos);
    EXPECT_NE(load_error("relay_tag", "[booths]\nworks_from = { FR = [\"en gb\"] }\n" + channels)
                  .find("is not a language code"),
              std::string::npos);
    EXPECT_NE(load_error("relay_pivot", "[booths]\npivot = \"xx\"\n" + channels).find("pivot \"xx\" is not a channel"),
              std::string::npos);
    EXPECT_NE(load_error("relay_pivots", "[booths]\npivots = { FR = [\"en\"] }\n" + channels).find("a pivot is one channel id"),
              std::string::npos);
}

TEST(config, a_broken_file_names_the_file_line_and_problem) {
    const broken_case cases[] = {
        {"syntax", "[event]\nname = \"unterminated\n[[channels]]\nid = \"en\"\n", " 2 | name"},
        {"type", "[event]\nname = 42\n[[channels]]\nid = \"en\"\n", "2"},
        {"unknown_key", "[event]\nnmae = \"x\"\n[[channels]]\nid = \"en\"\n", "unknown key \"nmae\""},
        {"no_channels", "[event]\nname = \"x\"\n", "no [[channels]]"},
        {"missing_id", "[[channels]]\nlabel = \"English\"\n", "channel without an id"},
        {"bad_id", "[[channels]]\nid = \"En glish\"\n", "not valid"},
        {"duplicate", "[[channels]]\nid = \"en\"\n[[channels]]\nid = \"en\"\n", "appears twice"},
        {"listen", "[server]\nlisten = \"localhost\"\n[[channels]]\nid = \"en\"\n", "HOST:PORT"},
        {"limit", "[audio]\nlistener_queue_ms = 5\n[[channels]]\nid = \"en\"\n", "listener_queue_ms"},
        {"labels_not_table", "[[channels]]\nid = \"en\"\nlabels = \"Anglais\"\n", "\"labels\" must be a table"},
        {"labels_bad_lang", "[[channels]]\nid = \"en\"\nlabels = { \"f r\" = \"Anglais\" }\n", "is not a language code"},
        {"labels_empty", "[[channels]]\nid = \"en\"\nlabels = { fr = \"\" }\n", "must be a non-empty string"},
        {"labels_number", "[[channels]]\nid = \"en\"\nlabels = { fr = 3 }\n", "must be a non-empty string"},
    };
    for (const auto& c : cases) {
        auto message = load_error(c.name, c.text);
        EXPECT_NE(message.find(c.expect), std::string::npos) << c.name << ":\n" << message;
        EXPECT_NE(message.find(std::string("tolk_config_test_") + c.name), std::string::npos)
            << c.name << " does not name the file:\n" << message;
    }
    EXPECT_NE(load_error("missing", "").find(""), std::string::npos);
}

TEST(config, listen_addresses) {
    server_config c;
    parse_listen("127.0.0.1:0", c);
    EXPECT_EQ(c.listen_port, 0);
    parse_listen("[::1]:8443", c);
    EXPECT_EQ(c.listen_address, "::1");
    EXPECT_EQ(c.listen_port, 8443);
    EXPECT_THROW(parse_listen("host:99999", c), config_error);
    EXPECT_THROW(parse_listen("host:80x", c), config_error);
}

TEST(query, reads_parameters_and_lists) {
    EXPECT_EQ(target_path("/ws/booth?channel=fr"), "/ws/booth");
    EXPECT_EQ(query_param("/ws/booth?channel=fr", "channel"), "fr");
    EXPECT_EQ(query_param("/ws/listen?a=1&channels=en%2Cfr", "channels"), "en,fr");
    EXPECT_EQ(query_param("/ws/listen?a=1", "channels"), std::nullopt);
    EXPECT_EQ(query_param("/x?bad=%zz", "bad"), "%zz");
    EXPECT_EQ(split_list("en,,fr,"), (std::vector<std::string>{"en", "fr"}));
}

}  // namespace
}  // namespace tolk::server
