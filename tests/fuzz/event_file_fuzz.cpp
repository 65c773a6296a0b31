// libFuzzer target: the event file (server::load_config, TOML via toml11). Operators write it by
// hand, so every mistake must be a config_error naming the problem, never a crash or another
// exception. load_config reads a path: each input is written to one file in the temp folder.
#include "server/config.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::string scratch_file() {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/tolk-fuzz-event-" + std::to_string(getpid()) + ".toml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = scratch_file();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size)
        std::abort();
    std::fclose(f);
    try {
        const auto config = tolk::server::load_config(path);
        tolk::server::validate(config);  // what load_config returns is already valid
    } catch (const tolk::server::config_error& e) {
        if (std::string(e.what()).empty())
            std::abort();
    }
    return 0;
}
