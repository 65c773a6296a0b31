#include "server/server.hpp"

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

namespace tolk::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

server::server(io_pool& pool, server_config config, const bus_layer_factory& layer)
    : pool_(pool),
      config_(std::move(config)),
      access_(config_),
      hub_(pool, metrics_, config_),
      layer_(layer ? layer(hub_, sessions_, config_) : nullptr),
      watch_(layer_ ? *layer_ : static_cast<event_bus&>(hub_), config_, metrics_, pool.context(0).get_executor(), [this] { return connections_.open(); }),
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
    ctx_.join_cache = &join_cache_;
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

asio::awaitable<void> server::accept_loop() {
    asio::steady_timer backoff(acceptor_.get_executor());
    for (;;) {
        // The connection's shard: all its handlers run on that one thread (no strand needed).
        const asio::any_io_executor shard = pool_.context(pool_.next()).get_executor();
        auto [ec, socket] = co_await acceptor_.async_accept(shard, as_tuple);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            // Out of file descriptors and the like: count, say so, wait a moment, keep accepting.
            if (metrics_.accept_errors++ % 100 == 0)
                log("server")->error("accept failed: {} (keeps accepting)", ec.message());
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(as_tuple);
            continue;
        }
        ++metrics_.connections_accepted;
        boost::system::error_code opt_ec;
        socket.set_option(tcp::no_delay(true), opt_ec);
        std::make_shared<http_session>(std::move(socket), ctx_)->start();
    }
}

}  // namespace tolk::server
