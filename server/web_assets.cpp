#include "server/web_assets.hpp"

#include <fstream>
#include <sstream>

namespace tolk::server {
namespace {

std::string read_all(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error(file.string() + ": cannot read");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

std::string_view content_type_for(const std::filesystem::path& file) {
    static const std::map<std::string, std::string_view> types{
        {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},          {".webmanifest", "application/manifest+json"},
        {".wasm", "application/wasm"},          {".svg", "image/svg+xml"},
        {".png", "image/png"},                  {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"},
        {".woff2", "font/woff2"},               {".wav", "audio/wav"},
    };
    auto it = types.find(file.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

web_assets::web_assets(const std::filesystem::path& root) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(root))
        return;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() == ".gz")
            continue;
        const auto relative = fs::relative(entry.path(), root).generic_string();
        web_asset a;
        a.content_type = std::string(content_type_for(entry.path()));
        a.body = read_all(entry.path());
        if (auto gz = fs::path(entry.path().string() + ".gz"); fs::is_regular_file(gz))
            a.gzip = read_all(gz);
        // Bundlers put a content hash in names like app-3f9a1c.js.
        const auto stem = entry.path().stem().string();
        a.immutable = stem.find('-') != std::string::npos && relative.rfind("assets/", 0) == 0;
        files_.emplace("/" + relative, std::move(a));
    }
}

const web_asset* web_assets::find(std::string_view path) const {
    if (path == "/")
        path = "/index.html";
    else if (path == "/tech" || path == "/tech/")  // the technician's console
        path = "/tech/index.html";
    else if (path == "/booth" || path == "/booth/")  // the interpreter's booth console
        path = "/booth/index.html";
    if (path.find("..") != std::string_view::npos)
        return nullptr;
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
}

}  // namespace tolk::server
