#include "tests/bench/tools/icecast_fleet.hpp"

#include "tests/bench/tools/http_head.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tolk::bench::icecast {

namespace {

constexpr std::size_t max_response_head = 16 * 1024;

raw::fleet_plan plan_for(const icecast_options& o) {
    raw::fleet_plan p;
    p.connections = static_cast<std::size_t>(std::max(o.listeners, 0));
    p.max_connecting = o.max_connecting;
    p.duration_s = o.duration_s;
    p.watch_pid = o.watch_pid;
    // Icecast answers some of a burst of GETs only after 10+ s (ramps of ~14 s were seen at
    // 1,000 listeners without a timeout): be patient, but bounded.
    p.connect_timeout = std::chrono::seconds(60);
    p.connect_rate = o.connect_rate;
    p.log_name = "icecast-load";
    return p;
}

}  // namespace

icecast_fleet::icecast_fleet(const icecast_options& options, const std::vector<std::unique_ptr<mount_clock>>& clocks)
    : options_(options), clocks_(clocks), driver_(plan_for(options)) {
    listeners_.resize(driver_.plan().connections);
    for (std::size_t i = 0; i < listeners_.size(); ++i)
        listeners_[i].mount = static_cast<std::uint16_t>(i % std::max<std::size_t>(options_.mounts.size(), 1));
}

icecast_fleet::~icecast_fleet() {
    for (auto& l : listeners_)
        if (l.fd >= 0)
            ::close(l.fd);
}

load_run icecast_fleet::run() {
    address_ = raw::resolve_tcp(options_.host, static_cast<std::uint16_t>(options_.port), &resolve_error_);
    return driver_.run(*this);
}

void icecast_fleet::launch(std::size_t i, std::int64_t now_us) {
    listener& l = listeners_[i];
    l.attempt_started_us = now_us;
    if (!address_) {
        lose(i, "connect: " + resolve_error_);
        return;
    }
    std::string error;
    l.fd = raw::open_connecting(*address_, 0, &error);
    if (l.fd < 0) {
        lose(i, "connect: " + error);
        return;
    }
    l.state = phase::connecting;
    if (!driver_.events().add(l.fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, i))
        lose(i, std::string("connect: epoll_ctl: ") + std::strerror(errno));
}

