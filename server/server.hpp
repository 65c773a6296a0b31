#pragma once
// tolk's server: one port, HTTP and WebSocket, for one event.
//
// Ownership: owns the configuration, the counters, the hub and the session registry, which
// every session references; it must outlive the I/O pool's threads (join them first).
// Connections are spread over the pool's shards round robin; the acceptor and the hub's timer
// live on shard 0. start() binds and starts
// accepting; stop() stops accepting and tells every session "going away" (any thread).

#include "server/access_control.hpp"
#include "server/booth_desks.hpp"
#include "server/channel_watch.hpp"
#include "server/config.hpp"
#include "server/descriptors.hpp"
#include "server/icecast/channel_pages.hpp"
#include "server/io_pool.hpp"
#include "server/local_hub.hpp"
#include "server/metrics.hpp"
#include "server/join_sheet_cache.hpp"
#include "server/server_context.hpp"
#include "server/session_registry.hpp"
#include "server/web_assets.hpp"

#include <boost/asio/ssl/context.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

namespace tolk::server {

// Builds a layer over the hub that sessions then see as the bus instead of the hub (several
// nodes over NATS: server/cluster). It lives from the server's constructor to its destructor and
// is destroyed before the hub; `sessions` lets it close a booth that lost its claim.
using bus_layer_factory =
    std::function<std::unique_ptr<event_bus>(local_hub& hub, session_registry& sessions, const server_config& config)>;

class server {
public:
    server(io_pool& pool, server_config config, const bus_layer_factory& layer = {});
    ~server();

    // Loads TLS material and the phone app (throws config_error on a bad certificate).
    // Binds config.listen_address:listen_port (port 0: any free port). Throws on failure.
    boost::asio::ip::tcp::endpoint start();
    void stop();

    const server_config& config() const { return config_; }
    // The base URL phones should open (config.public_url or the first LAN address).
    const std::string& public_url() const { return ctx_.public_url; }
    event_bus& bus() { return watch_; }
    channel_watch& watch() { return watch_; }
    const metrics& counters() const { return metrics_; }
    std::int64_t open_connections() const { return connections_.open(); }
    const join_sheet_cache& join_sheets() const { return join_cache_; }
    // After stop(): waits until every connection has ended (bounded).
    bool wait_closed(std::chrono::milliseconds timeout) const { return connections_.wait_none(timeout); }
    // Waits until at most `n` connections are open (bounded); false if that did not happen.
    bool wait_open_at_most(std::int64_t n, std::chrono::milliseconds timeout) const {
        return connections_.wait_at_most(n, timeout);
    }

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> accept_failed(const boost::system::error_code& ec, boost::asio::steady_timer& backoff);
    bool admit(boost::asio::ip::tcp::socket& socket);

    io_pool& pool_;
    server_config config_;
    metrics metrics_;
    session_registry sessions_;
    connection_tracker connections_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    web_assets web_;
    access_control access_;
    local_hub hub_;
    std::unique_ptr<event_bus> layer_;  // null: one node; else wraps hub_
    channel_watch watch_;  // wraps layer_ (else hub_): what sessions see as the bus
    booth_desks desks_;    // the booths' consoles (over watch_)
    join_sheet_cache join_cache_;
    icecast::channel_pages ogg_pages_;  // the HTTP listeners' shared Ogg pages
    server_context ctx_;
    boost::asio::ip::tcp::acceptor acceptor_;
    spare_descriptor spare_;  // given back when accept runs out of descriptors (descriptors.hpp)
};

}  // namespace tolk::server
