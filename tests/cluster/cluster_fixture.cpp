#include "cluster_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <thread>

namespace tolk::test {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using stream = child_process::stream;

namespace {
std::string bin(const char* name) { return (fs::path(TOLK_BIN_DIR) / name).string(); }
}  // namespace

std::uint16_t free_port() {
    asio::io_context ioc;
    asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

std::string http_get(std::uint16_t port, const std::string& target) {
    try {
        asio::io_context ioc;
        boost::beast::tcp_stream s(ioc);
        s.expires_after(5s);
        s.connect({asio::ip::make_address("127.0.0.1"), port});
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(s, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(s, buffer, res);
        return res.body();
    } catch (const std::exception&) {
        return {};
    }
}

void cluster_fixture::SetUp() {
    for (const char* name : {"tolk-server", "tolk-booth", "tolk-listen"})
        if (!fs::exists(bin(name)))
            GTEST_FAIL() << bin(name) << " is missing: build it";
    if (!on_path("nats-server"))
        GTEST_FAIL() << "nats-server is missing: ./tolk deps installs it";
    char pattern[] = "/tmp/tolk-cluster-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
}

void cluster_fixture::TearDown() {
    children_.clear();
    nodes_.clear();
    nats_.reset();
    if (!HasFailure())
        fs::remove_all(dir_);
    else
        std::printf("[ kept     ] %s\n", dir_.c_str());
}

std::uint16_t cluster_fixture::start_nats(std::uint16_t port) {
    nats_port_ = port ? port : free_port();
    // deploy/nats/single.conf reads these (the same file a technician runs under systemd).
    ::setenv("TOLK_NATS_NAME", "tolk-test-nats", 1);
    ::setenv("TOLK_NATS_PORT", std::to_string(nats_port_).c_str(), 1);
    ::setenv("TOLK_NATS_STORE", path("jetstream").c_str(), 1);
    nats_ = std::make_unique<child_process>(
        std::vector<std::string>{"nats-server", "-c", std::string(TOLK_DEPLOY_DIR) + "/nats/single.conf", "-a", "127.0.0.1"},
        child_process::capture{.err = true});
    if (!nats_->wait_for_line(stream::err, "Server is ready", 15s))
        ADD_FAILURE() << "nats-server did not start: " << nats_->output(stream::err);
    return nats_port_;
}

void cluster_fixture::stop_nats(int signal) {
    nats_->signal(signal);
    EXPECT_TRUE(nats_->wait(10s).has_value());
    nats_.reset();
}

tolk_node& cluster_fixture::start_node(const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> argv{bin("tolk-server"), "--listen", "127.0.0.1:0", "--io-threads", "2",
                                  "--nats", nats_url(), "--node", name};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto node = std::make_unique<tolk_node>();
    node->process = std::make_unique<child_process>(std::move(argv), child_process::capture{.out = true});
    const auto line = node->process->wait_for_line(stream::out, "listening on", 15s);
    if (!line) {
        ADD_FAILURE() << "tolk-server node " << name << " did not start";
        throw std::runtime_error("node did not start");
    }
    node->port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
    nodes_.push_back(std::move(node));
    return *nodes_.back();
}

child_process& cluster_fixture::spawn(std::vector<std::string> argv, child_process::capture pipes) {
    children_.push_back(std::make_unique<child_process>(std::move(argv), pipes));
    return *children_.back();
}

nlohmann::json cluster_fixture::channel(const tolk_node& node, const std::string& id) {
    const auto j = nlohmann::json::parse(http_get(node.port, "/api/channels"), nullptr, false);
    if (j.is_object() && j.contains("channels"))
        for (const auto& c : j["channels"])
            if (c.value("id", "") == id)
                return c;
    return nullptr;
}

bool cluster_fixture::eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done())
            return true;
        std::this_thread::sleep_for(50ms);  // polling an HTTP API: there is nothing to wait on
    }
    return done();
}

}  // namespace tolk::test
