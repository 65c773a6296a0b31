#include "clients/loadgen/icecast_load.hpp"

#include "clients/common/latency_histogram.hpp"
#include "clients/common/monotonic_clock.hpp"
#include "clients/common/sequence_tracker.hpp"
#include "clients/loadgen/icecast_raw.hpp"
#include "clients/loadgen/ogg_pages.hpp"
#include "clients/loadgen/raw_socket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <opus/opus.h>

#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <thread>

namespace tolk::loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

using icecast::frame_samples;
using icecast::max_pages;
using icecast::mount_clock;
using icecast::pre_skip;

std::string base64_text(const std::string& in) {
    return raw::base64({reinterpret_cast<const std::uint8_t*>(in.data()), in.size()});
}

struct shared_state {
    const icecast_options& options;
    std::vector<std::unique_ptr<mount_clock>> clocks;
    std::atomic<bool> window_open{false};
    std::atomic<bool> stopping{false};
    std::atomic<int> connecting{0};
    std::atomic<int> attempts_done{0};
};

asio::awaitable<void> run_source(shared_state& s, std::size_t m, double tone_hz) {
    auto ex = co_await asio::this_coro::executor;
    tcp::socket socket(ex);
    auto [ec] = co_await socket.async_connect({asio::ip::make_address(s.options.host),
                                               static_cast<unsigned short>(s.options.port)}, as_tuple);
    if (ec)
        throw std::runtime_error("source: cannot connect to icecast: " + ec.message());
    socket.set_option(tcp::no_delay(true));
    const std::string mount = "/" + s.options.mounts[m];
    const std::string request = "SOURCE " + mount + " HTTP/1.0\r\nAuthorization: Basic " +
                                base64_text("source:" + s.options.password) +
                                "\r\nContent-Type: audio/ogg\r\nIce-Name: bench\r\nIce-Public: 0\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
    asio::streambuf response;
    auto [rec, rn] = co_await asio::async_read_until(socket, response, "\r\n\r\n", as_tuple);
    const std::string head(asio::buffers_begin(response.data()), asio::buffers_begin(response.data()) + static_cast<long>(rn));
    if (rec || head.find(" 200") == std::string::npos)
        throw std::runtime_error("source: icecast refused " + mount + ": " + head.substr(0, head.find('\r')));

    int err = 0;
    std::unique_ptr<OpusEncoder, decltype(&opus_encoder_destroy)> enc(
        opus_encoder_create(48000, 1, OPUS_APPLICATION_AUDIO, &err), opus_encoder_destroy);
    if (err != OPUS_OK)
        throw std::runtime_error("source: opus_encoder_create failed");
    opus_encoder_ctl(enc.get(), OPUS_SET_BITRATE(s.options.bitrate));
    const auto serial = static_cast<std::uint32_t>(0x746f6c6b + m);
    std::uint32_t page_no = 0;
    auto send_page = [&](std::vector<std::uint8_t> page) -> asio::awaitable<boost::system::error_code> {
        auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(page), as_tuple);
        co_return wec;
    };
    co_await send_page(ogg_page(opus_head(pre_skip), ogg_bos, 0, serial, page_no++));
    co_await send_page(ogg_page(opus_tags("tolk-icecast-load"), 0, 0, serial, page_no++));

    std::vector<float> pcm(frame_samples);
    std::vector<std::uint8_t> packet(1500);
    asio::steady_timer pace(ex);
    auto next = std::chrono::steady_clock::now();
    double phase = 0;
    for (std::size_t k = 0; k < max_pages && !s.stopping; ++k) {
        for (auto& x : pcm) {
            x = 0.3f * static_cast<float>(std::sin(phase));
            phase += 2 * M_PI * tone_hz / 48000.0;
        }
        const int n = opus_encode_float(enc.get(), pcm.data(), frame_samples, packet.data(),
                                        static_cast<int>(packet.size()));
        if (n < 0)
            throw std::runtime_error("source: opus_encode failed");
        const std::int64_t granule = pre_skip + static_cast<std::int64_t>(k + 1) * frame_samples;
        auto page = ogg_page({packet.data(), static_cast<std::size_t>(n)}, 0, granule, serial, page_no++);
        next += std::chrono::milliseconds(20);
        pace.expires_at(next);
        co_await pace.async_wait(as_tuple);
        s.clocks[m]->written_us[k].store(client::steady_now_us(), std::memory_order_release);
        if (auto wec = co_await send_page(std::move(page)))
            throw std::runtime_error("source: write to icecast failed: " + wec.message());
    }
}

