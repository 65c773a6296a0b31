#include "server/config.hpp"

#include "server/auth/password.hpp"
#include "server/config_monitor.hpp"
#include "server/origin_check.hpp"

#include <boost/asio/ip/address.hpp>
#include <toml.hpp>

#include <cctype>
#include <set>
#include <type_traits>

namespace tolk::server {
namespace {

// A key that is present must have the right type; toml::get throws with file and line then.
template <class T>
T get_or(const toml::value& table, const char* key, T fallback) {
    if (!table.is_table() || !table.contains(key))
        return fallback;
    if constexpr (std::is_floating_point_v<T>) {
        if (table.at(key).is_integer())  // `ratio = 2` means 2.0
            return static_cast<T>(table.at(key).as_integer());
    }
    return toml::get<T>(table.at(key));
}

void check_known_keys(const toml::value& table, std::initializer_list<const char*> known) {
    if (!table.is_table())
        return;
    for (const auto& [key, value] : table.as_table()) {
        bool ok = false;
        for (const char* k : known)
            ok = ok || key == k;
        if (!ok)
            fail_at(value, "unknown key \"" + key + "\"", "not a tolk setting (a typo?)");
    }
}

// The floor's name in the page's UI languages, unless the event names it.
constexpr const char* floor_label = "Floor / original";
std::map<std::string, std::string> floor_labels() {
    return {{"en", floor_label}, {"es", "Sala / original"}, {"fr", "Salle / original"}};
}

bool valid_ui_language(const std::string& code) {  // BCP 47-ish: "fr", "pt-br"
    if (code.empty() || code.size() > 16)
        return false;
    for (char ch : code)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-'))
            return false;
    return true;
}

// `labels = { fr = "Salle / original", es = "Sala / original" }`: the label by UI language.
// The floor (language "mul", or id "floor") with neither label nor labels gets the built-in names.
void read_labels(const toml::value& v, channel_config& c) {
    if (!v.contains("labels")) {
        if ((c.language == "mul" || c.id == "floor") && !v.contains("label")) {
            c.label = floor_label;
            c.labels = floor_labels();
        }
        return;
    }
    const auto& labels = v.at("labels");
    if (!labels.is_table())
        fail_at(labels, "\"labels\" must be a table", R"(write labels = { fr = "...", es = "..." })");
    for (const auto& [lang, text] : labels.as_table()) {
        if (!valid_ui_language(lang))
            fail_at(text, "\"" + lang + "\" is not a language code", R"(use codes such as "fr" or "pt-br")");
        if (!text.is_string() || text.as_string().str.empty())
            fail_at(text, "the label for \"" + lang + "\" must be a non-empty string", "");
        c.labels[lang] = text.as_string().str;
    }
}

channel_config read_channel(const toml::value& v) {
    if (!v.is_table())
        fail_at(v, "a channel must be a table", "write [[channels]] with id, language, label");
    check_known_keys(v, {"id", "language", "label", "labels", "source_password"});
    if (!v.contains("id"))
        fail_at(v, "channel without an id", "every [[channels]] needs id = \"...\"");
    channel_config c;
    c.id = toml::get<std::string>(v.at("id"));
    c.language = get_or<std::string>(v, "language", c.id);
    c.label = get_or<std::string>(v, "label", c.id);
    read_labels(v, c);
    if (v.contains("source_password")) {
        c.source_password = toml::get<std::string>(v.at("source_password"));
        if (!auth::is_password_hash(c.source_password))
            fail_at(v.at("source_password"), "source_password is not an Argon2id hash",
                    "store \"$argon2id$...\" as printed by: tolk-server password hash");
    }
    return c;
}

bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64)
        return false;
    for (char ch : id)
        if (!(std::islower(static_cast<unsigned char>(ch)) ||
              std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'))
            return false;
    return true;
}

}  // namespace

[[noreturn]] void fail_at(const toml::value& where, const std::string& what, const std::string& hint) {
    throw config_error(toml::format_error("[error] " + what, where, hint));
}


server_config demo_config() {
    server_config c;
    c.event_name = "tolk demo: committee day";
    c.demo = true;
    c.channels = {
        {"floor", "mul", floor_label, floor_labels()},
        {"en", "en", "English", {}},
        {"fr", "fr", "Français", {}},
        {"es", "es", "Español", {}},
    };
    return c;
}

void parse_listen(const std::string& text, server_config& config) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size())
        throw config_error("listen address \"" + text + "\" must be HOST:PORT");
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = 0;
    try {
        std::size_t used = 0;
        port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1)
            throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
        throw config_error("listen address \"" + text + "\": port is not a number");
    }
    if (port < 0 || port > 65535)
        throw config_error("listen address \"" + text + "\": port out of range");
    config.listen_address = host.empty() ? "0.0.0.0" : host;
    config.listen_port = static_cast<std::uint16_t>(port);
}

