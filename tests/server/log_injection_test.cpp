// Log injection (issue 11, test 6): what a peer sends — a percent-decoded query value, a control
// message's type, a booth's client string — reaches the server's log lines only escaped: no raw
// newline forges a line and no terminal escape reaches the technician's terminal. The server's
// own loggers are captured (the formatter tolk-server installs, at debug level).

#include "http_probe.hpp"
#include "server_fixture.hpp"

#include "log_capture.hpp"

#include <sstream>

namespace tolk::test {
namespace {

class log_injection : public server_fixture {
protected:
    log_capture log_;  // built before the server starts, dropped after it stopped
};

TEST_F(log_injection, no_raw_newline_or_escape_from_the_input_reaches_the_log) {
    auto c = test_config();
    start(c);
    // server_fixture::start sets the global level: these loggers get debug.
    log_.set_level(spdlog::level::debug);

    ws_try(endpoint_, "/ws/booth?channel=%0Afake%1B[31m");
    ws_try(endpoint_, "/ws/listen?channels=%0Afake%1B[31m");
    ws_try(endpoint_, "/ws/listen?channels=en", {}, {}, "{\"type\":\"\\nforged\\u001b[2J\"}");
    ws_try(endpoint_, "/ws/booth?channel=en", {}, {},
           R"({"type":"hello","role":"booth","protocol":1,"client":"x\nforged\u001b[2J"})");
    ws_try(endpoint_, "/ws/booth?channel=fr", {}, {}, "{\"type\":\"\\nforged\\u001b[2J\"}");
    http_request(endpoint_, {"GET", "/join?base=%0Afake%1B[31m"});
    server_->stop();  // every session ends and has logged (TearDown stops again: harmless)
    ASSERT_TRUE(server_->wait_closed(std::chrono::seconds(5)));

    const auto text = log_.text();
    ASSERT_NE(text.find("fake"), std::string::npos) << "the refused channel is logged (escaped):\n" << text;
    ASSERT_NE(text.find("forged"), std::string::npos) << "the bad message's type is logged (escaped):\n" << text;
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(line.starts_with("[")) << "a line not written by the formatter: " << line;
        EXPECT_FALSE(line.starts_with("fake") || line.starts_with("forged")) << line;
    }
}

}  // namespace
}  // namespace tolk::test
