// tolk-server [--config FILE] [--listen HOST:PORT] [--io-threads N] [--tls-cert F --tls-key F]
//             [--web-root DIR] [--public-url URL] [--qr-sheet FILE.svg] [--make-cert]
// Parses options, builds the server, installs the signal handler, runs the io_context.

#include "server/auth/cli.hpp"
#include "server/auth/key_store.hpp"
#include "server/auth/settings.hpp"
#include "server/config.hpp"
#include "server/join_sheet.hpp"
#include "server/log.hpp"
#include "server/server.hpp"
#include "server/tls.hpp"
#include "server/web_root.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fstream>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
    namespace asio = boost::asio;
    using namespace tolk::server;

    if (argc > 1 && tolk::auth::is_auth_command(argv[1]))  // token, key, password: server/auth/cli.hpp
        return tolk::auth::run_auth_command(argc, argv);
    CLI::App app{"tolk-server: live interpretation channels over WebSocket (tokens: tolk-server token|key|password)"};
    std::string config_file, listen, tls_cert, tls_key, web_root, public_url, qr_sheet;
    std::string log_level = "info";
    std::string log_format = "text";
    int io_threads = -1;
    bool want_cert = false;
    app.add_option("--config", config_file, "event configuration (TOML); default: built-in demo event")
        ->check(CLI::ExistingFile);
    app.add_option("--listen", listen, "HOST:PORT to listen on (default 0.0.0.0:8080; port 0: any)");
    app.add_option("--io-threads", io_threads, "I/O threads (default: one per core)");
    app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS/WSS (plain HTTP too)");
    app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
    app.add_flag("--make-cert", want_cert,
                 "write a self-signed certificate for this machine's LAN addresses to --tls-cert/--tls-key "
                 "(default tolk-cert.pem/tolk-key.pem) and exit");
    app.add_option("--web-root", web_root, "the built phone app (default: ../web/listen or ../share/tolk/web next to this program)");
    app.add_option("--public-url", public_url, "base URL phones open (default: first LAN address)");
    app.add_option("--qr-sheet", qr_sheet, "write the join sheet (QR codes, HTML with SVG) to this file");
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
    app.add_option("--log-format", log_format, "text (for people) or json (one object per line, for log shippers)")
        ->check(CLI::IsMember({"text", "json"}));
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::from_str(log_level));
    tolk::server::set_log_format(log_format == "json" ? tolk::server::log_format::json : tolk::server::log_format::text);

    if (want_cert) {
        const std::string cert = tls_cert.empty() ? "tolk-cert.pem" : tls_cert;
        const std::string key = tls_key.empty() ? "tolk-key.pem" : tls_key;
        std::cout << "wrote " << cert << " and " << key << " for " << make_lan_certificate(cert, key)
                  << "\nstart with: tolk-server --tls-cert " << cert << " --tls-key " << key << "\n";
        return 0;
    }

    server_config config;
    try {
        config = config_file.empty() ? demo_config() : load_config(config_file);
        if (!listen.empty())
            parse_listen(listen, config);
        if (io_threads >= 0)
            config.io_threads = io_threads;
        if (!tls_cert.empty() || !tls_key.empty()) {
            config.tls_cert = tls_cert;
            config.tls_key = tls_key;
        }
        if (!public_url.empty())
            config.public_url = public_url;
        if (!web_root.empty())
            config.web_root = web_root;
        else if (config.web_root.empty())
            config.web_root = default_web_root();
        validate(config);
    } catch (const config_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
        return 2;
    }
    const int threads = config.io_threads > 0 ? config.io_threads
                                              : std::max(1u, std::thread::hardware_concurrency());

    io_pool pool(static_cast<std::size_t>(threads));
    std::unique_ptr<server> srv;
    asio::ip::tcp::endpoint bound;
    try {
        srv = std::make_unique<server>(pool, config);
        bound = srv->start();
    } catch (const config_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
        return 2;
    } catch (const tolk::auth::settings_error& e) {
        std::cerr << "tolk-server: [auth] configuration error:\n" << e.what() << "\n";
        return 2;
    } catch (const tolk::auth::key_error& e) {
        std::cerr << "tolk-server: signing key: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "tolk-server: cannot listen on " << config.listen_address << ":"
                  << config.listen_port << ": " << e.what() << "\n";
        return 1;
    }
    std::cout << "listening on " << bound.address().to_string() << ":" << bound.port() << std::endl;
    log("server")->info("phones open {} (join sheet: {}/join)", srv->public_url(), srv->public_url());
    if (!qr_sheet.empty())
        std::ofstream(qr_sheet) << join_page(srv->bus().channels(), srv->public_url());

    // SIGINT/SIGTERM: "going away" to everyone, then exit within a second.
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
