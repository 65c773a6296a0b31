#include "server/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace tolk::server {

std::shared_ptr<spdlog::logger> log(const std::string& component) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto existing = spdlog::get(component))
        return existing;
    return spdlog::stderr_color_mt(component);
}

}  // namespace tolk::server
