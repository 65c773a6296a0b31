// The operator's commands as an operator runs them: tolk-server token issue / token revoke /
// key show-public / password hash, against an event file in a temporary folder.
#include "server/auth/paserk.hpp"
#include "server/auth/password.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/tokens.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

namespace tolk::auth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct run_result {
    int status = -1;
    std::string out, err;
};

std::string quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

class Commands : public ::testing::Test {
protected:
    void SetUp() override {
        event_ = tmp_.path() / "event.toml";
        std::ofstream(event_) << "[event]\nname = \"committee day\"\n"
                                 "[server]\npublic_url = \"https://tolk.example:8443/\"\n"
                                 "[auth]\nstate_dir = \"state\"\n"
                                 "[[channels]]\nid = \"floor\"\n[[channels]]\nid = \"fr\"\n[[channels]]\nid = \"en\"\n";
    }

    // Runs tolk-server with `args`, `input` on stdin; bounded by timeout(1).
    run_result run(const std::vector<std::string>& args, const std::string& input = "", const std::string& env = "") {
        const fs::path in = tmp_.path() / "stdin", out = tmp_.path() / "stdout", err = tmp_.path() / "stderr";
        std::ofstream(in) << input;
        std::string command = env + " timeout 60 " + quoted(TOLK_SERVER_EXE);
        for (const auto& a : args)
            command += " " + quoted(a);
        command += " <" + quoted(in) + " >" + quoted(out) + " 2>" + quoted(err);
        const int raw = std::system(command.c_str());
        return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
    }

    key_ring public_ring() {
        const auto r = run({"key", "show-public", "--config", event_.string()});
        EXPECT_EQ(r.status, 0) << r.err;
        key_ring ring;
        ring.add(lines(r.out).at(0));
        return ring;
    }

    test::temp_dir tmp_;
    fs::path event_;
};

TEST_F(Commands, IssueABoothTokenWithItsLink) {
    const auto r = run({"token", "issue", "--config", event_.string(), "--role", "booth", "--channels", "fr",
                        "--name", "FR booth A", "--ttl", "12h"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 2u) << r.out;
    const std::string& token = out[0];
    EXPECT_EQ(out[1], "https://tolk.example:8443/booth?token=" + token);

    struct stat st{};
    ASSERT_EQ(::stat((tmp_.path() / "state" / "signing-key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(r.err.find("k4.secret"), std::string::npos);  // the key is never printed

    const auto v = verify(token, public_ring(), nullptr, {"committee day", role::booth, "fr"}, clock::now());
    ASSERT_TRUE(v) << code(v.error);
    EXPECT_EQ(v.claims.subject, "FR booth A");
    EXPECT_EQ(v.claims.channels, std::vector<std::string>{"fr"});
    EXPECT_EQ(v.claims.expires - v.claims.issued_at, 12h);
    EXPECT_NE(r.err.find(v.claims.token_id), std::string::npos) << r.err;  // the jti, for revoking
    EXPECT_EQ(verify(token, public_ring(), nullptr, {"committee day", role::booth, "en"}, clock::now()).error,
              refusal::wrong_channel);
}

TEST_F(Commands, IssueAListenerTokenForEveryChannel) {
    const auto r = run({"token", "issue", "--config", event_.string(), "--role", "listener", "--name", "guest",
                        "--ttl", "2d"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1], "https://tolk.example:8443/?token=" + out[0]);
    const auto v = verify(out[0], public_ring(), nullptr, {"committee day", role::listener, "en"}, clock::now());
    ASSERT_TRUE(v) << code(v.error);
    EXPECT_EQ(v.claims.expires - v.claims.issued_at, 48h);
}

TEST_F(Commands, MistakesAreRefusedWithAReason) {
    auto r = run({"token", "issue", "--config", event_.string(), "--channels", "de", "--name", "DE booth"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("channel \"de\" is not in the event (it has floor,fr,en)"), std::string::npos) << r.err;
    r = run({"token", "issue", "--config", event_.string(), "--channels", "fr", "--name", "x", "--ttl", "soon"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--ttl"), std::string::npos) << r.err;
    r = run({"token", "issue", "--config", event_.string(), "--name", "FR booth"});  // a booth without channels
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("names its channels"), std::string::npos) << r.err;
    r = run({"token", "issue", "--config", event_.string(), "--role", "root", "--name", "x"});
    EXPECT_NE(r.status, 0);
    EXPECT_TRUE(r.out.empty());
    std::ofstream(event_, std::ios::app) << "[auth.extra]\n";
    r = run({"key", "show-public", "--config", event_.string()});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown key \"extra\""), std::string::npos) << r.err;
}

TEST_F(Commands, RevokeIsSeenByARunningServersList) {
    const fs::path list_file = tmp_.path() / "state" / "revoked-tokens";
    const auto issued = run({"token", "issue", "--config", event_.string(), "--channels", "fr", "--name", "FR"});
    ASSERT_EQ(issued.status, 0) << issued.err;
    const std::string token = lines(issued.out).at(0);
    const key_ring ring = public_ring();
    revocation_list server_view(list_file);  // as a running server holds it
    const auto v = verify(token, ring, &server_view, {"committee day", role::booth, "fr"}, clock::now());
    ASSERT_TRUE(v);

    const auto r = run({"token", "revoke", v.claims.token_id, "--config", event_.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    server_view.refresh();
    EXPECT_EQ(verify(token, ring, &server_view, {"committee day", role::booth, "fr"}, clock::now()).error,
              refusal::revoked);
    EXPECT_EQ(run({"token", "revoke", "has space", "--config", event_.string()}).status, 2);
}

TEST_F(Commands, ShowPublicIsStableAndWithoutConfigUsesTheStateDirectory) {
    const auto a = run({"key", "show-public", "--config", event_.string()});
    const auto b = run({"key", "show-public", "--config", event_.string()});
    ASSERT_EQ(a.status, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_TRUE(parse_paserk_public(lines(a.out).at(0)));
    EXPECT_NE(a.err.find("k4.pid."), std::string::npos);

    const fs::path demo_state = tmp_.path() / "demo-state";
    const auto demo = run({"key", "show-public"}, "", "STATE_DIRECTORY=" + quoted(demo_state.string()));
    ASSERT_EQ(demo.status, 0) << demo.err;
    EXPECT_NE(demo.out, a.out);
    EXPECT_TRUE(fs::exists(demo_state / "signing-key"));
}

TEST_F(Commands, PasswordHashReadsStdin) {
    const auto r = run({"password", "hash"}, "s3cret passphrase\n");
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string hash = lines(r.out).at(0);
    EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
    EXPECT_TRUE(verify_password(hash, "s3cret passphrase"));
    EXPECT_FALSE(verify_password(hash, "s3cret passphrase\n"));
    EXPECT_EQ(run({"password", "hash"}, "").status, 2);
}

TEST_F(Commands, TheServerStillAcceptsTheEventFileWithAnAuthTable) {
    // The configuration is accepted; the run then stops at an address it cannot listen on.
    const auto r = run({"--config", event_.string(), "--listen", "256.0.0.1:0"});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("cannot listen on 256.0.0.1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tolk::auth
