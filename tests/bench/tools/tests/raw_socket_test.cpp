// The load engines' sockets: kernel receive timestamps and their clock conversion (raw_socket).
#include "tests/bench/tools/raw_socket.hpp"

#include "tests/bench/tools/tests/test_peer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;

// A connected loopback TCP pair: {client, server}; the client has receive timestamps on.
std::pair<int, int> tcp_pair() {
    sockaddr_in a{};
    const int l = listen_loopback(a, 1);
    bench::raw::address to;
    std::memcpy(&to.storage, &a, sizeof(a));
    to.length = sizeof(a);
    std::string error;
    const int c = bench::raw::open_connecting(to, 0, &error);
    if (c < 0)
        throw std::runtime_error(error);
    pollfd p{l, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1)
        throw std::runtime_error("accept timed out");
    const int s = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
    ::close(l);
    pollfd w{c, POLLOUT, 0};
    if (::poll(&w, 1, 5000) != 1 || bench::raw::socket_error(c) != 0)
        throw std::runtime_error("connect failed");
    return {c, s};
}

TEST(raw_socket, rx_clock_maps_realtime_to_monotonic) {
    bench::raw::rx_clock clock;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const std::int64_t mono = client::steady_now_us();
    EXPECT_LT(std::abs(clock.monotonic_us(now) - mono), 1000);
}

TEST(raw_socket, tcp_reads_carry_the_kernel_receive_time) {
    const auto [c, s] = tcp_pair();
    bench::raw::rx_clock clock;
    bytes buffer(1024);
    // The kernel switches receive timestamps on for the whole stack when the first socket
    // asks (and off after the last one closed), from a work item: the first segments may still
    // come without one (the engines count those as fallbacks).  So: rounds until 3 are stamped.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    int rounds = 0, stamped = 0;
    for (; stamped < 3 && std::chrono::steady_clock::now() < deadline; ++rounds) {
        const std::int64_t before = client::steady_now_us();
        ASSERT_EQ(::send(s, "hello", 5, 0), 5);
        pollfd p{c, POLLIN, 0};
        ASSERT_EQ(::poll(&p, 1, 5000), 1);
        const auto rx = bench::raw::receive(c, buffer, clock);
        const std::int64_t after = client::steady_now_us();
        ASSERT_EQ(rx.bytes, 5);
        EXPECT_GE(rx.receipt_us, before - 1000);  // the clock conversion is good to well under 1 ms
        EXPECT_LE(rx.receipt_us, after + 1000);
        stamped += rx.kernel_time;
    }
    EXPECT_EQ(stamped, 3) << "no SO_TIMESTAMPNS control message on TCP reads in " << rounds << " rounds";
    const auto empty = bench::raw::receive(c, buffer, clock);
    EXPECT_LT(empty.bytes, 0);
    EXPECT_EQ(empty.error, EAGAIN);
    ::close(c);
    ::close(s);
}
}  // namespace
}  // namespace tolk::test
