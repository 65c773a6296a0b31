// tolk-icecast-load's listeners (icecast_fleet) against an in-test Icecast.
#include "tests/bench/tools/icecast_fleet.hpp"

#include "tests/bench/tools/tests/test_peer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;

TEST(icecast_fleet, reads_pages_and_times_them_by_the_kernel) {
    peer server;
    bench::icecast_options o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.mounts = {"floor"};
    o.listeners = 1;
    o.duration_s = 20;
    constexpr std::size_t pages = 30;
    std::vector<std::unique_ptr<bench::icecast::mount_clock>> clocks;
    clocks.push_back(std::make_unique<bench::icecast::mount_clock>());
    bench::icecast::icecast_fleet fleet(o, clocks);
    std::string request;
    std::thread peer_thread([&] {
        struct hang_up {  // the end of the stream ends the run (no listener left)
            peer& p;
            ~hang_up() { p.close_connection(); }
        } bye{server};
        if (!server.accept(5s))
            return;
        if (auto head = server.read_request_head())
            request = *head;
        bytes stream = to_bytes("HTTP/1.0 200 OK\r\nContent-Type: audio/ogg\r\n\r\n");
        auto add = [&](const bytes& page) { stream.insert(stream.end(), page.begin(), page.end()); };
        add(bench::ogg_page(bench::opus_head(bench::icecast::pre_skip), bench::ogg_bos, 0, 7, 0));
        server.write(stream);
        for (std::size_t k = 0; k < pages; ++k) {
            const std::int64_t granule = bench::icecast::pre_skip +
                                         static_cast<std::int64_t>(k + 1) * bench::icecast::frame_samples;
            const bytes page = bench::ogg_page(bytes(70, 0x33), 0, granule, 7, static_cast<std::uint32_t>(k + 1));
            clocks[0]->written_us[k].store(client::steady_now_us(), std::memory_order_release);
            // Split each page in two writes: the reader keeps the incomplete part.
            server.write(bytes(page.begin(), page.begin() + 30));
            server.write(bytes(page.begin() + 30, page.end()));
        }
    });
    const auto started = std::chrono::steady_clock::now();
    const bench::load_run run = fleet.run();
    peer_thread.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    EXPECT_EQ(request.rfind("GET /floor HTTP/1.0\r\n", 0), 0u) << request;
    const bench::listener_stats& r = fleet.stats(0);
    EXPECT_TRUE(r.connected);
    EXPECT_TRUE(r.subscribed);
    EXPECT_EQ(r.sequence.received(), pages);
    EXPECT_EQ(r.sequence.missing(), 0u);
    EXPECT_EQ(r.window_frames, pages);
    EXPECT_EQ(r.latency.count(), r.window_frames);
    EXPECT_GE(r.latency.min_us(), 0);
    EXPECT_LT(r.latency.max_us(), 1'000'000);
    EXPECT_TRUE(r.closed_by_server);
    EXPECT_EQ(run.kernel_frames + run.fallback_frames, r.window_frames);
    EXPECT_EQ(run.attempted, 1u);
}

// Against tolk-server's egress (--tolk-stream): GET /stream/MOUNT.ogg, no source clock; a page's
// latency is its delay beyond the listener's fastest page (granule time anchored per listener).
TEST(icecast_fleet, tolk_stream_times_pages_against_the_fastest) {
    peer server;
    bench::icecast_options o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.mounts = {"fr"};
    o.listeners = 1;
    o.duration_s = 20;
    o.tolk_stream = true;
    constexpr std::size_t pages = 25, late = 12;
    constexpr auto late_by = 100ms;
    std::vector<std::unique_ptr<bench::icecast::mount_clock>> clocks;  // unused with tolk_stream
    bench::icecast::icecast_fleet fleet(o, clocks);
    std::string request;
    std::thread peer_thread([&] {
        struct hang_up {
            peer& p;
            ~hang_up() { p.close_connection(); }
        } bye{server};
        if (!server.accept(5s))
            return;
        if (auto head = server.read_request_head())
            request = *head;
        bytes stream = to_bytes("HTTP/1.0 200 OK\r\nContent-Type: audio/ogg\r\n\r\n");
        const bytes head_page = bench::ogg_page(bench::opus_head(bench::icecast::pre_skip), bench::ogg_bos, 0, 9, 0);
        stream.insert(stream.end(), head_page.begin(), head_page.end());
        server.write(stream);
        // Real-time pacing (20 ms a page, as tolk sends a booth's frames); page `late` is held
        // back by `late_by` and the next ones catch up.
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t k = 0; k < pages; ++k) {
            std::this_thread::sleep_until(start + k * 20ms + (k == late ? late_by : 0ms));
            const std::int64_t granule = static_cast<std::int64_t>(k + 1) * bench::icecast::frame_samples;
            server.write(bench::ogg_page(bytes(70, 0x33), 0, granule, 9, static_cast<std::uint32_t>(k + 1)));
        }
    });
    const bench::load_run run = fleet.run();
    peer_thread.join();
    EXPECT_EQ(request.rfind("GET /stream/fr.ogg HTTP/1.0\r\n", 0), 0u) << request;
    const bench::listener_stats& r = fleet.stats(0);
    EXPECT_TRUE(r.connected);
    EXPECT_GE(r.window_frames, pages - 2);  // the first page (granule 960) has no page index
    EXPECT_EQ(r.latency.count(), r.window_frames);
    EXPECT_EQ(fleet.anchored(0).count(), r.window_frames);
    EXPECT_GE(r.latency.min_us(), 0);
    // The held page is ~100 ms beyond the fastest; most pages are not (generous: a loaded machine).
    EXPECT_GE(r.latency.max_us(), 90'000);
    EXPECT_LT(r.latency.max_us(), 1'000'000);
    EXPECT_LT(r.latency.percentile(0.5), 60'000);
    EXPECT_EQ(run.attempted, 1u);
}

}  // namespace
}  // namespace tolk::test
