#include "cluster_fixture.hpp"
#include "tolk_binaries.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

namespace tolk::test {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using stream = child_process::stream;

// nats-server binds the ports it is given itself, later: a port the kernel handed out as free
// (port 0) lies in the ephemeral range, where every outgoing connection and port-0 listener of
// the tests running alongside draws from, and was seen taken again before nats-server bound it
// ("address already in use").  So ports come from below that range, picked at random and
// checked bindable on every address, as nats-server binds its leaf and cluster ports.
std::uint16_t free_port() {
    static std::mt19937 random(static_cast<unsigned>(::getpid()) * 7919u ^
                               static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    static std::set<std::uint16_t> given;  // never the same port twice in one test process
    std::uniform_int_distribution<int> below_ephemeral(20000, 32000);
    asio::io_context ioc;
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<std::uint16_t>(below_ephemeral(random));
        if (given.contains(port))
            continue;
        boost::system::error_code ec;
        asio::ip::tcp::acceptor a(ioc);
        a.open(asio::ip::tcp::v4(), ec);
        if (!ec)
            a.bind({asio::ip::address_v4::any(), port}, ec);
        if (!ec) {
            given.insert(port);
            return port;
        }
    }
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
    leaf_.reset();
    nats_.reset();
    if (!HasFailure())
        fs::remove_all(dir_);
    else
        std::printf("[ kept     ] %s\n", dir_.c_str());
}

std::unique_ptr<child_process> cluster_fixture::run_nats(const std::string& conf,
                                                        const std::map<std::string, std::string>& env,
                                                        std::vector<std::string> extra) {
    for (const auto& [name, value] : env)  // read by the configuration file; inherited at spawn
        ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<std::string> argv{"nats-server", "-c", std::string(TOLK_DEPLOY_DIR) + "/nats/" + conf, "-a", "127.0.0.1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto p = std::make_unique<child_process>(std::move(argv), child_process::capture{.err = true});
    if (!p->wait_for_line(stream::err, "Server is ready", 15s))
        ADD_FAILURE() << "nats-server (" << conf << ") did not start: " << p->output(stream::err);
    return p;
}

std::uint16_t cluster_fixture::start_nats(std::uint16_t port) {
    nats_port_ = port ? port : free_port();
    nats_ = run_nats("single.conf", {{"TOLK_NATS_NAME", "tolk-test-nats"},
                                     {"TOLK_NATS_PORT", std::to_string(nats_port_)},
                                     {"TOLK_NATS_STORE", path("jetstream")}});
    return nats_port_;
}

namespace {
std::string routes_of(const std::vector<cloud_server>& all) {
    std::string routes;
    for (const auto& s : all)
        routes += (routes.empty() ? "" : ",") + std::string("nats-route://127.0.0.1:") + std::to_string(s.cluster_port);
    return routes;
}
}  // namespace

void cluster_fixture::restart_cloud_server(cloud_server& s, const std::vector<cloud_server>& all, int index) {
    const std::string name = "tolk-nats-" + std::to_string(index + 1);
    s.process = run_nats("cluster.conf",
                         {{"TOLK_NATS_NAME", name},
                          {"TOLK_NATS_PORT", std::to_string(s.port)},
                          {"TOLK_NATS_CLUSTER_PORT", std::to_string(s.cluster_port)},
                          {"TOLK_NATS_LEAF_PORT", std::to_string(s.leaf_port)},
                          {"TOLK_NATS_STORE", path(name)}},
                         {"--routes", routes_of(all)});  // the file's routes name real hosts
}

std::vector<cloud_server> cluster_fixture::start_cloud() {
    std::vector<cloud_server> all(3);
    for (auto& s : all) {
        s.port = free_port();
        s.cluster_port = free_port();
        s.leaf_port = free_port();
    }
    for (int i = 0; i < 3; ++i)
        restart_cloud_server(all[static_cast<std::size_t>(i)], all, i);
    return all;
}

std::uint16_t cluster_fixture::start_venue_leaf(std::uint16_t uplink_port) {
    const auto port = free_port();
    leaf_ = run_nats("venue-leaf.conf", {{"TOLK_NATS_NAME", "tolk-venue"},
                                         {"TOLK_NATS_PORT", std::to_string(port)},
                                         {"TOLK_NATS_STORE", path("venue")},
                                         {"TOLK_NATS_UPLINK", "nats-leaf://127.0.0.1:" + std::to_string(uplink_port)}});
    return port;
}

void cluster_fixture::stop_nats(int signal) {
    nats_->signal(signal);
    EXPECT_TRUE(nats_->wait(10s).has_value());
    nats_.reset();
}

tolk_node& cluster_fixture::start_node(const std::string& name, std::vector<std::string> extra) {
    return start_node_at(nats_url(), name, std::move(extra));
}

tolk_node& cluster_fixture::start_node_at(const std::string& url, const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> argv{bin("tolk-server"), "--listen", "127.0.0.1:0", "--io-threads", "2",
                                  "--nats", url, "--node", name};
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
