#pragma once
// The operator's commands, dispatched from tolk-server's main:
//   tolk-server token issue --config EVENT.toml --role booth --channels fr --name "FR booth A" --ttl 12h
//       prints the token, then the ready link (<public_url>/booth?token=… for a booth,
//       <public_url>/?token=… for a listener); a summary (jti, expiry) goes to stderr
//   tolk-server token revoke JTI --config EVENT.toml
//   tolk-server key show-public --config EVENT.toml      prints k4.public.… (key id on stderr)
//   tolk-server password hash                            reads a password from stdin, prints $argon2id$…
// Without --config they act on the built-in demo event. The event id (a token's iss) is the
// event's name ([event] name); the keys live in the event's state_dir (settings.hpp).
// Exit status: 0 done, 1 a runtime failure (I/O, key file), 2 a usage or configuration error.

#include <string_view>

namespace tolk::auth {

// True for "token", "key" and "password": argv[1] of an operator command.
bool is_auth_command(std::string_view first_argument);

int run_auth_command(int argc, char** argv);

}  // namespace tolk::auth
