#include "temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace tolk::auth::test {

temp_dir::temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tolk-auth-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace tolk::auth::test