namespace {

toml::value parse_file(const std::filesystem::path& file) {
    try {
        return toml::parse(file.string());
    } catch (const toml::syntax_error& e) {
        throw config_error(e.what());
    } catch (const std::runtime_error& e) {  // cannot open
        throw config_error(file.string() + ": " + e.what());
    }
}

void read_event(const toml::value& root, server_config& c) {
    if (!root.contains("event"))
        return;
    const auto& event = root.at("event");
    check_known_keys(event, {"name"});
    c.event_name = get_or<std::string>(event, "name", c.event_name);
}

void read_server(const toml::value& root, server_config& c) {
    if (!root.contains("server"))
        return;
    const auto& server = root.at("server");
    check_known_keys(server, {"listen", "io_threads", "tls_cert", "tls_key", "web_root", "public_url",
                              "allowed_origins", "require_tls", "trusted_proxies"});
    if (server.contains("listen")) {
        try {
            parse_listen(toml::get<std::string>(server.at("listen")), c);
        } catch (const config_error& e) {
            fail_at(server.at("listen"), e.what(), "for example \"0.0.0.0:8080\"");
        }
    }
    c.io_threads = get_or<int>(server, "io_threads", c.io_threads);
    c.tls_cert = get_or<std::string>(server, "tls_cert", c.tls_cert);
    c.tls_key = get_or<std::string>(server, "tls_key", c.tls_key);
    c.web_root = get_or<std::string>(server, "web_root", c.web_root);
    c.public_url = get_or<std::string>(server, "public_url", c.public_url);
    c.require_tls = get_or<bool>(server, "require_tls", c.require_tls);
    c.allowed_origins = get_or<std::vector<std::string>>(server, "allowed_origins", c.allowed_origins);
    c.trusted_proxies = get_or<std::vector<std::string>>(server, "trusted_proxies", c.trusted_proxies);
}

void read_audio(const toml::value& root, server_config& c) {
    if (!root.contains("audio"))
        return;
    const auto& audio = root.at("audio");
    check_known_keys(audio, {"bitrate", "listener_queue_ms"});
    c.bitrate = get_or<int>(audio, "bitrate", c.bitrate);
    c.limits.listener_queue_ms = get_or<int>(audio, "listener_queue_ms", c.limits.listener_queue_ms);
}

void read_limits(const toml::value& root, server_config& c) {
    if (!root.contains("limits"))
        return;
    const auto& l = root.at("limits");
    check_known_keys(l, {"max_message_bytes", "max_audio_ratio", "audio_burst_seconds", "booth_link_timeout_ms",
                         "hello_timeout_ms", "max_connections", "stall_timeout_ms", "max_protocol_errors",
                         "listener_send_buffer", "max_connections_per_address", "reserved_slots",
                         "header_timeout_ms", "keepalive_seconds", "tcp_user_timeout_ms"});
    auto& to = c.limits;
    to.max_message_bytes = get_or<std::size_t>(l, "max_message_bytes", to.max_message_bytes);
    to.max_audio_ratio = get_or<double>(l, "max_audio_ratio", to.max_audio_ratio);
    to.audio_burst_seconds = get_or<double>(l, "audio_burst_seconds", to.audio_burst_seconds);
    to.booth_link_timeout_ms = get_or<int>(l, "booth_link_timeout_ms", to.booth_link_timeout_ms);
    to.hello_timeout_ms = get_or<int>(l, "hello_timeout_ms", to.hello_timeout_ms);
    to.max_connections = get_or<std::size_t>(l, "max_connections", to.max_connections);
    to.stall_timeout_ms = get_or<int>(l, "stall_timeout_ms", to.stall_timeout_ms);
    to.max_protocol_errors = get_or<int>(l, "max_protocol_errors", to.max_protocol_errors);
    to.listener_send_buffer = get_or<int>(l, "listener_send_buffer", to.listener_send_buffer);
    to.max_connections_per_address = get_or<std::size_t>(l, "max_connections_per_address", to.max_connections_per_address);
    to.reserved_slots = get_or<std::size_t>(l, "reserved_slots", to.reserved_slots);
    to.header_timeout_ms = get_or<int>(l, "header_timeout_ms", to.header_timeout_ms);
    to.keepalive_seconds = get_or<int>(l, "keepalive_seconds", to.keepalive_seconds);
    to.tcp_user_timeout_ms = get_or<int>(l, "tcp_user_timeout_ms", to.tcp_user_timeout_ms);
}

// A table of booth name -> list of strings, every entry checked (toml11's own message for a wrong
// type names the line, not what tolk wanted there).
std::map<std::string, std::vector<std::string>> booth_lists(const toml::value& b, const char* key, const char* what) {
    std::map<std::string, std::vector<std::string>> out;
    if (!b.contains(key))
        return out;
    const auto& t = b.at(key);
    if (!t.is_table())
        fail_at(t, std::string(key) + " must be a table of booth names", std::string("{ \"FR booth\" = [") + what + "] }");
    for (const auto& [booth, list] : t.as_table()) {
        if (!list.is_array())
            fail_at(list, "booth \"" + booth + "\": " + key + " must be a list", std::string("[") + what + "]");
        for (const auto& item : list.as_array())
            if (!item.is_string())
                fail_at(item, "booth \"" + booth + "\": " + key + " lists strings only", std::string("[") + what + "]");
        out[booth] = toml::get<std::vector<std::string>>(list);
    }
    return out;
}

void read_auto_relay(const toml::value& b, booths_config& to) {
    to.works_from = booth_lists(b, "works_from", "\"en\", \"es\"");
    to.pivot = get_or<std::string>(b, "pivot", "");
    to.floor = get_or<std::string>(b, "floor", "");
    if (b.contains("pivots")) {
        const auto& t = b.at("pivots");
        if (!t.is_table())
            fail_at(t, "pivots must be a table of booth names", "{ \"FR booth\" = \"es\" }");
        for (const auto& [booth, pivot] : t.as_table()) {
            if (!pivot.is_string())
                fail_at(pivot, "booth \"" + booth + "\": a pivot is one channel id", "\"en\"");
            to.pivots[booth] = toml::get<std::string>(pivot);
        }
    }
}

void read_booths(const toml::value& root, server_config& c) {
    if (!root.contains("booths"))
        return;
    const auto& b = root.at("booths");
    check_known_keys(b, {"policy", "handover_timeout_ms", "outputs", "works_from", "pivot", "pivots", "floor",
                         "ear_ceiling_dbfs", "ear_sustained_dbfs", "ear_warning_dbfs"});
    const auto policy = get_or<std::string>(b, "policy", "interlock");
    if (policy == "override")
        c.booths.policy = booth_policy::override;
    else if (policy != "interlock")
        fail_at(b.at("policy"), "policy \"" + policy + "\" is not known", "\"interlock\" or \"override\"");
    c.booths.handover_timeout_ms = get_or<int>(b, "handover_timeout_ms", c.booths.handover_timeout_ms);
    c.booths.outputs = get_or<std::map<std::string, std::vector<std::string>>>(b, "outputs", {});
    c.booths.ear_ceiling_dbfs = get_or<double>(b, "ear_ceiling_dbfs", c.booths.ear_ceiling_dbfs);
    c.booths.ear_sustained_dbfs = get_or<double>(b, "ear_sustained_dbfs", c.booths.ear_sustained_dbfs);
    c.booths.ear_warning_dbfs = get_or<double>(b, "ear_warning_dbfs", c.booths.ear_warning_dbfs);
    read_auto_relay(b, c.booths);
}

void read_cluster(const toml::value& root, server_config& c) {
    if (!root.contains("cluster"))
        return;
    const auto& t = root.at("cluster");
    check_known_keys(t, {"nats_url", "node", "claim_ttl_ms", "status_interval_ms", "claim_replicas"});
    auto& to = c.cluster;
    to.nats_url = get_or<std::string>(t, "nats_url", to.nats_url);
    to.node = get_or<std::string>(t, "node", to.node);
    to.claim_ttl_ms = get_or<int>(t, "claim_ttl_ms", to.claim_ttl_ms);
    to.status_interval_ms = get_or<int>(t, "status_interval_ms", to.status_interval_ms);
    to.claim_replicas = get_or<int>(t, "claim_replicas", to.claim_replicas);
}

void read_channels(const toml::value& channels, server_config& c) {
    if (!channels.is_array())
        fail_at(channels, "\"channels\" must be an array of tables", "write [[channels]] sections");
    std::set<std::string> seen;
    for (const auto& v : channels.as_array()) {
        channel_config ch = read_channel(v);
        if (!valid_id(ch.id))
            fail_at(v.at("id"), "channel id \"" + ch.id + "\" is not valid",
                    "1-64 characters of a-z, 0-9, - and _");
        if (!seen.insert(ch.id).second)
            fail_at(v.at("id"), "channel id \"" + ch.id + "\" appears twice", "ids must be unique");
        c.channels.push_back(std::move(ch));
    }
}

// Auto-relay: pivots and the floor are channels; languages are BCP 47 tags.
void validate_auto_relay(const booths_config& b, const std::set<std::string>& channels) {
    auto channel = [&](const std::string& id, const std::string& what) {
        if (!id.empty() && !channels.count(id))
            throw config_error("[booths] " + what + " \"" + id + "\" is not a channel of this event");
    };
    channel(b.pivot, "pivot");
    channel(b.floor, "floor");
    for (const auto& [booth, pivot] : b.pivots)
        channel(pivot, "booth \"" + booth + "\": pivot");
    for (const auto& [booth, languages] : b.works_from) {
        if (languages.empty())
            throw config_error("[booths] booth \"" + booth + "\": works_from lists no language");
        for (const auto& l : languages)
            if (!is_language_tag(l))
                throw config_error("[booths] booth \"" + booth + "\": works_from: \"" + l.substr(0, 40) +
                                   "\" is not a language code (\"en\", \"pt-BR\")");
    }
}

}  // namespace

