// PASETO v4.public against the official test vectors (data/paseto-v4.json, ISC licence), plus
// the encodings and PASERK ids it rests on.
#include "server/auth/encoding.hpp"
#include "server/auth/paserk.hpp"
#include "server/auth/paseto.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace tolk::auth {
namespace {

nlohmann::json vectors() {
    std::ifstream in(TOLK_AUTH_TEST_DATA "/paseto-v4.json");
    EXPECT_TRUE(in.good()) << "cannot read the PASETO v4 test vectors";
    return nlohmann::json::parse(in);
}

template <std::size_t N>
std::array<unsigned char, N> key_from_hex(const std::string& hex) {
    auto raw = hex_decode(hex);
    EXPECT_TRUE(raw && raw->size() == N) << hex;
    std::array<unsigned char, N> key{};
    if (raw && raw->size() == N)
        std::copy(raw->begin(), raw->end(), key.begin());
    return key;
}

std::string text_or_empty(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

TEST(PasetoVectors, EverySigningCaseVerifiesAndSignsByteIdentically) {
    const auto all = vectors();
    int cases = 0;
    for (const auto& t : all.at("tests")) {
        const std::string name = t.at("name");
        if (!name.starts_with("4-S-"))
            continue;
        ++cases;
        SCOPED_TRACE(name);
        ASSERT_FALSE(t.at("expect-fail").get<bool>());
        const auto pk = key_from_hex<32>(t.at("public-key"));
        const auto sk = key_from_hex<64>(t.at("secret-key"));
        const std::string token = t.at("token"), payload = t.at("payload"), footer = t.at("footer"),
                          implicit = t.at("implicit-assertion");

        const auto opened = v4_public_verify(pk, token, implicit);
        ASSERT_TRUE(opened) << static_cast<int>(opened.error);
        EXPECT_EQ(opened.message, payload);
        EXPECT_EQ(opened.footer, footer);
        EXPECT_TRUE(v4_public_verify(pk, token, implicit, footer));  // with the footer expected

        EXPECT_EQ(v4_public_sign(sk, payload, footer, implicit), token);
    }
    EXPECT_EQ(cases, 3);
}

TEST(PasetoVectors, EveryExpectFailCaseIsRefused) {
    const auto file = vectors();
    const auto& all = file.at("tests");
    // The suite's public key, for cases that only carry a symmetric key.
    public_key_bytes suite_key{};
    for (const auto& t : all)
        if (t.contains("public-key"))
            suite_key = key_from_hex<32>(t.at("public-key"));
    int cases = 0;
    for (const auto& t : all) {
        if (!t.at("expect-fail").get<bool>())
            continue;
        ++cases;
        const std::string name = t.at("name");
        SCOPED_TRACE(name);
        const std::string token = t.at("token"), implicit = text_or_empty(t.at("implicit-assertion"));
        std::vector<public_key_bytes> keys{suite_key};
        if (t.contains("public-key"))
            keys.push_back(key_from_hex<32>(t.at("public-key")));
        if (t.contains("key"))  // a v4.local key handed to a v4.public verifier
            keys.push_back(key_from_hex<32>(t.at("key")));
        for (const auto& key : keys) {
            EXPECT_FALSE(v4_public_verify(key, token, implicit));
            EXPECT_FALSE(v4_public_verify(key, token, implicit, text_or_empty(t.at("footer"))));
            EXPECT_FALSE(v4_public_verify(key, token));
        }
    }
    EXPECT_EQ(cases, 5);
}

TEST(PasetoVectors, LocalAndOtherVersionsAreRefusedForTheirHeader) {
    const auto all = vectors();
    for (const auto& t : all.at("tests")) {
        const std::string token = t.at("token");
        if (token.starts_with("v4.public."))
            continue;
        SCOPED_TRACE(t.at("name").get<std::string>());
        EXPECT_EQ(v4_public_verify(public_key_bytes{}, token).error, paseto_error::wrong_header);
    }
}

class PasetoChanges : public ::testing::Test {
protected:
    void SetUp() override {
        const auto all = vectors();
        for (const auto& t : all.at("tests"))
            if (t.at("name") == "4-S-3") {
                pk_ = key_from_hex<32>(t.at("public-key"));
                token_ = t.at("token");
                implicit_ = t.at("implicit-assertion");
                footer_ = t.at("footer");
            }
        ASSERT_TRUE(v4_public_verify(pk_, token_, implicit_));
    }
    public_key_bytes pk_{};
    std::string token_, implicit_, footer_;
};

TEST_F(PasetoChanges, AnyChangedCharacterIsRefused) {
    for (std::size_t i = v4_public_header.size(); i < token_.size(); ++i) {
        if (token_[i] == '.')
            continue;
        std::string changed = token_;
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(v4_public_verify(pk_, changed, implicit_)) << "position " << i;
    }
}

TEST_F(PasetoChanges, TruncationsAreRefused) {
    for (std::size_t n = 0; n < token_.size(); ++n)
        EXPECT_FALSE(v4_public_verify(pk_, token_.substr(0, n), implicit_)) << "length " << n;
}

TEST_F(PasetoChanges, AnotherImplicitAssertionOrFooterIsRefused) {
    EXPECT_EQ(v4_public_verify(pk_, token_, "{}").error, paseto_error::bad_signature);
    EXPECT_EQ(v4_public_verify(pk_, token_, implicit_, "{\"kid\":\"other\"}").error, paseto_error::footer_mismatch);
    const auto dot = token_.rfind('.');
    EXPECT_EQ(v4_public_verify(pk_, token_.substr(0, dot) + "." + base64url_encode("{\"kid\":\"x\"}"), implicit_).error,
              paseto_error::bad_signature);
    EXPECT_EQ(v4_public_verify(pk_, token_.substr(0, dot), implicit_).error, paseto_error::bad_signature);
    EXPECT_EQ(v4_public_verify(pk_, token_ + ".", implicit_).error, paseto_error::malformed);
    EXPECT_EQ(v4_public_verify(pk_, token_.substr(0, dot) + ".", implicit_).error, paseto_error::malformed);
}

TEST_F(PasetoChanges, WrongHeadersAreRefusedAsSuch) {
    const std::string body = token_.substr(v4_public_header.size());
    for (const char* header : {"v4.local.", "v3.public.", "v2.public.", "V4.public.", "v4.Public."})
        EXPECT_EQ(v4_public_verify(pk_, header + body, implicit_).error, paseto_error::wrong_header) << header;
    EXPECT_EQ(v4_public_verify(pk_, "v4public" + body).error, paseto_error::malformed);
    EXPECT_EQ(v4_public_verify(pk_, std::string(max_token_size + 1, 'a')).error, paseto_error::malformed);
}

TEST(Pae, MatchesTheSpecificationsExamples) {
    EXPECT_EQ(pae({}), std::string("\x00\x00\x00\x00\x00\x00\x00\x00", 8));
    EXPECT_EQ(pae({""}), std::string(16, '\0').replace(0, 1, "\x01"));
    EXPECT_EQ(pae({"test"}), std::string("\x01\0\0\0\0\0\0\0\x04\0\0\0\0\0\0\0test", 20));
}

TEST(Base64url, RoundTripsAndRefusesNonCanonicalText) {
    for (std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd"}) {
        const auto text = base64url_encode(bytes);
        EXPECT_EQ(text.find('='), std::string::npos);
        EXPECT_EQ(base64url_decode(text), bytes);
    }
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_FALSE(base64url_decode("Zg=="));  // padding
    EXPECT_FALSE(base64url_decode("Zh"));    // stray bits
    EXPECT_FALSE(base64url_decode("Z"));     // impossible length
    EXPECT_FALSE(base64url_decode("+/8"));   // the other alphabet
    EXPECT_FALSE(base64url_decode("Zm9v YmFy"));
}

// PASERK k4.pid known answers (paseto-standard/test-vectors, PASERK/k4.pid.json).
TEST(Paserk, PublicKeyIdsMatchTheKnownAnswers) {
    EXPECT_EQ(paserk_pid(key_from_hex<32>(std::string(64, '0'))),
              "k4.pid.S_XQmeEwHbbvRmiyfXfHYpLGjXGzjTRSDoT1YtTakWFE");
    EXPECT_EQ(paserk_pid(key_from_hex<32>("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f")),
              "k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs");
    EXPECT_EQ(paserk_pid(key_from_hex<32>("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e90")),
              "k4.pid.-nyvbaTz8U6TQz7OZWW-iB3va31iAxIpUgzUcVQVmW9A");
}

TEST(Paserk, KeysRoundTripAndBadOnesAreRefused) {
    const auto pk = key_from_hex<32>("1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2");
    EXPECT_EQ(paserk_public(pk), "k4.public.Hrnbu7wEfAP9cGBOAHHwmH4Wsot1ciXBHwBBXQ4gsaI");
    EXPECT_EQ(parse_paserk_public(paserk_public(pk)), pk);
    EXPECT_FALSE(parse_paserk_public("k3.public.Hrnbu7wEfAP9cGBOAHHwmH4Wsot1ciXBHwBBXQ4gsaI"));
    EXPECT_FALSE(parse_paserk_public("k4.public.Hrnbu7wEfAP9cGBOAHHwmH4Wsot1ciXBHwBBXQ4gsa"));
    const auto sk = key_from_hex<64>("b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774"
                                     "1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2");
    EXPECT_EQ(parse_paserk_secret(paserk_secret(sk)), sk);
    auto mismatched = sk;
    mismatched[63] ^= 1;  // a public half that is not the seed's
    EXPECT_FALSE(parse_paserk_secret(paserk_secret(mismatched)));
}

}  // namespace
}  // namespace tolk::auth
