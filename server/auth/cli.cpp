#include "server/auth/cli.hpp"

#include "server/auth/key_store.hpp"
#include "server/auth/password.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/settings.hpp"
#include "server/auth/tokens.hpp"
#include "server/config.hpp"
#include "server/join_sheet.hpp"

#include <CLI/CLI.hpp>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace tolk::auth {
namespace {

namespace fs = std::filesystem;

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What the commands need from the event file.
struct event_context {
    std::string event_id;
    std::vector<std::string> channels;
    std::string public_url;
    auth_settings settings;
};

event_context load_event(const std::string& config_file) {
    const server::server_config config = config_file.empty() ? server::demo_config() : server::load_config(config_file);
    event_context ctx;
    ctx.event_id = config.event_name;
    for (const auto& ch : config.channels)
        ctx.channels.push_back(ch.id);
    ctx.public_url = config.public_url;
    if (ctx.public_url.empty())
        ctx.public_url = server::default_public_url(!config.tls_cert.empty(), config.listen_port);
    while (ctx.public_url.ends_with('/'))
        ctx.public_url.pop_back();
    if (!config_file.empty())
        ctx.settings = load_settings(config_file);
    return ctx;
}

// "12h", "30m", "7d", "90s", "3600": a positive duration.
std::chrono::seconds parse_ttl(const std::string& text) {
    std::size_t used = 0;
    long long n = 0;
    try {
        n = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    const std::string unit = text.substr(used);
    const long long scale = unit.empty() || unit == "s" ? 1
                            : unit == "m"                ? 60
                            : unit == "h"                ? 3600
                            : unit == "d"                ? 86400
                                                         : 0;
    if (used == 0 || scale == 0 || n <= 0 || n > 366LL * 86400 / scale)
        throw usage_error("--ttl \"" + text + "\": give a positive duration like 90s, 30m, 12h or 7d (at most a year)");
    return std::chrono::seconds(n * scale);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ",") + item;
    return out;
}

std::vector<std::string> split_channels(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        if (comma > start)
            out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

struct issue_options {
    std::string config, role_name = "booth", channels, name, ttl = "12h";
};

int issue_command(const issue_options& o) {
    const event_context ctx = load_event(o.config);
    token_request req;
    req.event = ctx.event_id;
    req.subject = o.name;
    req.who = *parse_role(o.role_name);
    req.channels = split_channels(o.channels);
    req.ttl = parse_ttl(o.ttl);
    for (const auto& ch : req.channels)
        if (ch != all_channels && std::find(ctx.channels.begin(), ctx.channels.end(), ch) == ctx.channels.end())
            throw usage_error("channel \"" + ch + "\" is not in the event (it has " + join(ctx.channels) + ")");
    const signing_key key = signing_key::load_or_create(ctx.settings.state_dir);
    issued_token t;
    try {
        t = issue(key, req, clock::now());
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
    }
    std::cout << t.token << "\n";
    if (req.who == role::booth)
        std::cout << ctx.public_url << "/booth?token=" << t.token << "\n";
    else if (req.who == role::listener)
        std::cout << ctx.public_url << "/?token=" << t.token << "\n";
    std::cerr << name(req.who) << " token for \"" << req.subject << "\" (channels " << join(t.claims.channels)
              << ") of event \""
              << req.event << "\"\n  id (jti) " << t.claims.token_id << ", valid until "
              << format_rfc3339(t.claims.expires) << "\n";
    if (req.who == role::technician)
        std::cerr << "  for scripts and Prometheus: Authorization: Bearer <token>\n";
    return 0;
}

int revoke_command(const std::string& config, const std::string& jti) {
    const event_context ctx = load_event(config);
    ensure_state_dir(ctx.settings.state_dir);
    revocation_list list(ctx.settings.state_dir / revocation_file);
    try {
        list.revoke(jti, "revoked " + format_rfc3339(std::chrono::floor<std::chrono::seconds>(clock::now())));
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
    }
    std::cout << "revoked " << jti << " in " << list.file().string()
              << " (running servers pick it up without a restart)\n";
    return 0;
}

int show_public_command(const std::string& config) {
    const event_context ctx = load_event(config);
    const signing_key key = signing_key::load_or_create(ctx.settings.state_dir);
    std::cout << key.public_paserk() << "\n";
    std::cerr << "key id " << key.key_id() << " (state directory " << ctx.settings.state_dir.string() << ")\n";
    return 0;
}

// One line from stdin; without echo when stdin is a terminal.
std::string read_password() {
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        std::cerr << "password: " << std::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    }
    if (line.ends_with('\r'))
        line.pop_back();
    return line;
}

int password_hash_command() {
    std::string password = read_password();
    if (password.empty())
        throw usage_error("no password on stdin");
    std::cout << hash_password(password) << "\n";
    std::fill(password.begin(), password.end(), '\0');
    return 0;
}

}  // namespace

bool is_auth_command(std::string_view first_argument) {
    return first_argument == "token" || first_argument == "key" || first_argument == "password";
}

int run_auth_command(int argc, char** argv) {
    CLI::App app{"tolk-server: tokens, keys and passwords of an event"};
    app.require_subcommand(1);
    std::string config, jti;
    issue_options issue_opts;
    auto add_config = [&](CLI::App* cmd, std::string& target) {
        cmd->add_option("--config", target, "event configuration (TOML); default: built-in demo event")
            ->check(CLI::ExistingFile);
    };
    auto* token = app.add_subcommand("token", "issue or revoke tokens")->require_subcommand(1);
    auto* issue_cmd = token->add_subcommand("issue", "sign a token and print it with its link");
    add_config(issue_cmd, issue_opts.config);
    issue_cmd->add_option("--role", issue_opts.role_name, "booth, technician or listener")
        ->check(CLI::IsMember({"booth", "technician", "listener"}));
    issue_cmd->add_option("--channels", issue_opts.channels, "comma-separated channel ids; * for all (not booths)");
    issue_cmd->add_option("--name", issue_opts.name, "the booth's or the person's name (sub)")->required();
    issue_cmd->add_option("--ttl", issue_opts.ttl, "lifetime: 90s, 30m, 12h, 7d (default 12h)");
    auto* revoke_cmd = token->add_subcommand("revoke", "revoke a token by its id (jti)");
    revoke_cmd->add_option("jti", jti, "the token id printed by token issue")->required();
    add_config(revoke_cmd, config);
    auto* key = app.add_subcommand("key", "the signing key")->require_subcommand(1);
    auto* show = key->add_subcommand("show-public", "print the public key (k4.public) for other nodes");
    add_config(show, config);
    auto* password = app.add_subcommand("password", "passwords")->require_subcommand(1);
    auto* hash = password->add_subcommand("hash", "read a password from stdin, print its Argon2id hash");
    CLI11_PARSE(app, argc, argv);
    try {
        if (issue_cmd->parsed())
            return issue_command(issue_opts);
        if (revoke_cmd->parsed())
            return revoke_command(config, jti);
        if (show->parsed())
            return show_public_command(config);
        if (hash->parsed())
            return password_hash_command();
    } catch (const usage_error& e) {
        std::cerr << "tolk-server: " << e.what() << "\n";
        return 2;
    } catch (const server::config_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
        return 2;
    } catch (const settings_error& e) {
        std::cerr << "tolk-server: configuration error:\n" << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "tolk-server: " << e.what() << "\n";
        return 1;
    }
    return 2;
}

}  // namespace tolk::auth
