#include "server_fixture.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace tolk::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

server::server_config server_fixture::test_config() {
    auto c = server::demo_config();
    c.listen_address = "127.0.0.1";
    c.listen_port = 0;
    c.io_threads = 2;
    c.limits.stall_timeout_ms = 1000;
    return c;
}

void server_fixture::start(server::server_config config) {
    spdlog::set_level(std::getenv("TOLK_TEST_LOG") ? spdlog::level::from_str(std::getenv("TOLK_TEST_LOG")) : spdlog::level::warn);
    server_ = std::make_unique<server::server>(server_pool_, std::move(config));
    endpoint_ = server_->start();
    server_pool_.start();
    client_thread_ = std::thread([this] { client_ioc_.run(); });
}

void server_fixture::TearDown() {
    // Sessions end by themselves once told "going away" and their peers answer; bounded.
    bool closed = true;
    if (server_) {
        server_->stop();
        closed = server_->wait_closed(std::chrono::seconds(5));
    }
    client_work_.reset();
    client_ioc_.stop();
    if (client_thread_.joinable())
        client_thread_.join();
    server_pool_.stop();
    server_pool_.join();
    EXPECT_TRUE(closed) << "connections still open 5 s after shutdown";
}

std::pair<int, std::string> server_fixture::http_get(const std::string& target) {
    auto result = asio::co_spawn(
        client_ioc_,
        [this, target]() -> asio::awaitable<std::pair<int, std::string>> {
            beast::tcp_stream stream(co_await asio::this_coro::executor);
            stream.expires_after(std::chrono::seconds(5));
            co_await stream.async_connect(endpoint_, asio::use_awaitable);
            http::request<http::empty_body> req{http::verb::get, target, 11};
            req.set(http::field::host, "127.0.0.1");
            co_await http::async_write(stream, req, asio::use_awaitable);
            beast::flat_buffer buffer;
            http::response<http::string_body> res;
            co_await http::async_read(stream, buffer, res, asio::use_awaitable);
            co_return std::pair<int, std::string>{res.result_int(), res.body()};
        },
        asio::use_future);
    if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        throw std::runtime_error("http_get timed out");
    return result.get();
}

std::vector<std::vector<std::uint8_t>> make_frames(const std::vector<float>& signal, int bitrate,
                                                   std::uint32_t first_seq) {
    codec::encoder_options o;
    o.bitrate = bitrate;
    codec::opus_encoder enc(o);
    const auto n = static_cast<std::size_t>(enc.frame_samples());
    std::vector<std::vector<std::uint8_t>> frames;
    for (std::size_t i = 0; i + n <= signal.size(); i += n) {
        auto opus = enc.encode(std::span<const float>(signal).subspan(i, n));
        protocol::frame_header h;
        h.sequence = first_seq + static_cast<std::uint32_t>(frames.size());
        h.capture_us = static_cast<std::int64_t>(i) * 1000 / 48;
        frames.push_back(protocol::serialize_audio_frame(h, opus));
    }
    return frames;
}

heard_audio decode_heard(const std::vector<received>& messages, std::uint16_t channel) {
    heard_audio out;
    codec::opus_decoder dec;
    std::vector<float> pcm(5760);
    std::optional<std::uint32_t> last;
    for (const auto& m : messages) {
        if (m.text)
            continue;
        auto f = protocol::parse_audio_frame(
            {reinterpret_cast<const std::uint8_t*>(m.data.data()), m.data.size()});
        if (!f || f->header.channel != channel)
            continue;
        if (f->header.has(protocol::frame_flag::discontinuity)) {
            ++out.discontinuities;
            last.reset();
        }
        if (last && f->header.sequence != *last + 1) {
            const auto gap = f->header.sequence - *last - 1;
            out.missing += gap;
            for (std::uint32_t g = 0; g < gap && g < 50; ++g) {
                int n = dec.conceal(pcm, 960);
                out.pcm.insert(out.pcm.end(), pcm.begin(), pcm.begin() + n);
            }
        }
        last = f->header.sequence;
        int n = dec.decode(f->opus, pcm);
        out.pcm.insert(out.pcm.end(), pcm.begin(), pcm.begin() + n);
        ++out.frames;
        out.delivery_us.push_back(m.at_us - f->header.ingress_us);
    }
    return out;
}

std::size_t count_frames(const std::vector<received>& messages, std::uint16_t channel) {
    std::size_t n = 0;
    for (const auto& m : messages) {
        if (m.text || m.data.size() < protocol::frame_header_size)
            continue;
        auto f = protocol::parse_audio_frame(
            {reinterpret_cast<const std::uint8_t*>(m.data.data()), m.data.size()});
        if (f && f->header.channel == channel)
            ++n;
    }
    return n;
}

bool heard_off_air(const test_client& listener, const std::string& channel) {
    for (const auto& t : listener.texts_of("on_air"))
        if (t.find("\"" + channel + "\"") != std::string::npos && t.find("\"on_air\":false") != std::string::npos)
            return true;
    return false;
}

double metric_value(const std::string& metrics, const std::string& name) {
    const auto at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(metrics.substr(at + name.size() + 2));
}

}  // namespace tolk::test
