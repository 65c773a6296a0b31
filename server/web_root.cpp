#include "server/web_root.hpp"

#include <filesystem>
#include <system_error>

namespace tolk::server {

std::string default_web_root() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path prefix = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path();
    const fs::path build_tree = prefix / "web" / "listen";
    const fs::path installed = prefix / "share" / "tolk" / "web";
    for (const auto& dir : {build_tree, installed})
        if (fs::is_regular_file(dir / "index.html", ec))
            return dir.string();
    return build_tree.string();
}

}  // namespace tolk::server
