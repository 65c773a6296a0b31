// tolk-server [--config FILE] [--listen HOST:PORT] [--io-threads N]
// Parses options, builds the server, installs the signal handler, runs the io_context.

#include "server/config.hpp"
#include "server/log.hpp"
#include "server/server.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <iostream>
#include <thread>

int main(int argc, char** argv) {
    namespace asio = boost::asio;
    using namespace tolk::server;

    CLI::App app{"tolk-server: live interpretation channels over WebSocket"};
    std::string config_file, listen;
    int io_threads = -1;
    std::string log_level = "info";
    app.add_option("--config", config_file, "event configuration (TOML); default: built-in demo event")
        ->check(CLI::ExistingFile);
    app.add_option("--listen", listen, "HOST:PORT to listen on (default 0.0.0.0:8080; port 0: any)");
    app.add_option("--io-threads", io_threads, "I/O threads (default: one per core)");
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::from_str(log_level));

    server_config config;
    try {
        config = config_file.empty() ? demo_config() : load_config(config_file);
        if (!listen.empty())
            parse_listen(listen, config);
        if (io_threads >= 0)
            config.io_threads = io_threads;
        validate(config);
    } catch (const config_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
        return 2;
    }
    const int threads = config.io_threads > 0 ? config.io_threads
                                              : std::max(1u, std::thread::hardware_concurrency());

    asio::io_context ioc(threads);
    server srv(ioc, config);
    asio::ip::tcp::endpoint bound;
    try {
        bound = srv.start();
    } catch (const std::exception& e) {
        std::cerr << "tolk-server: cannot listen on " << config.listen_address << ":"
                  << config.listen_port << ": " << e.what() << "\n";
        return 1;
    }
    std::cout << "listening on " << bound.address().to_string() << ":" << bound.port() << std::endl;

    // SIGINT/SIGTERM: "going away" to everyone, then exit within a second.
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    asio::steady_timer deadline(ioc);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec)
            return;
        log("server")->info("signal {}: shutting down", signal);
        srv.stop();
        deadline.expires_after(std::chrono::milliseconds(800));
        deadline.async_wait([&](const boost::system::error_code&) { ioc.stop(); });
    });

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
        t.join();
    if (srv.open_connections() > 0)
        std::_Exit(0);  // the deadline cut off sessions still closing: nothing left to flush
    return 0;
}
