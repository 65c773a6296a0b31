#pragma once
// Where the end-to-end tests find tolk's executables (build/bin, set by CMake): a missing one is
// a failure, not a skip.  And reading the JSON they write (--stats, reports).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace tolk::test {

inline std::string bin(const char* name) { return (std::filesystem::path(TOLK_BIN_DIR) / name).string(); }

// The JSON in `file`; discarded (is_discarded()) when it is missing or not JSON.
inline nlohmann::json read_json(const std::string& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace tolk::test
