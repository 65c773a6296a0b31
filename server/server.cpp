#include "server/server.hpp"
#include "server/as_tuple.hpp"

#include "server/descriptors.hpp"
#include "server/http_session.hpp"
#include "server/join_sheet.hpp"
#include "server/log.hpp"
#include "server/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

namespace tolk::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// The URL a node advertises to the others: [server] public_url when set; else the address it is
// bound to when that is one address (127.0.0.1 in tests, a node's own address), else the first
// LAN address (what the join sheet shows).
std::string advertised_url(const std::string& configured, const tcp::endpoint& bound, bool tls,
                           const std::string& fallback) {
    if (!configured.empty() || bound.address().is_unspecified())
        return fallback;
    const auto host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
    return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(bound.port());
}

}  // namespace

server::server(io_pool& pool, server_config config, const bus_layer_factory& layer)
    : pool_(pool),
      config_(std::move(config)),
      access_(config_),
      hub_(pool, metrics_, config_),
      layer_(layer ? layer(hub_, sessions_, config_) : nullptr),
      watch_(layer_ ? *layer_ : static_cast<event_bus&>(hub_), config_, metrics_, pool.context(0).get_executor(),
             [this] { return connections_.open(); }),
      desks_(watch_, metrics_, config_),
      ogg_pages_(watch_.channel_count(), static_cast<std::uint32_t>(now_us())),
      ctx_{config_, watch_, metrics_, sessions_, connections_, nullptr, nullptr, {}, std::chrono::steady_clock::now(), &access_},
      acceptor_(pool.context(0)) {
    validate(config_);
    if (!config_.tls_cert.empty()) {
        tls_ = make_tls_context(config_.tls_cert, config_.tls_key);
        ctx_.tls = tls_.get();
    }
    if (!config_.web_root.empty()) {
        web_ = web_assets(config_.web_root);
        if (web_.empty())
            log("server")->warn("no phone app in {}: serving the status page at /", config_.web_root);
    }
    ctx_.web = &web_;
    ctx_.watch = &watch_;
    ctx_.desks = &desks_;
    ctx_.join_cache = &join_cache_;
    ctx_.ogg_pages = &ogg_pages_;
}

server::~server() = default;

tcp::endpoint server::start() {
    const tcp::endpoint endpoint{asio::ip::make_address(config_.listen_address), config_.listen_port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    hub_.start();
    watch_.start();
    asio::co_spawn(acceptor_.get_executor(), accept_loop(),
                   log_exception(log("server"), "accept loop"));
    const auto bound = acceptor_.local_endpoint();
    ctx_.public_url = config_.public_url.empty() ? default_public_url(tls_ != nullptr, bound.port())
                                                 : config_.public_url;
    if (layer_)  // several nodes: what the others list on /api/nodes (deploy/README.md, "Several nodes")
        layer_->set_public_url(advertised_url(config_.public_url, bound, tls_ != nullptr, ctx_.public_url));
    log("server")->info("event \"{}\" with {} channels, listening on {}:{}", config_.event_name,
                        config_.channels.size(), bound.address().to_string(), bound.port());
    return bound;
}

void server::stop() {
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
    });
    hub_.stop();
    watch_.stop();
    sessions_.close_all();
}

namespace {

// What a connection refused before any TLS or HTTP work reads (on a TLS port it is just closed).
std::string plain_refusal(admission why) {
    const auto reason = std::string(refusal_reason(why)) + "\n";
    const char* status = why == admission::address_full ? "429 Too Many Requests" : "503 Service Unavailable";
    return std::string("HTTP/1.1 ") + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
           "Retry-After: 5\r\nContent-Length: " + std::to_string(reason.size()) + "\r\n\r\n" + reason;
}

bool out_of_descriptors(const boost::system::error_code& ec) {
    return ec == boost::system::errc::too_many_files_open ||
           ec == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

// Accept errors: out of descriptors, the spare one lets the waiting client be told 503, and the
// loop then sleeps until the next client arrives (no spinning); anything else is counted and
// retried after a moment.
asio::awaitable<void> server::accept_failed(const boost::system::error_code& ec, asio::steady_timer& backoff) {
    if (metrics_.accept_errors++ % 100 == 0)
        log("server")->error("accept failed: {} (keeps accepting)", ec.message());
    if (out_of_descriptors(ec)) {
        if (spare_.refuse_one(acceptor_, tls_ ? std::string() : plain_refusal(admission::server_full))) {
            ++metrics_.connections_refused;
            co_return;
        }
        // Linux fails accept() with EMFILE even when no one is waiting: wait for someone,
        // without a descriptor to spend, instead of retrying on a timer.
        co_await acceptor_.async_wait(tcp::acceptor::wait_read, as_tuple);
        co_return;
    }
    backoff.expires_after(std::chrono::milliseconds(50));
    co_await backoff.async_wait(as_tuple);
}

// A connection over the hard ceilings is closed before any TLS or HTTP work (a plain 503 first
// when the port speaks no TLS). False: refused.
bool server::admit(tcp::socket& socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec).address();
    const auto why = admit_at_accept(config_.limits, connections_.open(), connections_.open_from(peer),
                                     is_trusted_proxy(peer, config_.trusted_proxies) || is_this_machine(peer));
    if (why == admission::admit)
        return true;
    ++metrics_.connections_refused;
    if (why == admission::address_full)
        ++metrics_.connections_refused_per_address;
    refuse_and_close(socket.release(ec), tls_ ? std::string() : plain_refusal(why));
    return false;
}

asio::awaitable<void> server::accept_loop() {
    asio::steady_timer backoff(acceptor_.get_executor());
    for (;;) {
        // The connection's shard: all its handlers run on that one thread (no strand needed).
        const asio::any_io_executor shard = pool_.context(pool_.next()).get_executor();
        auto [ec, socket] = co_await acceptor_.async_accept(shard, as_tuple);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            co_await accept_failed(ec, backoff);
            continue;
        }
        ++metrics_.connections_accepted;
        if (!admit(socket))
            continue;
        tune_accepted(socket, config_.limits);
        boost::system::error_code peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec).address();
        std::make_shared<http_session>(std::move(socket), connection_slot(connections_, peer), ctx_)->start();
    }
}

}  // namespace tolk::server
