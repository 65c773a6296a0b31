// Who gets a connection on a hostile venue network (server/admission.hpp): one address cannot
// take the hall's share, a full house still lets booths and technicians in, connections that
// never finish their request are closed within the header timeout, and a trusted reverse
// proxy's X-Forwarded-For names the client.

#include "server_fixture.hpp"
#include "tcp_proxy.hpp"

#include "codec/signals.hpp"
#include "server/admission.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;
namespace ip = boost::asio::ip;
using server::admission;
using server::connection_role;

server::limits_config small_limits() {
    server::limits_config l;
    l.max_connections = 10;
    l.reserved_slots = 2;
    l.max_connections_per_address = 4;
    return l;
}

TEST(admission_policy, the_hard_ceilings_at_accept_leave_room_for_the_reserve) {
    const auto l = small_limits();
    EXPECT_EQ(server::admit_at_accept(l, 11, 0, false), admission::admit);  // the reserve's last slot
    EXPECT_EQ(server::admit_at_accept(l, 12, 0, false), admission::server_full);
    EXPECT_EQ(server::admit_at_accept(l, 3, 5, false), admission::admit);  // role not known yet
    EXPECT_EQ(server::admit_at_accept(l, 3, 6, false), admission::address_full);
    EXPECT_EQ(server::admit_at_accept(l, 3, 6, true), admission::admit) << "a trusted proxy carries many clients";
}

TEST(admission_policy, listeners_are_capped_booths_and_technicians_use_the_reserve) {
    const auto l = small_limits();
    EXPECT_EQ(server::admit_request(l, connection_role::public_client, 10, 4), admission::admit);
    EXPECT_EQ(server::admit_request(l, connection_role::public_client, 11, 1), admission::server_full);
    EXPECT_EQ(server::admit_request(l, connection_role::public_client, 5, 5), admission::address_full);
    EXPECT_EQ(server::admit_request(l, connection_role::booth, 12, 6), admission::admit);
    EXPECT_EQ(server::admit_request(l, connection_role::technician, 12, 6), admission::admit);
    EXPECT_FALSE(server::refusal_reason(admission::address_full).empty());
}

TEST(admission_policy, forwarded_for_is_believed_only_from_a_trusted_proxy) {
    const auto proxy = ip::make_address("10.0.0.1");
    const std::vector<std::string> trusted{"10.0.0.1"};
    EXPECT_EQ(server::client_address(proxy, "203.0.113.9, 192.168.1.20", trusted), ip::make_address("192.168.1.20"));
    EXPECT_EQ(server::client_address(proxy, " 192.168.1.20 ", trusted), ip::make_address("192.168.1.20"));
    EXPECT_EQ(server::client_address(proxy, "garbage", trusted), proxy);
    EXPECT_EQ(server::client_address(ip::make_address("10.0.0.2"), "192.168.1.20", trusted),
              ip::make_address("10.0.0.2"))
        << "anyone else's X-Forwarded-For is a forgery";
    EXPECT_EQ(server::client_address(proxy, "192.168.1.20", {}), proxy);
}

TEST(admission_policy, only_this_machine_itself_is_free_of_the_per_address_cap) {
    EXPECT_TRUE(server::is_this_machine(ip::make_address("127.0.0.1")));
    EXPECT_TRUE(server::is_this_machine(ip::make_address("::1")));
    EXPECT_TRUE(server::is_this_machine(ip::make_address("::ffff:127.0.0.1")));
    EXPECT_FALSE(server::is_this_machine(ip::make_address("127.0.0.2")));
    EXPECT_FALSE(server::is_this_machine(ip::make_address("192.168.1.20")));
}

// A raw TCP connection from `local` (another 127.x address: another machine to the server).
int raw_connect(const ip::tcp::endpoint& server, const std::string& local) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, local.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(server.port());
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Waits (bounded) until the server has ended every connection in `fds` (EOF or reset);
// returns how many it ended.
std::size_t wait_all_ended(const std::vector<int>& fds, std::chrono::milliseconds timeout) {
    std::vector<bool> ended(fds.size(), false);
    std::size_t count = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (count < fds.size() && std::chrono::steady_clock::now() < deadline) {
        std::vector<pollfd> waiting;
        std::vector<std::size_t> index;
        for (std::size_t i = 0; i < fds.size(); ++i)
            if (!ended[i]) {
                waiting.push_back({fds[i], POLLIN, 0});
                index.push_back(i);
            }
        if (::poll(waiting.data(), waiting.size(), 100) <= 0)
            continue;
        for (std::size_t k = 0; k < waiting.size(); ++k) {
            if (!waiting[k].revents)
                continue;
            char buf[512];
            const auto n = ::recv(waiting[k].fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
                ended[index[k]] = true;
                ++count;
            }
        }
    }
    return count;
}

