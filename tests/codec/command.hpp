#pragma once
// Test helper: runs a third-party tool (opusinfo, opusdec) and captures what it prints.
// A tool that is missing is a failure, never a skip: ./tolk deps installs opus-tools.

#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>

namespace tolk::codec::testing {

struct command_result {
    int exit_code = -1;
    std::string output;  // stdout and stderr
};

inline bool tool_installed(const std::string& name) {
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
        if (std::filesystem::exists(std::filesystem::path(dir) / name)) {
            return true;
        }
    }
    return false;
}

inline command_result run_command(const std::string& command) {
    command_result result;
    std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.output.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace tolk::codec::testing
