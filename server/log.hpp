#pragma once
// One named spdlog logger per component ("server", "http", "booth", "listener", "hub",
// "config"), created on first use, writing to stderr (stdout carries only the
// "listening on" line). Thread-safe.
//
// Two line formats, chosen once at start-up (tolk-server --log-format): text for people, or
// one JSON object per line for log shippers ({"time","level","logger","msg"}). Either way what
// a peer controls (a booth's name, a client string, a reason) cannot forge a log line: control
// characters in messages are escaped (text: \n, \x1b, ...; JSON: its own escapes).

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <string>

namespace tolk::server {

std::shared_ptr<spdlog::logger> log(const std::string& component);

enum class log_format { text, json };
// Applies to every logger, present and future.
void set_log_format(log_format format);
// The formatter set_log_format installs (for tests).
std::unique_ptr<spdlog::formatter> make_log_formatter(log_format format);

// A co_spawn completion handler that logs the exception a coroutine ended with, if any:
// "<what> ended by an exception: ...".
inline auto log_exception(std::shared_ptr<spdlog::logger> logger, const char* what) {
    return [logger = std::move(logger), what](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            logger->error("{} ended by an exception: {}", what, ex.what());
        }
    };
}

}  // namespace tolk::server