std::string raw_get(const ip::tcp::endpoint& server, const std::string& local, const std::string& target) {
    const int fd = raw_connect(server, local);
    if (fd < 0)
        return "";
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) < 0) {
        ::close(fd);
        return "";
    }
    std::string out;
    pollfd p{fd, POLLIN, 0};
    while (out.size() < 65536 && ::poll(&p, 1, 5000) > 0) {
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

void raise_own_file_limit() {
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
}

class admission_test : public server_fixture {
protected:
    enum class outcome { admitted, refused_in_websocket, refused_in_http };
    struct attempt {
        outcome result;
        std::string reason;
        std::shared_ptr<test_client> client;
    };

    // A listener from `local`: admitted (told what it hears) or refused, and why.
    attempt try_listen(const std::string& local) {
        std::shared_ptr<test_client> c;
        try {
            c = connect("/ws/listen?channels=en", {.local_address = local, .bearer = {}});
        } catch (const std::exception& e) {
            return {outcome::refused_in_http, e.what(), nullptr};
        }
        if (c->wait_for_or_end([](auto& m) { return !test_client::of_type(m, "subscribed").empty(); }, 5s))
            return {outcome::admitted, "", c};
        c->wait_closed(3s);
        return {outcome::refused_in_websocket, c->close_reason(), c};
    }

    std::vector<attempt> listeners_from(const std::string& local, int n) {
        std::vector<attempt> out;
        for (int i = 0; i < n; ++i)
            out.push_back(try_listen(local));
        return out;
    }

    static std::size_t count(const std::vector<attempt>& v, outcome o) {
        return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](auto& a) { return a.result == o; }));
    }
};

TEST_F(admission_test, one_address_is_capped_and_a_full_house_still_lets_a_booth_and_a_technician_in) {
    auto config = test_config();
    config.limits.max_connections = 200;
    config.limits.max_connections_per_address = 64;
    config.limits.reserved_slots = 16;
    start(config);

    // One laptop with scripts: 100 listeners from one address; 64 get in.
    auto laptop = listeners_from("127.0.0.2", 100);
    EXPECT_EQ(count(laptop, outcome::admitted), 64u);
    for (const auto& a : laptop) {
        if (a.result == outcome::refused_in_websocket) {
            EXPECT_NE(a.reason.find("too many connections from your address"), std::string::npos) << a.reason;
        }
    }
    const auto refused_here = laptop.size() - count(laptop, outcome::admitted);
    EXPECT_EQ(refused_here, 36u);
    ASSERT_TRUE(server_->wait_open_at_most(64, 5s)) << "the refused connections are closed";
    EXPECT_EQ(server_->counters().connections_refused_per_address.load(), 36u);
    // A refusal in HTTP names its reason too.
    const auto answer = raw_get(endpoint_, "127.0.0.2", "/api/channels");
    EXPECT_NE(answer.find("too many connections from your address"), std::string::npos) << answer;

    // A full hall: phones from other addresses fill the server to max_connections.
    auto hall = listeners_from("127.0.0.3", 64);
    auto more = listeners_from("127.0.0.4", 64);
    auto last = listeners_from("127.0.0.5", 8);
    ASSERT_TRUE(server_->wait_open_at_most(200, 5s));
    for (auto& a : listeners_from("127.0.0.5", 5))
        last.push_back(std::move(a));
    EXPECT_EQ(count(hall, outcome::admitted) + count(more, outcome::admitted) + count(last, outcome::admitted), 136u);
    ASSERT_EQ(count(last, outcome::refused_in_websocket), 5u);
    for (const auto& a : last) {
        if (a.result != outcome::admitted) {
            EXPECT_NE(a.reason.find("server is full"), std::string::npos) << a.reason;
        }
    }

    // The interpreters and the technician still get in.
    auto booth = connect("/ws/booth?channel=en");
    EXPECT_TRUE(booth->wait_for([](auto& m) { return !test_client::of_type(m, "welcome").empty(); }, 5s))
        << "a booth in a full house: " << booth->close_reason();
    auto tech = connect("/ws/tech");
    EXPECT_TRUE(tech->wait_for([](auto& m) { return !m.empty(); }, 5s)) << "a technician in a full house: "
                                                                        << tech->close_reason();
    EXPECT_FALSE(tech->wait_closed(200ms).has_value());
}

