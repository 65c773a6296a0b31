#pragma once
// The technician's settings in the event file: [alarms] (alarm_thresholds, every key optional)
// and [recording] (folder, channels).  Private to the config loader (toml11 stays out of the
// public headers).

#include "server/config.hpp"

#include <toml.hpp>

namespace tolk::server {

// Reads the [alarms] and [recording] tables of `root`, if present, into `config`.
// Throws config_error naming the file, the line of `where` and the problem, with a hint.
[[noreturn]] void fail_at(const toml::value& where, const std::string& what, const std::string& hint);

// Throws toml::exception (wrong type) or config_error (unknown key, bad value).
void read_monitor_config(const toml::value& root, server_config& config);

}  // namespace tolk::server
