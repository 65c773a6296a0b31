#include "server/auth/encoding.hpp"

#include <sodium.h>

namespace tolk::auth {
namespace {
constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
const auto* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), variant);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    std::string out(text.size() * 3 / 4 + 1, '\0');
    std::size_t used = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                          nullptr, &used, &end, variant) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(used);
    if (base64url_encode(out) != text)  // stray bits in the last character: not canonical
        return std::nullopt;
    return out;
}

std::string hex_encode(std::string_view bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes_of(bytes), bytes.size());
    out.resize(bytes.size() * 2);
    return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0)
        return std::nullopt;
    std::string out(text.size() / 2, '\0');
    std::size_t used = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                       &used, &end) != 0 ||
        end != text.data() + text.size() || used != out.size())
        return std::nullopt;
    return out;
}

}  // namespace tolk::auth
