#include "tests/bench/tools/icecast_source.hpp"

#include "clients/common/monotonic_clock.hpp"
#include "tests/bench/tools/http_head.hpp"
#include "tests/bench/tools/ogg_pages.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <opus/opus.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tolk::bench::icecast {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

std::string base64_text(const std::string& in) {
    return raw::base64({reinterpret_cast<const std::uint8_t*>(in.data()), in.size()});
}

// Connected and accepted as the source of `mount`.
asio::awaitable<tcp::socket> connect_source(const icecast_options& o, const std::string& mount) {
    tcp::socket socket(co_await asio::this_coro::executor);
    auto [ec] = co_await socket.async_connect({asio::ip::make_address(o.host), static_cast<unsigned short>(o.port)},
                                              as_tuple);
    if (ec)
        throw std::runtime_error("source: cannot connect to icecast: " + ec.message());
    socket.set_option(tcp::no_delay(true));
    const std::string request = "SOURCE " + mount + " HTTP/1.0\r\nAuthorization: Basic " +
                                base64_text("source:" + o.password) +
                                "\r\nContent-Type: audio/ogg\r\nIce-Name: bench\r\nIce-Public: 0\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
    asio::streambuf response;
    auto [rec, rn] = co_await asio::async_read_until(socket, response, "\r\n\r\n", as_tuple);
    const std::string head(asio::buffers_begin(response.data()),
                           asio::buffers_begin(response.data()) + static_cast<long>(rn));
    if (rec || raw::http_status(head) != 200)
        throw std::runtime_error("source: icecast refused " + mount + ": " + std::string(raw::first_line(head)));
    co_return socket;
}

using encoder_ptr = std::unique_ptr<OpusEncoder, decltype(&opus_encoder_destroy)>;

encoder_ptr make_encoder(int bitrate) {
    int err = 0;
    encoder_ptr enc(opus_encoder_create(48000, 1, OPUS_APPLICATION_AUDIO, &err), opus_encoder_destroy);
    if (err != OPUS_OK)
        throw std::runtime_error("source: opus_encoder_create failed");
    opus_encoder_ctl(enc.get(), OPUS_SET_BITRATE(bitrate));
    return enc;
}

asio::awaitable<void> send_page(tcp::socket& socket, const std::vector<std::uint8_t>& page) {
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(page), as_tuple);
    if (ec)
        throw std::runtime_error("source: write to icecast failed: " + ec.message());
}

}  // namespace

asio::awaitable<void> run_source(const icecast_options& options, std::size_t m, double tone_hz, mount_clock& clock,
                                 const std::atomic<bool>& stopping) {
    // tolk takes a source at /ingest/ID (its password: a booth token for the channel).
    tcp::socket socket =
        co_await connect_source(options, (options.tolk_stream ? "/ingest/" : "/") + options.mounts[m]);
    const encoder_ptr enc = make_encoder(options.bitrate);
    const auto serial = static_cast<std::uint32_t>(0x746f6c6b + m);
    std::uint32_t page_no = 0;
    co_await send_page(socket, ogg_page(opus_head(pre_skip), ogg_bos, 0, serial, page_no++));
    co_await send_page(socket, ogg_page(opus_tags("tolk-icecast-load"), 0, 0, serial, page_no++));

    std::vector<float> pcm(frame_samples);
    std::vector<std::uint8_t> packet(1500);
    asio::steady_timer pace(socket.get_executor());
    auto next = std::chrono::steady_clock::now();
    double phase = 0;
    for (std::size_t k = 0; k < max_pages && !stopping; ++k) {
        for (auto& x : pcm) {
            x = 0.3f * static_cast<float>(std::sin(phase));
            phase += 2 * M_PI * tone_hz / 48000.0;
        }
        int n = opus_encode_float(enc.get(), pcm.data(), frame_samples, packet.data(),
                                  static_cast<int>(packet.size() - packet_tag_size));
        if (n < 0 || opus_packet_pad(packet.data(), n, n + static_cast<int>(packet_tag_size)) != OPUS_OK)
            throw std::runtime_error("source: opus_encode failed");
        n += static_cast<int>(packet_tag_size);  // the tag is the padding's last bytes
        write_packet_tag(static_cast<std::uint32_t>(k),
                         std::span<std::uint8_t, packet_tag_size>(packet.data() + n - packet_tag_size, packet_tag_size));
        const std::int64_t granule = pre_skip + static_cast<std::int64_t>(k + 1) * frame_samples;
        const auto page = ogg_page({packet.data(), static_cast<std::size_t>(n)}, 0, granule, serial, page_no++);
        next += std::chrono::milliseconds(20);
        pace.expires_at(next);
        co_await pace.async_wait(as_tuple);
        clock.written_us[k].store(client::steady_now_us(), std::memory_order_release);
        co_await send_page(socket, page);
    }
}

}  // namespace tolk::bench::icecast
