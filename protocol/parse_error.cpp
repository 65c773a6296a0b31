#include "protocol/parse_error.hpp"

namespace tolk::protocol {

std::string_view to_string(parse_errc code) {
    switch (code) {
    case parse_errc::truncated: return "truncated";
    case parse_errc::oversized: return "oversized";
    case parse_errc::wrong_version: return "wrong_version";
    case parse_errc::malformed: return "malformed";
    case parse_errc::unknown_type: return "unknown_type";
    case parse_errc::invalid_value: return "invalid_value";
    }
    return "unknown";
}

std::string parse_error::message() const {
    std::string out{to_string(code)};
    if (!detail.empty()) {
        out += ": ";
        out += detail;
    }
    return out;
}

}  // namespace tolk::protocol
