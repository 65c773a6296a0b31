#pragma once
// Escaping text for the server's few HTML pages (/status, /join). Pure function.

#include <string>
#include <string_view>

namespace tolk::server {

inline std::string escape_html(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (char c : in) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

}  // namespace tolk::server