TEST_F(admission_test, silent_and_trickling_connections_end_within_the_header_timeout_while_a_booth_goes_on_air) {
    raise_own_file_limit();
    auto config = test_config();
    config.limits.header_timeout_ms = 1500;
    start(config);
    auto listener = listen("en");

    // 2,000 connections that never send a byte, and 200 that send one header byte at a time.
    std::vector<int> silent, trickling;
    for (int i = 0; i < 2000; ++i)
        if (const int fd = raw_connect(endpoint_, "127.0.0." + std::to_string(2 + i % 20)); fd >= 0)
            silent.push_back(fd);
    for (int i = 0; i < 200; ++i)
        if (const int fd = raw_connect(endpoint_, "127.0.0." + std::to_string(30 + i % 4)); fd >= 0)
            trickling.push_back(fd);
    ASSERT_EQ(silent.size(), 2000u);
    ASSERT_EQ(trickling.size(), 200u);
    const auto opened = std::chrono::steady_clock::now();
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        const std::string header = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        for (std::size_t i = 0; !stop; ++i) {
            for (const int fd : trickling)
                ::send(fd, &header[i % header.size()], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            for (int k = 0; k < 5 && !stop; ++k)
                std::this_thread::sleep_for(100ms);  // the attacker's pace, not a wait for the server
        }
    });

    // Meanwhile a booth connects and is heard at once.
    const auto booth_start = std::chrono::steady_clock::now();
    auto booth = connect("/ws/booth?channel=en");
    booth->stream(make_frames(codec::tone(440, 0.2), 32'000), 20ms).wait();
    ASSERT_TRUE(listener->wait_for([](auto& m) { return count_frames(m, 1) >= 1; }, 5s));
    const auto on_air_after = std::chrono::steady_clock::now() - booth_start;

    const auto ended_silent = wait_all_ended(silent, 8s);
    const auto ended_trickling = wait_all_ended(trickling, 8s);
    const auto all_ended_after = std::chrono::steady_clock::now() - opened;
    stop = true;
    trickle.join();
    for (const int fd : silent)
        ::close(fd);
    for (const int fd : trickling)
        ::close(fd);

    EXPECT_EQ(ended_silent, 2000u);
    EXPECT_EQ(ended_trickling, 200u);
    // Sanity bounds (what a user would notice), not performance figures.
    EXPECT_LT(on_air_after, 1s) << "the booth waited behind 2,200 idle connections";
    EXPECT_LT(all_ended_after, 5s) << "header timeout 1.5 s";
    EXPECT_TRUE(listener->wait_for([](auto& m) { return count_frames(m, 1) >= 10; }, 5s));
    EXPECT_TRUE(server_->wait_open_at_most(2, 5s)) << server_->open_connections()
                                                   << " open: only the listener and the booth remain";
}

TEST_F(admission_test, behind_a_trusted_proxy_each_forwarded_client_has_its_own_cap) {
    auto config = test_config();
    config.limits.max_connections_per_address = 2;
    config.trusted_proxies = {"127.0.0.1"};
    start(config);
    // One request on a new kept-alive connection through the proxy; the status line of its answer.
    std::vector<int> fds;
    auto get_as = [&](const std::string& client) {
        const int fd = raw_connect(endpoint_, "127.0.0.1");
        fds.push_back(fd);
        const std::string req = "GET /api/channels HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + client + "\r\n\r\n";
        ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
        std::string out;
        pollfd p{fd, POLLIN, 0};
        while (out.find("\r\n\r\n") == std::string::npos && ::poll(&p, 1, 5000) > 0) {
            char buf[4096];
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out.substr(0, out.find("\r\n"));
    };
    // Three kept-alive connections of one phone behind the proxy: the third is over its cap;
    // another phone behind the same proxy is not.
    std::vector<std::string> answers;
    for (const char* client : {"192.168.1.20", "192.168.1.20", "192.168.1.20", "192.168.1.21"})
        answers.push_back(get_as(client));
    for (const int fd : fds)
        ::close(fd);
    EXPECT_NE(answers[0].find("200"), std::string::npos) << answers[0];
    EXPECT_NE(answers[1].find("200"), std::string::npos) << answers[1];
    EXPECT_NE(answers[2].find("429"), std::string::npos) << answers[2];
    EXPECT_NE(answers[3].find("200"), std::string::npos) << answers[3];
}

}  // namespace
}  // namespace tolk::test

namespace tolk::test {
namespace {

// Issue 11, test 9: a phone that vanishes without a FIN (a proxy that black-holes its link, as a
// Wi-Fi roam or a closed lid does) is found and closed, and its slot is free again; a quiet
// listener that is still there answers the server's pings and stays.
TEST_F(admission_test, a_listener_that_vanishes_without_a_fin_is_closed_and_its_slot_freed) {
    auto config = test_config();
    config.limits.keepalive_seconds = 1;
    start(config);
    tcp_proxy proxy(endpoint_);
    auto vanishing = test_client::connect(client_ioc_, proxy.endpoint(), "/ws/listen?channels=en");
    ASSERT_TRUE(vanishing->wait_for([](auto& m) { return !test_client::of_type(m, "subscribed").empty(); }));
    auto staying = listen("en");  // quiet too: the channel is off air, nobody sends anything
    ASSERT_EQ(server_->open_connections(), 2);

    proxy.black_hole();
    // Pinged after 1 s quiet, lost after 1 s more, then the close handshake's 5 s bound.
    ASSERT_TRUE(server_->wait_open_at_most(1, 15s)) << server_->open_connections() << " open";
    EXPECT_EQ(server_->counters().listeners_lost.load(), 1u);
    EXPECT_FALSE(staying->wait_closed(100ms).has_value()) << "the listener that answers pings stays";

    // The freed slot serves someone else, and the one who stayed still hears the channel.
    auto booth = connect("/ws/booth?channel=en");
    booth->stream(make_frames(codec::tone(440, 0.2), 32'000), 20ms).wait();
    EXPECT_TRUE(staying->wait_for([](auto& m) { return count_frames(m, 1) >= 10; }, 5s));
}

}  // namespace
}  // namespace tolk::test
