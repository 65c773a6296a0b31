#include "server/auth/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace tolk::auth {

std::shared_ptr<spdlog::logger> log() {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto existing = spdlog::get("auth"))
        return existing;
    return spdlog::stderr_color_mt("auth");
}

}  // namespace tolk::auth
