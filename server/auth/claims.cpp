#include "server/auth/claims.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace tolk::auth {
namespace {

// Reads exactly `digits` decimal digits at `pos`; advances pos.
std::optional<int> number(std::string_view s, std::size_t& pos, int digits) {
    if (pos + static_cast<std::size_t>(digits) > s.size())
        return std::nullopt;
    int v = 0;
    for (int i = 0; i < digits; ++i) {
        const char c = s[pos++];
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool expect(std::string_view s, std::size_t& pos, std::string_view any_of) {
    if (pos >= s.size() || any_of.find(s[pos]) == std::string_view::npos)
        return false;
    ++pos;
    return true;
}

}  // namespace

std::string_view name(role r) {
    switch (r) {
    case role::booth: return "booth";
    case role::technician: return "technician";
    case role::listener: return "listener";
    }
    return "?";
}

std::optional<role> parse_role(std::string_view text) {
    for (role r : {role::booth, role::technician, role::listener})
        if (name(r) == text)
            return r;
    return std::nullopt;
}

bool claims::allows_channel(std::string_view channel) const {
    return std::any_of(channels.begin(), channels.end(), [&](const std::string& c) {
        return c == channel || (c == all_channels && who != role::booth);
    });
}

std::string format_rfc3339(seconds_point t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

std::optional<seconds_point> parse_rfc3339(std::string_view s) {
    std::size_t pos = 0;
    auto year = number(s, pos, 4);
    if (!year || !expect(s, pos, "-"))
        return std::nullopt;
    auto month = number(s, pos, 2);
    if (!month || !expect(s, pos, "-"))
        return std::nullopt;
    auto mday = number(s, pos, 2);
    if (!mday || !expect(s, pos, "Tt"))
        return std::nullopt;
    auto hour = number(s, pos, 2);
    if (!hour || !expect(s, pos, ":"))
        return std::nullopt;
    auto minute = number(s, pos, 2);
    if (!minute || !expect(s, pos, ":"))
        return std::nullopt;
    auto second = number(s, pos, 2);
    if (!second)
        return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {  // fraction: at least one digit, then ignored
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
            ++pos;
        if (pos == start)
            return std::nullopt;
    }
    int offset_minutes = 0;
    if (expect(s, pos, "Zz")) {
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos++] == '-' ? -1 : 1;
        auto oh = number(s, pos, 2);
        if (!oh || !expect(s, pos, ":"))
            return std::nullopt;
        auto om = number(s, pos, 2);
        if (!om || *oh > 23 || *om > 59)
            return std::nullopt;
        offset_minutes = sign * (*oh * 60 + *om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                          std::chrono::day{static_cast<unsigned>(*mday)}};
    if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60)  // 60: a leap second
        return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute - offset_minutes} +
           std::chrono::seconds{*second};
}

std::string to_json(const claims& c) {
    nlohmann::json j{{"iss", c.issuer},
                     {"sub", c.subject},
                     {"role", name(c.who)},
                     {"channels", c.channels},
                     {"iat", format_rfc3339(c.issued_at)},
                     {"nbf", format_rfc3339(c.not_before)},
                     {"exp", format_rfc3339(c.expires)},
                     {"jti", c.token_id}};
    return j.dump();
}

std::optional<claims> claims_from_json(std::string_view json) {
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object())
        return std::nullopt;
    auto text = [&](const char* key) -> std::optional<std::string> {
        if (!j.contains(key) || !j.at(key).is_string())
            return std::nullopt;
        return j.at(key).get<std::string>();
    };
    // A time the system clock cannot hold (nanoseconds since 1970: years 1678 to 2262) is
    // refused: verify() compares it with the clock's now, which would overflow (found by fuzzing).
    auto time = [&](const char* key) -> std::optional<seconds_point> {
        auto t = text(key);
        auto p = t ? parse_rfc3339(*t) : std::nullopt;
        constexpr auto limit = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max());
        if (!p || p->time_since_epoch() > limit || p->time_since_epoch() < -limit)
            return std::nullopt;
        return p;
    };
    claims c;
    auto iss = text("iss"), sub = text("sub"), role_text = text("role"), jti = text("jti");
    auto iat = time("iat"), nbf = time("nbf"), exp = time("exp");
    if (!iss || !sub || !role_text || !jti || !iat || !nbf || !exp || !j.contains("channels") ||
        !j.at("channels").is_array())
        return std::nullopt;
    auto r = parse_role(*role_text);
    if (!r)
        return std::nullopt;
    for (const auto& ch : j.at("channels")) {
        if (!ch.is_string())
            return std::nullopt;
        c.channels.push_back(ch.get<std::string>());
    }
    c.issuer = std::move(*iss);
    c.subject = std::move(*sub);
    c.who = *r;
    c.token_id = std::move(*jti);
    c.issued_at = *iat;
    c.not_before = *nbf;
    c.expires = *exp;
    return c;
}

}  // namespace tolk::auth
