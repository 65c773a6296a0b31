// The revocation list: appended atomically, picked up by another instance (another process's
// view) when the file changes, cheap when it does not.
#include "server/auth/revocation_list.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

namespace tolk::auth {
namespace {

TEST(Revocation, AMissingFileIsAnEmptyList) {
    test::temp_dir tmp;
    revocation_list list(tmp.path() / "revoked-tokens");
    EXPECT_EQ(list.size(), 0u);
    EXPECT_FALSE(list.is_revoked("abc"));
    EXPECT_FALSE(list.refresh());
}

TEST(Revocation, ARevocationWrittenElsewhereIsPickedUpOnRefresh) {
    test::temp_dir tmp;
    const auto file = tmp.path() / "revoked-tokens";
    revocation_list server(file);  // the running server
    revocation_list cli(file);     // tolk-server token revoke
    cli.revoke("jti-one", "revoked 2026-11-28T23:50:51Z");
    EXPECT_TRUE(cli.is_revoked("jti-one"));
    EXPECT_FALSE(server.is_revoked("jti-one"));
    EXPECT_TRUE(server.refresh());
    EXPECT_TRUE(server.is_revoked("jti-one"));
    EXPECT_FALSE(server.refresh());  // unchanged: nothing re-read
    struct stat st{};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Revocation, CommentsNotesAndBlankLinesAreIgnored) {
    test::temp_dir tmp;
    const auto file = tmp.path() / "revoked-tokens";
    std::ofstream(file) << "# revoked tokens\n\n  a1\tlost laptop\nb2 \r\n#c3\n";
    revocation_list list(file);
    EXPECT_TRUE(list.is_revoked("a1"));
    EXPECT_TRUE(list.is_revoked("b2"));
    EXPECT_FALSE(list.is_revoked("c3"));
    EXPECT_FALSE(list.is_revoked("lost"));
    EXPECT_EQ(list.size(), 2u);
}

TEST(Revocation, AReplacedFileIsReadAgain) {
    test::temp_dir tmp;
    const auto file = tmp.path() / "revoked-tokens";
    std::ofstream(file) << "a1\n";
    revocation_list list(file);
    std::ofstream(tmp.path() / "new") << "b2\n";
    std::filesystem::rename(tmp.path() / "new", file);  // same size, another inode
    EXPECT_TRUE(list.refresh());
    EXPECT_FALSE(list.is_revoked("a1"));
    EXPECT_TRUE(list.is_revoked("b2"));
    std::filesystem::remove(file);
    EXPECT_TRUE(list.refresh());
    EXPECT_EQ(list.size(), 0u);
}

TEST(Revocation, ConcurrentWritersNeverInterleaveLines) {
    test::temp_dir tmp;
    const auto file = tmp.path() / "revoked-tokens";
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
        writers.emplace_back([&, w] {
            revocation_list mine(file);
            for (int i = 0; i < 50; ++i)
                mine.revoke("w" + std::to_string(w) + "-" + std::to_string(i), "a note long enough to matter");
        });
    for (auto& t : writers)
        t.join();
    revocation_list all(file);
    EXPECT_EQ(all.size(), 200u);
    EXPECT_TRUE(all.is_revoked("w3-49"));
}

TEST(Revocation, IdsWithWhitespaceAreRefused) {
    test::temp_dir tmp;
    revocation_list list(tmp.path() / "revoked-tokens");
    for (const char* bad : {"", "a b", "a\nb", "#x"})
        EXPECT_THROW(list.revoke(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace tolk::auth
