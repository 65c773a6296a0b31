// libFuzzer target: tokens (server/auth: PASETO v4.public, the footer's key id, the claims).
// With a fixed key (the PASETO v4 test vectors' key), the input is tried two ways:
//   - as a presented token: peek, open and verify it (form, header, base64url, signature);
//   - as the message and footer of a token signed here with that key, so that the fuzzer also
//     reaches what lies behind the signature check: the claims JSON and its RFC 3339 times.
#include "server/auth/claims.hpp"
#include "server/auth/key_store.hpp"
#include "server/auth/paserk.hpp"
#include "server/auth/paseto.hpp"
#include "server/auth/tokens.hpp"

#include <cstdint>
#include <cstdlib>

namespace {

using namespace tolk::auth;

// 4-S-1 of tests/auth/data/paseto-v4.json: seed || public key.
const secret_key_bytes vector_key = {
    0xb4, 0xcb, 0xfb, 0x43, 0xdf, 0x4c, 0xe2, 0x10, 0x72, 0x7d, 0x95, 0x3e, 0x4a, 0x71, 0x33, 0x07,
    0xfa, 0x19, 0xbb, 0x7d, 0x9f, 0x85, 0x04, 0x14, 0x38, 0xd9, 0xe1, 0x1b, 0x94, 0x2a, 0x37, 0x74,
    0x1e, 0xb9, 0xdb, 0xbb, 0xbc, 0x04, 0x7c, 0x03, 0xfd, 0x70, 0x60, 0x4e, 0x00, 0x71, 0xf0, 0x98,
    0x7e, 0x16, 0xb2, 0x8b, 0x75, 0x72, 0x25, 0xc1, 0x1f, 0x00, 0x41, 0x5d, 0x0e, 0x20, 0xb1, 0xa2};

struct fixture {
    signing_key key = signing_key::from_secret(vector_key);
    key_ring ring{key};
};

void presented(const fixture& f, std::string_view token, clock::time_point now) {
    (void)peek_v4_public(token);
    const auto opened = v4_public_verify(f.key.public_key(), token);
    if (opened && (opened.message.size() > token.size() || opened.footer.size() > token.size()))
        std::abort();
    const auto v = verify(token, f.ring, nullptr, {"committee day", role::booth | role::listener, "fr"}, now);
    if (v && (v.claims.who == role::technician || v.claims.issuer != "committee day" || !v.claims.allows_channel("fr")))
        std::abort();  // a verified token is for the expected event, one of the roles, the channel
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fixture f;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto now = clock::time_point(std::chrono::seconds(1'795'000'000));  // 2026-11-18
    presented(f, text, now);

    // The same bytes as a message (claims) and footer, split at the first newline.
    const auto nl = text.find('\n');
    const auto message = text.substr(0, nl);
    const auto footer = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const auto token = f.key.sign(message, footer);
    const auto opened = v4_public_verify(f.key.public_key(), token);
    if (!opened || opened.message != message || opened.footer != footer)
        std::abort();  // what we sign we must open
    presented(f, f.key.sign(message, R"({"kid":")" + f.key.key_id() + R"("})"), now);
    if (const auto c = claims_from_json(message)) {
        const auto back = claims_from_json(to_json(*c));
        if (!back || back->expires != c->expires || back->channels != c->channels)
            std::abort();
    }
    (void)parse_rfc3339(text);
    (void)parse_paserk_public(text);
    (void)parse_paserk_secret(text);
    return 0;
}