asio::awaitable<void> run_listener(shared_state& s, std::size_t m, icecast::listener_result& r) {
    auto ex = co_await asio::this_coro::executor;
    tcp::socket socket(ex);
    bool counted = true;
    auto attempt_done = [&] {
        if (counted) {
            counted = false;
            --s.connecting;
            ++s.attempts_done;
        }
    };
    auto [ec] = co_await socket.async_connect({asio::ip::make_address(s.options.host),
                                               static_cast<unsigned short>(s.options.port)}, as_tuple);
    if (ec) {
        r.error = "connect: " + ec.message();
        attempt_done();
        co_return;
    }
    const std::string request = "GET /" + s.options.mounts[m] + " HTTP/1.0\r\nUser-Agent: tolk-icecast-load\r\n\r\n";
    auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(request), as_tuple);
    asio::streambuf head;
    auto [hec, hn] = co_await asio::async_read_until(socket, head, "\r\n\r\n", as_tuple);
    const std::string status(asio::buffers_begin(head.data()), asio::buffers_begin(head.data()) + static_cast<long>(hn));
    if (wec || hec || status.find(" 200") == std::string::npos) {
        r.error = "http: " + (hec ? hec.message() : status.substr(0, status.find('\r')));
        attempt_done();
        co_return;
    }
    r.connected = true;
    attempt_done();
    head.consume(hn);
    ogg_page_reader reader;
    auto on_page = [&](std::int64_t granule, std::uint8_t) {
        const auto page = icecast::page_index(granule);  // nothing for OpusHead, OpusTags
        if (!page)
            return;
        const std::size_t k = *page;
        r.sequence.observe(static_cast<std::uint32_t>(k));
        if (s.window_open.load(std::memory_order_relaxed)) {
            const auto written = s.clocks[m]->written_us[k].load(std::memory_order_acquire);
            r.latency.record(client::steady_now_us() - written);
            ++r.window_frames;
        }
    };
    if (head.size() > 0)
        reader.feed({static_cast<const std::uint8_t*>(head.data().data()), head.size()}, on_page);
    std::vector<std::uint8_t> buf(16384);
    while (!s.stopping) {
        auto [rec, n] = co_await socket.async_read_some(asio::buffer(buf), as_tuple);
        if (rec) {
            if (!s.stopping)
                r.closed_by_server = true;
            break;
        }
        reader.feed({buf.data(), n}, on_page);
    }
}

}  // namespace

