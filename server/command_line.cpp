#include "server/command_line.hpp"

#include "server/tls.hpp"
#include "server/web_root.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace tolk::server {

std::optional<int> parse_command_line(int argc, char** argv, command_line& out) {
    CLI::App app{"tolk-server: live interpretation channels over WebSocket (tokens: tolk-server token|key|password)"};
    app.add_option("--config", out.config_file, "event configuration (TOML); default: built-in demo event")
        ->check(CLI::ExistingFile);
    app.add_option("--listen", out.listen, "HOST:PORT to listen on (default 0.0.0.0:8080; port 0: any)");
    app.add_option("--io-threads", out.io_threads, "I/O threads (default: one per core)");
    app.add_option("--tls-cert", out.tls_cert, "PEM certificate chain: serve HTTPS/WSS (plain HTTP too)");
    app.add_option("--tls-key", out.tls_key, "PEM private key for --tls-cert");
    app.add_flag("--make-cert", out.make_cert,
                 "write a self-signed certificate for this machine's LAN addresses to --tls-cert/--tls-key "
                 "(default tolk-cert.pem/tolk-key.pem) and exit");
    app.add_option("--web-root", out.web_root, "the built phone app (default: ../web/listen or ../share/tolk/web next to this program)");
    app.add_option("--public-url", out.public_url, "base URL phones open (default: first LAN address)");
    app.add_option("--nats", out.nats_url, "NATS URL(s) of the cluster this node joins (default: the event file's [cluster], else none: one node)");
    app.add_option("--node", out.node, "this node's name in the cluster (default: the event file's, else the host name)");
    app.add_option("--qr-sheet", out.qr_sheet, "write the join sheet (QR codes, HTML with SVG) to this file");
    app.add_option("--log-level", out.log_level, "trace, debug, info, warn, error");
    app.add_option("--log-format", out.log_format, "text (for people) or json (one object per line, for log shippers)")
        ->check(CLI::IsMember({"text", "json"}));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return std::nullopt;
}

server_config make_config(const command_line& options) {
    server_config config = options.config_file.empty() ? demo_config() : load_config(options.config_file);
    if (!options.listen.empty())
        parse_listen(options.listen, config);
    if (options.io_threads >= 0)
        config.io_threads = options.io_threads;
    if (!options.tls_cert.empty() || !options.tls_key.empty()) {
        config.tls_cert = options.tls_cert;
        config.tls_key = options.tls_key;
    }
    if (!options.public_url.empty())
        config.public_url = options.public_url;
    if (!options.nats_url.empty())
        config.cluster.nats_url = options.nats_url;
    if (!options.node.empty())
        config.cluster.node = options.node;
    if (!options.web_root.empty())
        config.web_root = options.web_root;
    else if (config.web_root.empty())
        config.web_root = default_web_root();
    validate(config);
    return config;
}

int write_lan_certificate(const command_line& options) {
    const std::string cert = options.tls_cert.empty() ? "tolk-cert.pem" : options.tls_cert;
    const std::string key = options.tls_key.empty() ? "tolk-key.pem" : options.tls_key;
    std::cout << "wrote " << cert << " and " << key << " for " << make_lan_certificate(cert, key)
              << "\nstart with: tolk-server --tls-cert " << cert << " --tls-key " << key << "\n";
    return 0;
}

}  // namespace tolk::server