void icecast_fleet::on_ready(std::uint64_t tag, std::uint32_t events) {
    const auto i = static_cast<std::size_t>(tag);
    listener& l = listeners_[i];
    if (l.state == phase::connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (const int error = raw::socket_error(l.fd)) {
            lose(i, std::string("connect: ") + std::strerror(error));
            return;
        }
        l.state = phase::heading;
        const std::string path = options_.tolk_stream ? "/stream/" + options_.mounts[l.mount] + ".ogg"
                                                      : "/" + options_.mounts[l.mount];
        const std::string request = "GET " + path + " HTTP/1.0\r\nUser-Agent: tolk-icecast-load\r\n\r\n";
        // A fresh socket's send buffer takes a request this small whole.
        const long n = raw::send_some(l.fd, {reinterpret_cast<const std::uint8_t*>(request.data()), request.size()});
        if (n != static_cast<long>(request.size()))
            lose(i, std::string("http: request not sent: ") + (n < 0 ? std::strerror(errno) : "send buffer full"));
        return;
    }
    const bool readable = (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    if (readable && (l.state == phase::heading || l.state == phase::open))
        read_all(i);
}

void icecast_fleet::on_tick(std::int64_t now_us) {
    if (!driver_.connecting())
        return;
    for (std::size_t i = 0; i < driver_.attempted(); ++i) {
        const listener& l = listeners_[i];
        if ((l.state == phase::connecting || l.state == phase::heading) &&
            driver_.attempt_expired(l.attempt_started_us, now_us))
            lose(i, l.state == phase::connecting ? "connect: timed out" : "http: timed out waiting for the response");
    }
}

void icecast_fleet::close_all() {
    for (std::size_t i = 0; i < driver_.attempted(); ++i) {
        listener& l = listeners_[i];
        if ((l.state == phase::connecting || l.state == phase::heading) && l.stats.close_reason.empty())
            l.stats.close_reason = "stopped";
        release(l);
    }
}

void icecast_fleet::read_all(std::size_t i) {
    listener& l = listeners_[i];
    const auto ended = driver_.drain(l.fd, [&](std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
        consume(i, bytes, rx);
        return l.state == phase::heading || l.state == phase::open;
    });
    if (!ended)
        return;
    const bool heading = l.state == phase::heading;
    if (*ended == 0)
        lose(i, heading ? "http: connection closed before the response" : "");
    else
        lose(i, std::string(heading ? "http: " : "") + std::strerror(*ended));
}

void icecast_fleet::consume(std::size_t i, std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
    listener& l = listeners_[i];
    if (l.state == phase::heading) {
        std::vector<std::uint8_t> rest;
        if (on_head(i, bytes, rest) && !rest.empty())
            consume(i, rest, rx);
        return;
    }
    const mount_clock* clock = l.mount < clocks_.size() ? clocks_[l.mount].get() : nullptr;
    l.pages.feed(bytes, [&](std::int64_t granule, std::uint8_t, std::span<const std::uint8_t> page) {
        // Our source's packets say which they are (tagged: both servers); else the granule
        // says it on Icecast, and on tolk (booths' audio) only the anchored figure applies.
        const auto tag = clock ? page_tag(page) : std::nullopt;
        const auto k = tag ? std::optional<std::size_t>(*tag) : page_index(granule);
        if (!k || *k >= max_pages)
            return;
        const bool timed = clock && (tag || !options_.tolk_stream);
        l.stats.sequence.observe(static_cast<std::uint32_t>(*k));
        const std::int64_t offset = rx.receipt_us - granule * 1'000'000 / 48'000;
        l.min_offset_us = std::min(l.min_offset_us, offset);
        if (driver_.window_open()) {
            l.anchored.record(offset - l.min_offset_us);
            if (timed)
                l.stats.latency.record(rx.receipt_us - clock->written_us[*k].load(std::memory_order_acquire));
            else
                l.stats.latency.record(offset - l.min_offset_us);
            ++l.stats.window_frames;
            driver_.frame_timed(rx.kernel_time);
        }
    });
}

bool icecast_fleet::on_head(std::size_t i, std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& rest) {
    listener& l = listeners_[i];
    l.head.insert(l.head.end(), bytes.begin(), bytes.end());
    const std::string_view text(reinterpret_cast<const char*>(l.head.data()), l.head.size());
    const std::size_t end = raw::find_head_end(text);
    if (end == std::string_view::npos) {
        if (l.head.size() > max_response_head)
            lose(i, "http: response head over 16 KiB");
        return false;
    }
    if (raw::http_status(text.substr(0, end)) != 200) {
        lose(i, "http: " + std::string(raw::first_line(text)));
        return false;
    }
    l.stats.connected = l.stats.subscribed = true;
    l.state = phase::open;
    driver_.attempt_done();
    rest.assign(l.head.begin() + static_cast<long>(end), l.head.end());
    std::vector<std::uint8_t>().swap(l.head);
    return true;
}

void icecast_fleet::lose(std::size_t i, std::string reason) {
    listener& l = listeners_[i];
    if (l.state == phase::closed)
        return;
    l.stats.close_reason = std::move(reason);
    if (l.state == phase::open)
        l.stats.closed_by_server = true;
    else
        driver_.attempt_done();
    release(l);
    driver_.socket_closed();
}

void icecast_fleet::release(listener& l) {
    if (l.fd >= 0)
        ::close(l.fd);
    l.fd = -1;
    l.state = phase::closed;
    std::vector<std::uint8_t>().swap(l.head);
}

}  // namespace tolk::bench::icecast
