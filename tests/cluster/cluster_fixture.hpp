#pragma once
// Test support for several tolk nodes over NATS: nats-server processes started from deploy/'s
// own configuration files (ports and store directory from the environment the files read),
// tolk-server nodes, tolk-booth and tolk-listen, all child processes killed in teardown; a
// free-port finder (bind port 0, read it, close); an HTTP GET. Every wait is bounded.

#include "child_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tolk::test {

std::uint16_t free_port();
// GET http://127.0.0.1:port/target; the body, or "" on any failure (bounded by a timeout).
std::string http_get(std::uint16_t port, const std::string& target);

struct tolk_node {
    std::unique_ptr<child_process> process;
    std::uint16_t port = 0;
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port); }
};

// One of the cloud's three NATS servers.
struct cloud_server {
    std::uint16_t port = 0, cluster_port = 0, leaf_port = 0;
    std::unique_ptr<child_process> process;
};

class cluster_fixture : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // A one-server NATS from deploy/nats/single.conf on `port` (0: a free one), JetStream in
    // this test's directory; returns the client port once the server says it is ready.
    std::uint16_t start_nats(std::uint16_t port = 0);
    void stop_nats(int signal);

    // A nats-server from deploy/nats/`conf` with `env` (the variables the file reads) set.
    std::unique_ptr<child_process> run_nats(const std::string& conf, const std::map<std::string, std::string>& env,
                                            std::vector<std::string> extra = {});
    // The cloud: three servers from deploy/nats/cluster.conf, routed to each other.
    std::vector<cloud_server> start_cloud();
    void restart_cloud_server(cloud_server& s, const std::vector<cloud_server>& all, int index);
    // The venue's leaf from deploy/nats/venue-leaf.conf, dialling out to `uplink_port`.
    std::uint16_t start_venue_leaf(std::uint16_t uplink_port);
    // tolk-server (the demo event) on 127.0.0.1:0 joined to the NATS at `url`.
    tolk_node& start_node_at(const std::string& url, const std::string& name, std::vector<std::string> extra = {});
    std::string nats_url() const { return "nats://127.0.0.1:" + std::to_string(nats_port_); }

    // tolk-server (the demo event) on 127.0.0.1:0 joined to the NATS as `name`.
    tolk_node& start_node(const std::string& name, std::vector<std::string> extra = {});
    child_process& spawn(std::vector<std::string> argv, child_process::capture pipes = {});
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    // /api/channels of a node, the channel `id`'s entry; null if absent.
    nlohmann::json channel(const tolk_node& node, const std::string& id);
    // Polls (bounded, every 50 ms) until `done` holds; returns whether it did.
    static bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout);

    std::filesystem::path dir_;
    std::uint16_t nats_port_ = 0;
    std::unique_ptr<child_process> nats_;
    std::unique_ptr<child_process> leaf_;
    std::vector<std::unique_ptr<tolk_node>> nodes_;
    std::vector<std::unique_ptr<child_process>> children_;
};

}  // namespace tolk::test
