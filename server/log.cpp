#include "server/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <chrono>
#include <mutex>

namespace tolk::server {

namespace {

void append(spdlog::memory_buf_t& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// A message's text with control characters escaped: as in C for text lines, as JSON requires
// for JSON strings (which also escapes quotes and backslashes).
void append_escaped(spdlog::memory_buf_t& out, std::string_view s, bool json) {
    static constexpr char hex[] = "0123456789abcdef";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (json && (ch == '"' || ch == '\\')) {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c == '\n') {
            append(out, "\\n");
        } else if (c == '\r') {
            append(out, "\\r");
        } else if (c == '\t') {
            append(out, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            append(out, json ? "\\u00" : "\\x");
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        } else {
            out.push_back(ch);
        }
    }
}

class line_formatter final : public spdlog::formatter {
public:
    explicit line_formatter(log_format format) : format_(format) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
        // The time as spdlog's own pattern writes it (local time, milliseconds).
        spdlog::memory_buf_t time;
        time_.format(msg, time);
        const std::string_view when(time.data(), time.size() - 1);  // without the pattern's newline
        const auto level = spdlog::level::to_string_view(msg.level);
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
        if (format_ == log_format::json) {
            append(out, "{\"time\":\"");
            append(out, when);
            append(out, "\",\"level\":\"");
            append(out, {level.data(), level.size()});
            append(out, "\",\"logger\":\"");
            append_escaped(out, logger, true);
            append(out, "\",\"msg\":\"");
            append_escaped(out, payload, true);
            append(out, "\"}\n");
            return;
        }
        append(out, "[");
        append(out, when);
        append(out, "] [");
        append_escaped(out, logger, false);
        append(out, "] [");
        append(out, {level.data(), level.size()});
        append(out, "] ");
        append_escaped(out, payload, false);
        out.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<line_formatter>(format_); }

private:
    log_format format_;
    spdlog::pattern_formatter time_{"%Y-%m-%dT%H:%M:%S.%e%z"};
};

}  // namespace

std::shared_ptr<spdlog::logger> log(const std::string& component) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto existing = spdlog::get(component))
        return existing;
    return spdlog::stderr_color_mt(component);
}

std::unique_ptr<spdlog::formatter> make_log_formatter(log_format format) {
    return std::make_unique<line_formatter>(format);
}

void set_log_format(log_format format) { spdlog::set_formatter(make_log_formatter(format)); }

}  // namespace tolk::server
