#pragma once
// One named spdlog logger per component ("server", "http", "booth", "listener", "hub",
// "config"), created on first use, writing to stderr (stdout carries only the
// "listening on" line). Thread-safe.

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <string>

namespace tolk::server {

std::shared_ptr<spdlog::logger> log(const std::string& component);

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
