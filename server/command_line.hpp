#pragma once
// tolk-server's command line (the server itself; the operator's token, key and password
// commands are server/auth/cli.hpp): the options, the configuration they make, --make-cert.
// Part of the tolk-server executable, not of the tolk_server library.

#include "server/config.hpp"

#include <optional>
#include <string>

namespace tolk::server {

struct command_line {
    std::string config_file;  // empty: the built-in demo event
    std::string listen, tls_cert, tls_key, web_root, public_url;  // empty: the event file's
    std::string nats_url, node;  // [cluster]: empty: the event file's
    std::string qr_sheet;     // write the join sheet here
    std::string log_level = "info";
    std::string log_format = "text";  // or "json"
    int io_threads = -1;      // negative: the event file's
    bool make_cert = false;
};

// Reads argv into `out`. Returns the exit status when the program stops here (--help, or a
// usage error, which CLI11 has explained on stderr).
std::optional<int> parse_command_line(int argc, char** argv, command_line& out);

// The event (its file, or the demo event) with the command line's settings over it, validated.
// Throws config_error.
server_config make_config(const command_line& options);

// --make-cert: writes a self-signed certificate for this machine's LAN addresses and says how
// to start with it. Returns the exit status.
int write_lan_certificate(const command_line& options);

}  // namespace tolk::server
