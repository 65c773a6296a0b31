#pragma once
// A fresh directory under the system's temporary folder, removed with everything in it.

#include <filesystem>

namespace tolk::auth::test {

class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace tolk::auth::test
