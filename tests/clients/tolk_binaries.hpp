#pragma once
// Where the end-to-end tests find tolk's executables (build/bin, set by CMake): a missing one is
// a failure, not a skip.

#include <filesystem>
#include <string>

namespace tolk::test {

inline std::string bin(const char* name) { return (std::filesystem::path(TOLK_BIN_DIR) / name).string(); }

}  // namespace tolk::test
