#pragma once
// The phone app's files, read into memory once at start-up (never file I/O on the network
// threads) and served read-only from any thread afterwards. A "NAME.gz" beside a file is its
// precompressed form, served to browsers that accept gzip.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::server {

struct web_asset {
    std::string content_type;
    std::string body;
    std::optional<std::string> gzip;
    bool immutable = false;  // hashed file names can be cached for long
};

class web_assets {
public:
    web_assets() = default;
    // Loads every file under `root` (a missing root gives an empty set). Throws on read errors.
    explicit web_assets(const std::filesystem::path& root);

    // "/" is "/index.html".
    const web_asset* find(std::string_view path) const;
    bool empty() const { return files_.empty(); }
    std::size_t size() const { return files_.size(); }

private:
    std::map<std::string, web_asset, std::less<>> files_;
};

std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace tolk::server