bool is_language_tag(std::string_view text) {
    if (text.empty() || text.size() > 35 || text.front() == '-' || text.back() == '-')
        return false;
    for (char ch : text)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-'))
            return false;
    return true;
}

server_config load_config(const std::filesystem::path& file) {
    const toml::value root = parse_file(file);
    server_config c;
    c.channels.clear();
    c.event_file = file;
    try {
        check_known_keys(root, {"event", "server", "audio", "limits", "channels", "auth", "alarms", "recording",
                                "booths", "cluster"});  // [auth]: server/auth/settings.hpp
        read_event(root, c);
        read_booths(root, c);
        read_server(root, c);
        read_audio(root, c);
        read_limits(root, c);
        read_monitor_config(root, c);
        read_cluster(root, c);
        if (!root.contains("channels"))
            throw config_error(file.string() + ": no [[channels]]: an event needs at least one channel");
        read_channels(root.at("channels"), c);
    } catch (const toml::exception& e) {  // type errors carry the file and line
        throw config_error(e.what());
    }
    try {
        validate(c);
    } catch (const config_error& e) {
        throw config_error(file.string() + ": " + e.what());
    }
    return c;
}

namespace {

// Returns the channel ids, each checked and once.
std::set<std::string> validate_channels(const server_config& c) {
    if (c.channels.empty())
        throw config_error("the event has no channels");
    if (c.channels.size() > 1000)
        throw config_error("more than 1000 channels");
    std::set<std::string> seen;
    for (const auto& ch : c.channels) {
        if (!valid_id(ch.id))
            throw config_error("channel id \"" + ch.id + "\" is not valid (1-64 characters of a-z, 0-9, - and _)");
        if (!seen.insert(ch.id).second)
            throw config_error("channel id \"" + ch.id + "\" appears twice");
    }
    return seen;
}

void validate_limits(const server_config& c) {
    const auto& l = c.limits;
    if (l.listener_queue_ms < 20 || l.listener_queue_ms > 10'000)
        throw config_error("listener_queue_ms must be within 20..10000");
    if (l.stall_timeout_ms < 100)
        throw config_error("stall_timeout_ms must be at least 100");
    if (l.max_message_bytes < 4096)
        throw config_error("max_message_bytes must be at least 4096");
    if (!(l.max_audio_ratio >= 1.05 && l.max_audio_ratio <= 100))
        throw config_error("max_audio_ratio must be within 1.05..100 (times real time)");
    if (!(l.audio_burst_seconds >= 0.5 && l.audio_burst_seconds <= 60))
        throw config_error("audio_burst_seconds must be within 0.5..60");
    if (l.booth_link_timeout_ms < 1000 || l.booth_link_timeout_ms > 600'000)
        throw config_error("booth_link_timeout_ms must be within 1000..600000");
    if (l.hello_timeout_ms < 100 || l.hello_timeout_ms > 60'000)
        throw config_error("hello_timeout_ms must be within 100..60000");
    if (l.max_connections < 1)
        throw config_error("max_connections must be at least 1");
    if (l.max_connections_per_address < 1)
        throw config_error("max_connections_per_address must be at least 1");
    if (l.reserved_slots > 10'000)
        throw config_error("reserved_slots must be within 0..10000");
    if (l.header_timeout_ms < 100 || l.header_timeout_ms > 600'000)
        throw config_error("header_timeout_ms must be within 100..600000");
    if (l.keepalive_seconds < 0 || l.keepalive_seconds > 7200)
        throw config_error("keepalive_seconds must be 0 (off) or within 1..7200");
    if (l.tcp_user_timeout_ms < 0 || l.tcp_user_timeout_ms > 3'600'000)
        throw config_error("tcp_user_timeout_ms must be 0 (OS default) or within 1..3600000");
    if (l.listener_send_buffer < 0)
        throw config_error("listener_send_buffer must be 0 (OS default) or a size in bytes");
}

void validate_network(const server_config& c) {
    if (c.io_threads < 0 || c.io_threads > 256)
        throw config_error("io_threads must be within 0..256");
    if (c.tls_cert.empty() != c.tls_key.empty())
        throw config_error("tls_cert and tls_key go together: give both or neither");
    if (c.require_tls && c.tls_cert.empty())
        throw config_error("require_tls needs tls_cert and tls_key");
    for (const auto& proxy : c.trusted_proxies) {
        boost::system::error_code ec;
        boost::asio::ip::make_address(proxy, ec);
        if (ec)
            throw config_error("trusted_proxies: \"" + proxy + "\" is not an IP address");
    }
    for (const auto& origin : c.allowed_origins)
        if (normalize_origin(origin).empty())
            throw config_error("allowed_origins: \"" + origin + "\" is not an origin (write \"https://host\" or \"https://host:port\")");
}

void validate_booths(const server_config& c, const std::set<std::string>& seen) {
    if (c.booths.handover_timeout_ms < 0 || c.booths.handover_timeout_ms > 3'600'000)
        throw config_error("handover_timeout_ms must be within 0..3600000 (0: never by itself)");
    const auto& ear = c.booths;  // the ranges codec/peak_limiter accepts
    if (!(ear.ear_ceiling_dbfs >= -40 && ear.ear_ceiling_dbfs <= 0) ||
        !(ear.ear_sustained_dbfs >= -60 && ear.ear_sustained_dbfs <= ear.ear_ceiling_dbfs) ||
        !(ear.ear_warning_dbfs >= -60 && ear.ear_warning_dbfs <= 0))
        throw config_error("[booths] ear protection: ear_ceiling_dbfs must be within -40..0, ear_sustained_dbfs within "
                           "-60..ear_ceiling_dbfs, ear_warning_dbfs within -60..0 (dBFS)");
    for (const auto& [booth, outputs] : c.booths.outputs) {
        if (outputs.empty() || outputs.size() > 2)
            throw config_error("booth \"" + booth + "\": outputs must list one or two channels (A, B)");
        for (const auto& o : outputs)
            if (!seen.count(o))
                throw config_error("booth \"" + booth + "\": output \"" + o + "\" is not a channel of this event");
    }
    validate_auto_relay(c.booths, seen);
}

}  // namespace

void validate(const server_config& c) {
    const auto channels = validate_channels(c);
    validate_limits(c);
    validate_network(c);
    validate_booths(c, channels);
    if (c.cluster.claim_ttl_ms < 1000 || c.cluster.claim_ttl_ms > 60'000)
        throw config_error("[cluster] claim_ttl_ms must be within 1000..60000");
    if (c.cluster.status_interval_ms < 100 || c.cluster.status_interval_ms * 2 > c.cluster.claim_ttl_ms)
        throw config_error("[cluster] status_interval_ms must be at least 100 and at most half of claim_ttl_ms");
    if (c.cluster.claim_replicas < 1 || c.cluster.claim_replicas > 5)
        throw config_error("[cluster] claim_replicas must be within 1..5");
    if (c.bitrate < 6000 || c.bitrate > 510'000)
        throw config_error("bitrate must be within 6000..510000");
}

}  // namespace tolk::server
