// The booth console's control messages (issue 12): see control_message.hpp and PROTOCOL.md,
// "Booth consoles".
#include "protocol/control_message_parts.hpp"

#include <cctype>

namespace tolk::protocol {
namespace detail {

// A string field of 1 to `max` bytes.
std::string get_text(const json& j, const char* key, std::size_t max) {
    auto s = get<std::string>(j, key);
    if (s.empty() || s.size() > max)
        throw field_error{std::string("field \"") + key + "\" must be 1 to " + std::to_string(max) + " characters"};
    return s;
}

// A string field that must be one of `allowed`.
std::string get_choice(const json& j, const char* key, std::initializer_list<std::string_view> allowed) {
    auto s = get<std::string>(j, key);
    std::string list;
    for (auto a : allowed) {
        if (s == a)
            return s;
        list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
    }
    throw field_error{std::string("field \"") + key + "\" must be one of " + list};
}

void codec<handover>::to(json& j, const handover& m) { j["action"] = m.action; }
handover codec<handover>::from(const json& j) { return {get_choice(j, "action", {"request", "accept", "decline"})}; }

void codec<cough>::to(json& j, const cough& m) { j["on"] = m.on; }
cough codec<cough>::from(const json& j) { return {get<bool>(j, "on")}; }

void codec<source_select>::to(json& j, const source_select& m) { j["source"] = m.source; }
source_select codec<source_select>::from(const json& j) { return {get_text(j, "source", 64)}; }

void codec<output_select>::to(json& j, const output_select& m) { j["channel"] = m.channel; }
output_select codec<output_select>::from(const json& j) { return {get_text(j, "channel", 64)}; }

void codec<slow_down>::to(json&, const slow_down&) {}
slow_down codec<slow_down>::from(const json&) { return {}; }

void codec<chat>::to(json& j, const chat& m) {
    j["to"] = m.to;
    j["text"] = m.text;
    if (!m.from.empty())
        j["from"] = m.from;
    if (!m.from_booth.empty())
        j["from_booth"] = m.from_booth;
    if (!m.channel.empty())
        j["channel"] = m.channel;
}
chat codec<chat>::from(const json& j) {
    return {get_choice(j, "to", {"partner", "booths", "technician"}), get_text(j, "text", 1000),
            get_or<std::string>(j, "from", ""), get_or<std::string>(j, "from_booth", ""),
            get_or<std::string>(j, "channel", "")};
}

void codec<booth_state>::to(json& j, const booth_state& m) {
    j["channel"] = m.channel;
    j["booth"] = m.booth;
    j["live"] = m.live;
    j["mic"] = m.mic;
    j["partners"] = m.partners;
    j["handover"] = m.handover;
    j["coughing"] = m.coughing;
    j["both_live"] = m.both_live;
    j["audience"] = m.audience;
    j["outputs"] = m.outputs;
    j["source"] = m.source;
    j["floor_language"] = m.floor_language;
    j["auto_source"] = m.auto_source;
    j["auto_reason"] = m.auto_reason;
}
booth_state codec<booth_state>::from(const json& j) {
    booth_state m;
    m.channel = get<std::string>(j, "channel");
    m.booth = get_or<std::string>(j, "booth", "");
    m.live = get<bool>(j, "live");
    m.mic = get_or<bool>(j, "mic", m.live);
    m.partners = get_int_or<std::uint32_t>(j, "partners", 0, 0, max_counter);
    m.handover = get_or<std::string>(j, "handover", "");
    m.coughing = get_or<bool>(j, "coughing", false);
    m.both_live = get_or<bool>(j, "both_live", false);
    m.audience = get_int_or<std::uint32_t>(j, "audience", 0, 0, max_counter);
    m.outputs = get_or<std::vector<std::string>>(j, "outputs", {});
    m.source = get_or<std::string>(j, "source", "");
    m.floor_language = get_or<std::string>(j, "floor_language", "");
    m.auto_source = get_or<std::string>(j, "auto_source", "");
    m.auto_reason = get_or<std::string>(j, "auto_reason", "");
    return m;
}

void codec<floor_language>::to(json& j, const floor_language& m) { j["language"] = m.language; }
floor_language codec<floor_language>::from(const json& j) {
    auto language = get<std::string>(j, "language");
    if (language.size() > 35)
        throw field_error{"field \"language\" must be a language code of at most 35 characters (\"\": unknown)"};
    for (char c : language)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-'))
            throw field_error{"field \"language\" must be a language code: letters, digits and '-' (\"de\", \"pt-BR\")"};
    return {std::move(language)};
}

}  // namespace detail

bool booth_only(const control_message& message) {
    return std::holds_alternative<handover>(message) || std::holds_alternative<cough>(message) ||
           std::holds_alternative<source_select>(message) || std::holds_alternative<output_select>(message) ||
           std::holds_alternative<slow_down>(message) || std::holds_alternative<chat>(message) ||
           std::holds_alternative<floor_language>(message);
}

}  // namespace tolk::protocol
