#pragma once
// The event file's [auth] table, read by the auth library itself (server::load_config accepts
// the table and leaves it to this reader):
//
//   [auth]
//   state_dir = "/var/lib/tolk"            # signing key + revocation list; see default_state_dir()
//   listener_passcode = "$argon2id$..."    # makes the event private (tolk-server password hash)
//   trusted_keys = ["k4.public...."]       # other nodes whose tokens this one accepts
//   [[auth.technicians]]
//   name = "alice"
//   password = "$argon2id$..."
//
// A relative state_dir is relative to the event file's folder.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::auth {

// Where the signing key lives when the event file does not say:
//   $STATE_DIRECTORY (systemd's StateDirectory=tolk sets it to /var/lib/tolk), else
//   /var/lib/tolk when running as root or when it exists and is writable, else
//   $XDG_STATE_HOME/tolk, else ~/.local/state/tolk.
std::filesystem::path default_state_dir();

struct technician_account {
    std::string name;
    std::string password_hash;  // $argon2id$…
};

struct auth_settings {
    std::filesystem::path state_dir = default_state_dir();
    std::string listener_passcode_hash;  // empty: a public event
    std::vector<technician_account> technicians;
    std::vector<std::string> trusted_keys;  // k4.public.…

    bool private_listeners() const { return !listener_passcode_hash.empty(); }
};

struct settings_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The [auth] table of an event file (defaults when there is none). Throws settings_error whose
// message names the file, the line and the problem (unknown keys, a hash that is not Argon2id, a
// key that is not k4.public).
auth_settings load_settings(const std::filesystem::path& event_file);
// The same from TOML text; `origin` names it in errors and anchors a relative state_dir.
auth_settings parse_settings(const std::string& toml_text, const std::filesystem::path& origin);

}  // namespace tolk::auth
