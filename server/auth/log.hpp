#pragma once
// The "auth" spdlog logger (stderr), created on first use; the same logger tolk_server's
// log("auth") returns. Thread-safe. Never given a secret: keys, passwords, whole tokens.

#include <spdlog/spdlog.h>

#include <memory>

namespace tolk::auth {

std::shared_ptr<spdlog::logger> log();

}  // namespace tolk::auth
