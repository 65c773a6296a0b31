#pragma once
// One named spdlog logger per component ("server", "http", "booth", "listener", "hub",
// "config"), created on first use, writing to stderr (stdout carries only the
// "listening on" line). Thread-safe.

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace tolk::server {

std::shared_ptr<spdlog::logger> log(const std::string& component);

}  // namespace tolk::server
