// tolk-listen: hear one channel of a tolk server, into a WAV file, stdout or a sound card.
//   tolk-listen --server ws://HOST:PORT --channel ID --output FILE.wav|-|device:NAME
//               [--duration S] [--stats FILE.json] [--jb adaptive|fixed:MS]
//               [--profile listener|return|monitor] [--stay] [--quiet]
// On an event of several nodes it starts on the node the server suggests and moves to another
// node by itself when its own goes away; --stay keeps it on --server.
// Exit status: 0 after --duration or on SIGINT/SIGTERM (the WAV is complete either way),
// 1 on a start-up error, 2 when the channel does not exist.
#include "clients/common/log.hpp"
#include "clients/common/signal_stop.hpp"
#include "clients/listen/listener.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    using namespace tolk;
    CLI::App app{"tolk-listen: subscribe to a channel, decode and play it or record it"};
    std::string server_text, jb = std::string(client::default_playout);
    listen::listen_options options;
    bool quiet = false;
    app.add_option("--server", server_text, "ws://HOST:PORT")->required();
    app.add_option("--channel", options.channel, "channel id, e.g. en")->required();
    app.add_option("--output", options.output, "FILE.wav, - (WAV on stdout) or device:NAME")->required();
    app.add_option("--duration", options.duration_s, "stop after S seconds (default: run until stopped)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--stats", options.stats_path, "write statistics as JSON to this file at the end");
    app.add_option("--jb", jb, "playout buffer: adaptive or fixed:MS")->capture_default_str();
    app.add_option("--profile", options.profile,
                   "playout profile of the adaptive buffer: listener (fewest dropouts), "
                   "return (lowest delay, LAN) or monitor")
        ->capture_default_str()
        ->check(CLI::IsMember({"listener", "return", "monitor"}));
    bool stay = false;
    app.add_flag("--stay", stay, "several nodes: stay on --server (no suggested node, no moving to another)");
    app.add_flag("--quiet,-q", quiet, "warnings and errors only");
    CLI11_PARSE(app, argc, argv);
    client::set_client_log_level(quiet ? spdlog::level::warn : spdlog::level::info);

    std::string error;
    const auto url = client::parse_ws_url(server_text, &error);
    const auto playout = client::parse_playout_choice(jb, &error);
    if (!url || !playout) {
        std::fprintf(stderr, "tolk-listen: %s %s: %s\n", url ? "--jb" : "--server",
                     url ? jb.c_str() : server_text.c_str(), error.c_str());
        return 1;
    }
    options.server = *url;
    options.playout = *playout;
    options.follow_nodes = !stay;

    boost::asio::io_context io;
    try {
        listen::listener listener(io, options);
        client::signal_stop ending(io, [&] { listener.stop(); }, std::chrono::seconds(1));
        listener.start([&] { ending.done(); });
        io.run();
        return listener.exit_code();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tolk-listen: %s\n", e.what());
        return 1;
    }
}
