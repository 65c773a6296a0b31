// The signing key in the state directory: created once with private permissions, loaded after,
// refused when others can read it or when it is not a key; its public half for other nodes.
#include "server/auth/key_store.hpp"
#include "server/auth/paserk.hpp"
#include "server/auth/tokens.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <future>
#include <sstream>

namespace tolk::auth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

mode_t mode_of(const fs::path& p) {
    struct stat st{};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

std::string contents(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(KeyStore, CreatedAtFirstStartPrivateAndLoadedAfterwards) {
    test::temp_dir tmp;
    const fs::path dir = tmp.path() / "state" / "tolk";
    std::string first_id, first_public;
    {
        const signing_key key = signing_key::load_or_create(dir);
        first_id = key.key_id();
        first_public = key.public_paserk();
    }
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(tmp.path() / "state"), 0700u);
    const fs::path file = dir / signing_key_file;
    EXPECT_EQ(mode_of(file), 0600u);
    EXPECT_TRUE(contents(file).starts_with("k4.secret."));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // no temporary left

    const signing_key again = signing_key::load_or_create(dir);
    EXPECT_EQ(again.key_id(), first_id);
    EXPECT_EQ(again.public_paserk(), first_public);
    EXPECT_TRUE(first_id.starts_with("k4.pid."));
    EXPECT_EQ(paserk_pid(*parse_paserk_public(first_public)), first_id);
}

TEST(KeyStore, TwoProcessesStartingAtOnceAgreeOnOneKey) {
    test::temp_dir tmp;
    std::vector<std::future<std::string>> starts;
    for (int i = 0; i < 4; ++i)
        starts.push_back(std::async(std::launch::async,
                                    [&] { return signing_key::load_or_create(tmp.path()).key_id(); }));
    std::set<std::string> ids;
    for (auto& s : starts)
        ids.insert(s.get());
    EXPECT_EQ(ids.size(), 1u);
}

TEST(KeyStore, AKeyOthersCanReadIsRefused) {
    test::temp_dir tmp;
    signing_key::load_or_create(tmp.path());
    const fs::path file = tmp.path() / signing_key_file;
    ::chmod(file.c_str(), 0644);
    try {
        signing_key::load_or_create(tmp.path());
        FAIL() << "a world-readable key was accepted";
    } catch (const key_error& e) {
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    }
}

TEST(KeyStore, AFileThatIsNotAKeyIsRefusedNotReplaced) {
    test::temp_dir tmp;
    const fs::path file = tmp.path() / signing_key_file;
    {
        std::ofstream(file) << "k4.secret.garbage\n";
    }
    ::chmod(file.c_str(), 0600);
    EXPECT_THROW(signing_key::load_or_create(tmp.path()), key_error);
    EXPECT_EQ(contents(file), "k4.secret.garbage\n");
}

TEST(KeyStore, AVerifyOnlyNodeAcceptsTokensFromThePublicKeyAlone) {
    const signing_key signer = signing_key::generate();
    const auto token = issue(signer, {"e", "FR booth A", role::booth, {"fr"}, 1h}, clock::now()).token;
    key_ring other_node;
    other_node.add(signer.public_paserk());
    EXPECT_TRUE(verify(token, other_node, nullptr, {"e", role::booth, "fr"}, clock::now()));
    EXPECT_THROW(other_node.add(std::string_view("k4.secret.AAAA")), key_error);
    EXPECT_EQ(other_node.size(), 1u);
}

TEST(KeyStore, MovedFromKeysAreWiped) {
    signing_key a = signing_key::generate();
    const std::string id = a.key_id();
    signing_key b = std::move(a);
    EXPECT_EQ(b.key_id(), id);
    EXPECT_TRUE(verify(issue(b, {"e", "x", role::listener, {}, 1h}, clock::now()).token, key_ring(b), nullptr,
                       {"e", role::listener, {}}, clock::now()));
}

}  // namespace
}  // namespace tolk::auth
