#pragma once
// Typed errors for every tolk parser, and a small result type (std::expected is C++23).
// Value types; any thread.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tolk::protocol {

enum class parse_errc {
    truncated,      // shorter than its header or declared length
    oversized,      // longer than the protocol allows
    wrong_version,  // a protocol version this build does not speak
    malformed,      // not the expected structure (bad JSON, wrong field types)
    unknown_type,   // well-formed, but a message type we do not know
    invalid_value,  // a field out of range (empty channel list, negative time, ...)
};
std::string_view to_string(parse_errc code);

struct parse_error {
    parse_errc code;
    std::string detail;  // human-readable, safe to put in a close reason
    std::string message() const;
};

template <class T>
class parse_result {
public:
    parse_result(T value) : v_(std::move(value)) {}
    parse_result(parse_error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const parse_error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, parse_error> v_;
};

inline parse_error make_error(parse_errc code, std::string detail) {
    return parse_error{code, std::move(detail)};
}

}  // namespace tolk::protocol
