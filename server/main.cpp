// tolk-server [--config FILE] [--listen HOST:PORT] [--io-threads N] [--tls-cert F --tls-key F]
//             [--web-root DIR] [--public-url URL] [--qr-sheet FILE.svg] [--make-cert]
// tolk-server token|key|password ...: the operator's commands (server/auth/cli.hpp).
// Parses options, builds the server, installs the signal handler, runs the io_context.

#include "server/auth/cli.hpp"
#include "server/auth/key_store.hpp"
#include "server/auth/settings.hpp"
#include "server/cluster/nats_bus.hpp"
#include "server/command_line.hpp"
#include "server/descriptors.hpp"
#include "server/join_sheet.hpp"
#include "server/log.hpp"
#include "server/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fstream>
#include <iostream>
#include <thread>

namespace {

namespace asio = boost::asio;
using namespace tolk::server;

// Says on stderr why the server did not start; call from a catch block. Returns the exit status.
int explain_start_failure(const server_config& config) {
    try {
        throw;
    } catch (const config_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
    } catch (const tolk::auth::settings_error& e) {
        std::cerr << "tolk-server: [auth] configuration error:\n" << e.what() << "\n";
    } catch (const tolk::auth::key_error& e) {
        std::cerr << "tolk-server: signing key: " << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "tolk-server: cannot listen on " << config.listen_address << ":"
                  << config.listen_port << ": " << e.what() << "\n";
        return 1;
    }
    return 2;
}

void announce(server& srv, const asio::ip::tcp::endpoint& bound, const std::string& qr_sheet) {
    std::cout << "listening on " << bound.address().to_string() << ":" << bound.port() << std::endl;
    log("server")->info("phones open {} (join sheet: {}/join)", srv.public_url(), srv.public_url());
    if (!qr_sheet.empty())
        std::ofstream(qr_sheet) << join_page(srv.bus().channels(), srv.public_url());
}

// Runs the server until SIGINT/SIGTERM: "going away" to everyone, then exit within a second.
int serve(const server_config& config, const std::string& qr_sheet) {
    const int threads = config.io_threads > 0 ? config.io_threads
                                              : std::max(1u, std::thread::hardware_concurrency());
    prepare_file_limit(config.limits);
    io_pool pool(static_cast<std::size_t>(threads));
    std::unique_ptr<server> srv;
    asio::ip::tcp::endpoint bound;
    try {
        srv = std::make_unique<server>(pool, config, tolk::cluster::cluster_layer(config));
        bound = srv->start();
    } catch (...) {
        return explain_start_failure(config);
    }
    announce(*srv, bound, qr_sheet);

    asio::signal_set signals(pool.context(0), SIGINT, SIGTERM);
    asio::steady_timer deadline(pool.context(0));
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec)
            return;
        log("server")->info("signal {}: shutting down", signal);
        srv->stop();
        deadline.expires_after(std::chrono::milliseconds(800));
        deadline.async_wait([&](const boost::system::error_code&) { pool.stop(); });
    });
    pool.start();
    pool.join();
    if (srv->open_connections() > 0)
        std::_Exit(0);  // the deadline cut off sessions still closing: nothing left to flush
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && tolk::auth::is_auth_command(argv[1]))
        return tolk::auth::run_auth_command(argc, argv);
    command_line options;
    if (const auto status = parse_command_line(argc, argv, options))
        return *status;
    spdlog::set_level(spdlog::level::from_str(options.log_level));
    set_log_format(options.log_format == "json" ? log_format::json : log_format::text);
    if (options.make_cert)
        return write_lan_certificate(options);
    server_config config;
    try {
        config = make_config(options);
    } catch (const config_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
        return 2;
    }
    return serve(config, options.qr_sheet);
}
