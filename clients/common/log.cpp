#include "clients/common/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tolk::client {

std::shared_ptr<spdlog::logger> component_logger(const std::string& name) {
    if (auto existing = spdlog::get(name))
        return existing;
    try {
        return spdlog::stderr_color_mt(name);
    } catch (const spdlog::spdlog_ex&) {  // another thread created it first
        return spdlog::get(name);
    }
}

void set_client_log_level(spdlog::level::level_enum level) {
    spdlog::set_level(level);  // existing loggers and the default for new ones
}

}  // namespace tolk::client
