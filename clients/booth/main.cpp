// tolk-booth: publish one channel's audio to a tolk server.
//   tolk-booth --server ws://HOST:PORT --channel ID --input FILE.wav|tone:HZ|-|device:NAME
//              [--loop] [--bitrate BPS] [--frame-ms MS] [--quiet] [--booth NAME] [--keys]
//              [--return FILE.wav|-|device:NAME [--ceiling DBFS] [--sustained-limit DBFS] [--stats FILE]]
// Exit status: 0 at the end of the input or on SIGINT/SIGTERM, 1 on a start-up error, 2 when
// the server refuses the booth for good (channel taken, unknown channel).
#include "clients/booth/booth.hpp"
#include "clients/booth/console_keys.hpp"
#include "clients/common/log.hpp"
#include "clients/common/signal_stop.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <optional>

namespace {

// The command line into `options` (all but --server, which main parses, and --quiet).
void add_options(CLI::App& app, tolk::booth::booth_options& options, std::string& server_text, bool& quiet) {
    app.add_option("--server", server_text, "ws://HOST:PORT")->required();
    app.add_option("--channel", options.channel, "channel id, e.g. en")->required();
    app.add_option("--token", options.token, "booth token (tolk-server token issue); also $TOLK_TOKEN")
        ->envname("TOLK_TOKEN");
    app.add_option("--name", options.name,
                   "this booth's name; without a token (demo event) a reconnect under the same name "
                   "takes the channel over from its own stale connection");
    app.add_option("--booth", options.booth,
                   "the booth this console belongs to: consoles of one booth share the channel, one live, "
                   "handing over with the keys (see --keys)");
    app.add_flag("--keys", options.keys,
                 "keyboard controls on the terminal: c cough, h handover (request / accept), d decline, "
                 "a / b output, s slow down, r auto-relay on/off (with --return), q quit; and a one-line status");
    app.add_option("--return", options.return_output,
                   "play the booth's source (the floor, or the relay auto-relay suggests) to device:NAME, "
                   "FILE.wav or - (WAV on stdout), through the jitter buffer and the ear-protection limiter");
    app.add_option("--ceiling", options.limiter.ceiling_dbfs, "the return's hard ceiling, dBFS")
        ->check(CLI::Range(-30.0, 0.0));
    app.add_option("--sustained-limit", options.limiter.sustained_dbfs,
                   "the return's limit for sound loud for over 100 ms, dBFS (at most the ceiling)")
        ->check(CLI::Range(-40.0, 0.0));
    app.add_option("--floor-language", options.floor_language,
                   "on the floor channel: declare the language spoken on the floor (e.g. de), for auto-relay");
    app.add_option("--stats", options.stats_path, "with --return: write its report (input quality, limiter) as JSON at the end");
    app.add_option("--input", options.input, "FILE.wav, tone:HZ, - (s16le 48 kHz mono on stdin) or device:NAME")
        ->required();
    app.add_flag("--loop", options.loop, "start a file over at its end");
    app.add_option("--bitrate", options.bitrate, "Opus bit/s (default: what the server asks for)")->check(CLI::Range(6000, 510000));
    app.add_option("--frame-ms", options.frame_ms, "frame duration")->check(CLI::IsMember({10, 20, 40}));
    app.add_flag("--quiet,-q", quiet, "warnings and errors only");
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tolk;
    CLI::App app{"tolk-booth: capture, encode and publish one channel to a tolk server"};
    std::string server_text;
    booth::booth_options options;
    bool quiet = false;
    add_options(app, options, server_text, quiet);
    CLI11_PARSE(app, argc, argv);
    client::set_client_log_level(quiet ? spdlog::level::warn : spdlog::level::info);

    std::string error;
    auto url = client::parse_ws_url(server_text, &error);
    if (!url) {
        std::fprintf(stderr, "tolk-booth: --server %s: %s\n", server_text.c_str(), error.c_str());
        return 1;
    }
    options.server = *url;

    boost::asio::io_context io;
    try {
        booth::booth booth(io, options);
        client::signal_stop ending(io, [&] { booth.stop(); }, std::chrono::seconds(2));
        std::optional<booth::console_keys> keys;
        if (options.keys && options.input != "-")  // stdin carries the audio with --input -
            keys.emplace(io.get_executor(), [&](char k) { booth.on_key(k); });
        booth.start([&] { ending.done(); });
        io.run();
        return booth.exit_code();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tolk-booth: %s\n", e.what());
        return 1;
    }
}
