// listener: which node it listens on. A single server: the connection reconnects to it by itself
// (ws_connection's backoff). Several nodes (the server's /api/nodes lists them): start on the
// node it suggests (the least loaded), refresh the list every 10 s from the node in use, and
// when that node goes away (connection lost, or no connection made) walk to the next node of
// the list after a short, growing, bounded wait (failover_schedule) — never back to the same
// node in a tight loop, never giving up.
#include "clients/common/log.hpp"
#include "clients/common/nothrow.hpp"
#include "clients/listen/listener.hpp"
#include "clients/listen/node_fetch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tolk::listen {
namespace asio = boost::asio;

namespace {
using client::nothrow;
constexpr auto fetch_timeout = std::chrono::milliseconds(2000);
constexpr auto refresh_interval = std::chrono::seconds(10);
}  // namespace

client::connection_options connection_for(const client::ws_url& server) {
    client::connection_options c;
    c.url = server;
    c.target = server.endpoint("/ws/listen");
    c.client_name = "tolk-listen/0.1";
    return c;
}

asio::awaitable<void> listener::begin() {
    auto log = client::component_logger("listen");
    if (options_.follow_nodes) {
        const auto answer = co_await fetch_nodes(io_.get_executor(), nodes_.current(), fetch_timeout);
        const auto suggested = answer ? nodes_.update(*answer) : std::nullopt;
        if (suggested && !(*suggested == nodes_.current())) {
            log->info("channel {}: {} suggests node {}", options_.channel, nodes_.current().authority(),
                      suggested->authority());
            nodes_.use(*suggested);
        }
        if (nodes_.size() > 1)
            log->info("channel {}: {} nodes known", options_.channel, nodes_.size());
    }
    if (stopped_) {
        if (on_done_)
            on_done_();
        co_return;
    }
    connect_to(nodes_.current());
    if (options_.follow_nodes)
        asio::co_spawn(io_, refresh_nodes_loop(), client::log_exception(log, "nodes"));
}

void listener::connect_to(const client::ws_url& url) {
    if (!(url == options_.server) || node_switches_ > 0)
        connection_ = std::make_shared<client::ws_connection>(io_.get_executor(), connection_for(url), *this);
    connection_running_ = true;
    connection_->start();
}

bool listener::on_close(const client::close_info& info) {
    if (stopped_)
        return false;
    auto log = client::component_logger("listen");
    if (info.established)
        log->warn("channel {}: connection to {} lost ({}{})", options_.channel, nodes_.current().authority(),
                  info.code ? std::to_string(info.code) + " " : "", info.reason);
    if (options_.follow_nodes && nodes_.advance()) {
        log->warn("channel {}: moving to node {}", options_.channel, nodes_.current().authority());
        switching_ = true;
        return false;  // this connection ends (on_stopped), move_on() opens the next
    }
    return true;  // one node: the connection reconnects to it
}

void listener::on_stopped() {
    connection_running_ = false;
    if (switching_ && !stopped_) {
        asio::co_spawn(io_, move_on(), client::log_exception(client::component_logger("listen"), "nodes"));
        return;
    }
    if (on_done_)
        on_done_();
}

asio::awaitable<void> listener::move_on() {
    failover_timer_.expires_after(failover_backoff_.next());
    co_await failover_timer_.async_wait(nothrow);
    switching_ = false;
    if (stopped_) {
        if (on_done_)
            on_done_();
        co_return;
    }
    ++node_switches_;
    connect_to(nodes_.current());
}

// The list changes as nodes come and go; a connected listener stays where it is.
asio::awaitable<void> listener::refresh_nodes_loop() {
    while (!stopped_) {
        refresh_timer_.expires_after(refresh_interval);
        auto [error] = co_await refresh_timer_.async_wait(nothrow);
        if (error || stopped_)
            co_return;
        if (const auto answer = co_await fetch_nodes(io_.get_executor(), nodes_.current(), fetch_timeout))
            nodes_.update(*answer);
    }
}

}  // namespace tolk::listen
