#pragma once
// The server's whole configuration: one struct with defaults, loaded from TOML or built in.
// Built once at start-up and passed down by const&; nobody mutates it afterwards.

#include "server/monitor/alarm_thresholds.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::server {

struct channel_config {
    std::string id;        // "fr": what clients subscribe to (1-64 chars: a-z 0-9 - _)
    std::string language;  // BCP 47 code: "fr"
    std::string label;     // in its own language: "Français"
    // The label by UI language where it should differ from `label` ("fr" -> "Salle / original");
    // the phone app shows labels[its language], else `label`.
    std::map<std::string, std::string> labels;
    // "$argon2id$..." (tolk-server password hash): an Icecast encoder's source password for this
    // channel, where a booth token does not fit the encoder (server/icecast). Empty: tokens only.
    std::string source_password;
};

struct limits_config {
    std::size_t max_message_bytes = 16 * 1024;  // any one WebSocket message
    // Per booth: audio published at most this many times real time, sustained (server/audio_budget),
    // with a burst of this many seconds of audio on top (a stalled network's backlog).
    double max_audio_ratio = 1.5;
    double audio_burst_seconds = 5;
    // A booth link with neither frames nor messages for this long is lost: its channel goes off
    // air (the server pings a quiet booth halfway through; a live client answers).
    int booth_link_timeout_ms = 3'000;
    // A booth that connects without a token must send its hello (carrying one) within this time.
    int hello_timeout_ms = 5'000;
    std::size_t max_connections = 50'000;
    // Listeners and web requests from one client address (server/admission.hpp); booths and
    // technicians are not held to it.
    std::size_t max_connections_per_address = 64;
    // Connections beyond max_connections that only booths and technicians may use.
    std::size_t reserved_slots = 16;
    // A connection's request (TLS handshake included) must arrive within this time.
    int header_timeout_ms = 10'000;
    // TCP keep-alive: a quiet connection is probed after this many seconds, then every half of
    // it, three times; a client that left the Wi-Fi is found within ~2x this time.
    int keepalive_seconds = 10;
    // Data the client has not acknowledged for this long ends the connection (TCP_USER_TIMEOUT).
    int tcp_user_timeout_ms = 20'000;
    int listener_queue_ms = 200;  // audio queued per listener and channel before it is dropped
    int stall_timeout_ms = 5'000;  // a write pending this long closes the listener
    int max_protocol_errors = 10;  // malformed control messages before a close
    // Kernel send buffer per listener socket: small, so that a listener who falls behind is
    // resynchronised from our queue instead of hearing stale audio from the kernel's. 0: OS default.
    int listener_send_buffer = 32 * 1024;
};

// [recording]: each listed channel's on-air segments written as Ogg Opus files to `folder`.
struct recording_config {
    std::string folder;                 // empty: no recording
    std::vector<std::string> channels;  // empty: every channel
};

// [booths]: how booths share channels (server/booth_desks).
enum class booth_policy {
    interlock,  // a second booth is refused while a channel is held (4001)
    override,   // a second booth takes the channel; the previous one is closed (4010 overridden)
};
struct booths_config {
    booth_policy policy = booth_policy::interlock;
    // A passive console that asked to take over does so after this long if the live one has not
    // answered (0: only when accepted or forced by a technician).
    int handover_timeout_ms = 10'000;
    // A booth's A/B outputs by booth name (`?booth=NAME`): the channels it may switch between.
    std::map<std::string, std::vector<std::string>> outputs;
    // Auto-relay (booth_desks): the languages each booth works from, by booth name (`?booth=NAME`,
    // else its token's name). When the floor language is not one of them, the booth's console is
    // told to relay `pivot` (or its own entry in `pivots`), a channel id; else the floor.
    std::map<std::string, std::vector<std::string>> works_from;
    std::string pivot;
    std::map<std::string, std::string> pivots;
    // The floor channel's id; empty: the channel with id "floor", else the first of language "mul".
    std::string floor;
    // Ear protection on what booth consoles play (codec/peak_limiter, dBFS; sent in a booth's
    // welcome): the hard ceiling, the limit once sound stays loud, the one-minute warning level.
    double ear_ceiling_dbfs = -1;
    double ear_sustained_dbfs = -9;
    double ear_warning_dbfs = -18;
};

// [cluster]: several tolk nodes over NATS (server/cluster, deploy/README.md). Empty nats_url:
// one node, no NATS, exactly as without the table.
struct cluster_config {
    std::string nats_url;    // "nats://127.0.0.1:4222"; several, comma-separated
    std::string node;        // this node's name (technicians see it); empty: the host name
    int claim_ttl_ms = 3'000;  // a dead node's booth claims expire after this (the KV bucket's TTL)
    int status_interval_ms = 1'000;  // each node's channel state is published this often
    int claim_replicas = 1;  // copies of the claims bucket: 1 on one NATS server, 3 on a cluster of 3
};

struct server_config {
    std::string event_name = "tolk demo event";
    std::vector<channel_config> channels;
    std::string listen_address = "0.0.0.0";
    std::uint16_t listen_port = 8080;
    int io_threads = 0;  // 0: one per core
    std::string tls_cert;    // PEM chain; with tls_key, HTTPS/WSS on the same port as HTTP
    std::string tls_key;
    // With tls_cert/tls_key: plain HTTP is redirected to HTTPS (but /healthz from loopback),
    // HTTPS answers carry HSTS, and booths and technicians are refused on plain connections.
    bool require_tls = false;
    std::string web_root;    // the built phone app; empty: next to the executable (../web/listen)
    std::string public_url;  // what phones should open; empty: the first LAN address
    // Pages (besides this server's own) that may open WebSockets here: "https://host[:port]".
    std::vector<std::string> allowed_origins;
    // Reverse proxies whose X-Forwarded-For names the client (admission per address).
    std::vector<std::string> trusted_proxies;
    int bitrate = 32'000;  // what booths are asked to send
    // Signed roles (server/auth): the event file's [auth] table is read from event_file. The
    // built-in demo event (demo) accepts booths without a token from loopback only.
    bool demo = false;
    std::filesystem::path event_file;  // empty: no [auth] table (defaults)
    limits_config limits;
    monitor::alarm_thresholds alarms;  // [alarms]
    recording_config recording;        // [recording]
    booths_config booths;              // [booths]
    cluster_config cluster;            // [cluster]
};

// The built-in demo event: floor, English, French, Spanish.
server_config demo_config();

// Reads a TOML file. Throws config_error whose message names the file, the line and the problem.
server_config load_config(const std::filesystem::path& file);

// Checks what the file format cannot: ids unique and well-formed, limits sensible.
// Throws config_error.
void validate(const server_config& config);

// A BCP 47-like language tag: 1 to 35 letters, digits and '-' ("en", "pt-BR", "mul").
bool is_language_tag(std::string_view text);

// "HOST:PORT" or "[v6]:PORT"; throws config_error.
void parse_listen(const std::string& text, server_config& config);

struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace tolk::server
