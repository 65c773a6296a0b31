// The server's log lines: text for people, JSON for log shippers, and in both what a peer sends
// (a booth name, a client string) cannot forge a line or colour a terminal.

#include "server/log.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace tolk::test {
namespace {

std::string logged(server::log_format format, const std::string& message) {
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    sink->set_formatter(server::make_log_formatter(format));
    spdlog::logger logger("booth", sink);
    logger.warn("session 7: booth \"{}\" refused", message);
    return out.str();
}

const std::string forged = "EN\n[2026-11-29T10:00:00.000+0000] [server] [info] all fine\x1b[2J\r\x01\"\\";

TEST(log_format, text_lines_escape_what_a_peer_controls) {
    const auto line = logged(server::log_format::text, forged);
    EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_NE(line.find("EN\\n[2026-11-29"), std::string::npos) << line;
    EXPECT_NE(line.find("\\x1b[2J\\r\\x01"), std::string::npos) << line;
    EXPECT_NE(line.find("] [booth] [warning] session 7: booth \"EN"), std::string::npos) << line;
}

TEST(log_format, json_lines_parse_and_carry_the_message_unchanged) {
    const auto line = logged(server::log_format::json, forged);
    ASSERT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["level"], "warning");
    EXPECT_EQ(j["logger"], "booth");
    EXPECT_EQ(j["msg"], "session 7: booth \"" + forged + "\" refused");
    EXPECT_EQ(j["time"].get<std::string>().size(), std::string("2026-11-29T10:00:00.000+00:00").size()) << j["time"];
}

}  // namespace
}  // namespace tolk::test
