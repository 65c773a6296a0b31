#pragma once
// Query-string access for request targets like "/ws/booth?channel=fr". Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::server {

// The path part of a target, without the query.
std::string_view target_path(std::string_view target);
// The percent-decoded value of `key`, if present.
std::optional<std::string> query_param(std::string_view target, std::string_view key);
// "a,b,c" -> {"a","b","c"}, empty items skipped.
std::vector<std::string> split_list(std::string_view text);

}  // namespace tolk::server