nlohmann::json run_icecast_load(const icecast_options& o) {
    asio::io_context io;
    shared_state s{o, {}, {}, {}, {}, {}};
    for (std::size_t m = 0; m < o.mounts.size(); ++m)
        s.clocks.push_back(std::make_unique<mount_clock>());
    std::vector<icecast::listener_result> results(static_cast<std::size_t>(o.listeners));
    std::unique_ptr<icecast::icecast_fleet> fleet;
    if (o.raw_engine)
        fleet = std::make_unique<icecast::icecast_fleet>(o, s.clocks, results);
    std::string failure;
    auto on_error = [&](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            failure = ex.what();
            s.stopping = true;
            io.stop();
            if (fleet)
                fleet->interrupt();
        }
    };
    for (std::size_t m = 0; m < o.mounts.size(); ++m)
        asio::co_spawn(asio::make_strand(io), run_source(s, m, 220.0 + 110.0 * static_cast<double>(m)), on_error);

    load_run run;  // started, ramped, stopped, watched, cpu
    if (fleet) {
        // The sources on a thread of their own, the listeners on this one (one epoll loop).
        auto work = asio::make_work_guard(io);
        thread_cpu source_cpu;
        std::thread sources([&] {
            io.run();
            source_cpu = this_thread_cpu();
        });
        if (fleet->pause_for(o.warmup_s))
            run = fleet->run();
        s.stopping = true;
        io.stop();
        sources.join();
        run.cpu.push_back(source_cpu);
    } else {
        auto driver = [&]() -> asio::awaitable<void> {
            asio::steady_timer t(co_await asio::this_coro::executor);
            t.expires_after(std::chrono::milliseconds(static_cast<int>(o.warmup_s * 1000)));
            co_await t.async_wait(as_tuple);
            run.started = std::chrono::steady_clock::now();
            for (std::size_t i = 0; i < results.size() && !s.stopping; ++i) {
                while (s.connecting >= o.max_connecting) {
                    t.expires_after(std::chrono::milliseconds(2));
                    co_await t.async_wait(as_tuple);
                }
                ++s.connecting;
                asio::co_spawn(asio::make_strand(io), run_listener(s, i % o.mounts.size(), results[i]),
                               asio::detached);
            }
            while (s.attempts_done < o.listeners && !s.stopping) {
                t.expires_after(std::chrono::milliseconds(5));
                co_await t.async_wait(as_tuple);
            }
            run.ramped = std::chrono::steady_clock::now();
            run.watched_start = read_process_usage(o.watch_pid);
            run.window_cpu_start = process_cpu();
            s.window_open = true;
            t.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(o.duration_s * 1e6)));
            co_await t.async_wait(as_tuple);
            s.window_open = false;
            run.stopped = std::chrono::steady_clock::now();
            run.watched_end = read_process_usage(o.watch_pid);
            run.window_cpu_end = process_cpu();
            s.stopping = true;
            io.stop();  // sockets close with the io_context
        };
        asio::co_spawn(asio::make_strand(io), driver(), on_error);

        const int threads =
            o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        run.cpu.resize(static_cast<std::size_t>(threads));
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i)
            pool.emplace_back([&, i] {
                io.run();
                run.cpu[static_cast<std::size_t>(i)] = this_thread_cpu();
            });
        for (auto& th : pool)
            th.join();
    }
    if (!failure.empty())
        throw std::runtime_error(failure);

    client::latency_histogram latency;
    std::uint64_t connected = 0, received = 0, window = 0, missing = 0, closed = 0;
    std::map<std::string, std::uint64_t> reasons;
    for (const auto& r : results) {
        connected += r.connected;
        latency.merge(r.latency);
        received += r.sequence.received();
        missing += r.sequence.missing();
        window += r.window_frames;
        closed += r.closed_by_server;
        if (!r.error.empty())
            ++reasons[r.error];
        else if (r.closed_by_server)
            ++reasons["closed by server"];
    }
    const double measured = std::chrono::duration<double>(run.stopped - run.ramped).count();
    nlohmann::json report = {
        {"server", o.host + ":" + std::to_string(o.port)},
        {"engine", fleet ? "raw" : "asio"},
        {"listeners", o.listeners},
        {"channels", o.mounts},
        {"connected", connected},
        {"failed", static_cast<std::uint64_t>(o.listeners) - connected},
        {"ramp_s", std::chrono::duration<double>(run.ramped - run.started).count()},
        {"measured_s", measured},
        {"clock", "shared steady clock: source page write -> listener read"},
        {"active",
         {{"listeners", o.listeners},
          {"frames_received", received},
          {"window_frames", window},
          {"frames_per_second", measured > 0 ? static_cast<double>(window) / measured : 0.0},
          {"frames_missing", missing},
          {"closed_by_server", closed},
          {"latency", client::to_json(latency.summary())}}},
        {"close_reasons", reasons},
    };
    add_run_usage(report, run, o.watch_pid);
    if (fleet) {
        report["latency_source"] = fleet->fallback_frames() == 0 ? "kernel receive timestamp"
                                   : fleet->kernel_frames() == 0 ? "user-space receipt time"
                                       : "kernel receive timestamp, some frames user-space receipt time";
        report["latency_kernel_frames"] = fleet->kernel_frames();
        report["latency_fallback_frames"] = fleet->fallback_frames();
    } else {
        report["latency_source"] = "user-space receipt time";
    }
    return report;
}

}  // namespace tolk::loadgen
