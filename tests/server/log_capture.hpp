#pragma once
// Captures what the server logs: replaces its component loggers (server/log.hpp's log() returns
// a registered logger) with ones writing, through the formatter tolk-server installs, into a
// string. Construct before the server starts; the destructor hands the names back (later tests
// get stderr loggers again).

#include "server/log.hpp"

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <string>
#include <vector>

namespace tolk::test {

class log_capture {
public:
    log_capture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
        sink_->set_formatter(server::make_log_formatter(server::log_format::text));
        for (const auto& name : components()) {
            spdlog::drop(name);
            auto logger = std::make_shared<spdlog::logger>(name, sink_);
            spdlog::register_logger(logger);
        }
    }
    ~log_capture() {
        for (const auto& name : components())
            spdlog::drop(name);
    }
    log_capture(const log_capture&) = delete;
    log_capture& operator=(const log_capture&) = delete;

    // After server_fixture::start (which sets the global level).
    void set_level(spdlog::level::level_enum level) {
        for (const auto& name : components())
            spdlog::get(name)->set_level(level);
    }
    std::string text() {
        sink_->flush();
        return out_.str();
    }

private:
    static const std::vector<std::string>& components() {
        static const std::vector<std::string> names{"auth", "booth", "config", "http", "hub", "listener",
                                                    "monitor", "recorder", "server", "tech"};
        return names;
    }
    std::ostringstream out_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

}  // namespace tolk::test
