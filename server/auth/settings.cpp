#include "server/auth/settings.hpp"

#include "server/auth/paserk.hpp"
#include "server/auth/password.hpp"

#include <toml.hpp>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace tolk::auth {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail_at(const toml::value& where, const std::string& what, const std::string& hint) {
    throw settings_error(toml::format_error("[error] " + what, where, hint));
}

void check_known_keys(const toml::value& table, std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : table.as_table()) {
        bool ok = false;
        for (auto k : known)
            ok = ok || key == k;
        if (!ok)
            fail_at(value, "unknown key \"" + key + "\" in [auth]", "not a tolk auth setting (a typo?)");
    }
}

std::string password_hash_at(const toml::value& table, const char* key) {
    const auto& v = table.at(key);
    auto hash = toml::get<std::string>(v);
    if (!is_password_hash(hash))
        fail_at(v, std::string(key) + " is not an Argon2id hash",
                "store \"$argon2id$...\" as printed by: tolk-server password hash");
    return hash;
}

technician_account read_technician(const toml::value& v) {
    if (!v.is_table())
        fail_at(v, "a technician must be a table", "write [[auth.technicians]] with name and password");
    check_known_keys(v, {"name", "password"});
    if (!v.contains("name") || !v.contains("password"))
        fail_at(v, "a technician needs a name and a password", "name = \"...\", password = \"$argon2id$...\"");
    return {toml::get<std::string>(v.at("name")), password_hash_at(v, "password")};
}

void read_auth_table(const toml::value& auth, const fs::path& origin, auth_settings& out) {
    if (!auth.is_table())
        fail_at(auth, "\"auth\" must be a table", "write an [auth] section");
    check_known_keys(auth, {"state_dir", "listener_passcode", "trusted_keys", "technicians"});
    if (auth.contains("state_dir")) {
        fs::path dir = toml::get<std::string>(auth.at("state_dir"));
        if (dir.empty())
            fail_at(auth.at("state_dir"), "state_dir is empty", "leave it out for the default");
        out.state_dir = dir.is_absolute() ? dir : origin.parent_path() / dir;
    }
    if (auth.contains("listener_passcode"))
        out.listener_passcode_hash = password_hash_at(auth, "listener_passcode");
    if (auth.contains("trusted_keys")) {
        for (const auto& k : toml::get<std::vector<toml::value>>(auth.at("trusted_keys"))) {
            auto text = toml::get<std::string>(k);
            if (!parse_paserk_public(text))
                fail_at(k, "not a k4.public key", "as printed by: tolk-server key show-public");
            out.trusted_keys.push_back(std::move(text));
        }
    }
    if (auth.contains("technicians")) {
        const auto& list = auth.at("technicians");
        if (!list.is_array())
            fail_at(list, "\"technicians\" must be an array of tables", "write [[auth.technicians]] sections");
        for (const auto& t : list.as_array())
            out.technicians.push_back(read_technician(t));
    }
}

auth_settings from_root(const toml::value& root, const fs::path& origin) {
    auth_settings out;
    try {
        if (root.is_table() && root.contains("auth"))
            read_auth_table(root.at("auth"), origin, out);
    } catch (const toml::exception& e) {  // type errors carry the file and line
        throw settings_error(e.what());
    }
    return out;
}

bool writable_dir(const char* dir) { return ::access(dir, W_OK | X_OK) == 0; }

}  // namespace

fs::path default_state_dir() {
    if (const char* systemd = std::getenv("STATE_DIRECTORY"); systemd && *systemd) {
        std::string first(systemd);
        return first.substr(0, first.find(':'));  // several directories are ':'-separated
    }
    if (::geteuid() == 0 || writable_dir("/var/lib/tolk"))
        return "/var/lib/tolk";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/')
        return fs::path(xdg) / "tolk";
    if (const char* home = std::getenv("HOME"); home && *home == '/')
        return fs::path(home) / ".local" / "state" / "tolk";
    return fs::temp_directory_path() / ("tolk-" + std::to_string(::geteuid()));
}

auth_settings load_settings(const fs::path& event_file) {
    toml::value root;
    try {
        root = toml::parse(event_file.string());
    } catch (const toml::syntax_error& e) {
        throw settings_error(e.what());
    } catch (const std::runtime_error& e) {  // cannot open
        throw settings_error(event_file.string() + ": " + e.what());
    }
    return from_root(root, fs::absolute(event_file));
}

auth_settings parse_settings(const std::string& toml_text, const fs::path& origin) {
    std::istringstream in(toml_text);
    toml::value root;
    try {
        root = toml::parse(in, origin.string());
    } catch (const toml::syntax_error& e) {
        throw settings_error(e.what());
    }
    return from_root(root, fs::absolute(origin));
}

}  // namespace tolk::auth
