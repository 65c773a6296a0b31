#pragma once
// Named spdlog loggers for the client components ("connection", "booth", "listen", ...).
// Every logger writes to stderr, so a client writing audio to stdout keeps it clean.
// Thread-safe (spdlog's registry).

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <string>

namespace tolk::client {

// The logger called `name`, created on first use.
std::shared_ptr<spdlog::logger> component_logger(const std::string& name);

// Sets the level of every client logger, existing and future (quiet: warnings and errors).
void set_client_log_level(spdlog::level::level_enum level);

// A co_spawn completion handler that logs the exception a coroutine ended with.
inline auto log_exception(std::shared_ptr<spdlog::logger> log, std::string what) {
    return [log = std::move(log), what = std::move(what)](std::exception_ptr error) {
        if (!error)
            return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            log->error("{} ended with an exception: {}", what, e.what());
        }
    };
}

}  // namespace tolk::client
