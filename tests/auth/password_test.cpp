// Argon2id password hashes for technicians and private-event passcodes.
#include "server/auth/password.hpp"

#include <gtest/gtest.h>

namespace tolk::auth {
namespace {

TEST(Passwords, TheRightOneVerifiesAndAWrongOneDoesNot) {
    const std::string hash = hash_password("correct horse");
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << hash;  // interactive limits
    EXPECT_TRUE(is_password_hash(hash));
    EXPECT_TRUE(verify_password(hash, "correct horse"));
    EXPECT_FALSE(verify_password(hash, "correct horsE"));
    EXPECT_FALSE(verify_password(hash, ""));
    EXPECT_NE(hash_password("correct horse"), hash);  // salted
}

TEST(Passwords, AnythingButAnArgon2idHashNeverVerifies) {
    EXPECT_FALSE(verify_password("", ""));
    EXPECT_FALSE(verify_password("correct horse", "correct horse"));
    EXPECT_FALSE(verify_password("$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
    EXPECT_FALSE(is_password_hash("$2y$10$abcdefghijklmnopqrstuu"));  // bcrypt
    EXPECT_THROW(hash_password(""), std::invalid_argument);
}

}  // namespace
}  // namespace tolk::auth
