#include "test_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace tolk::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

static std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

test_client::test_client(asio::io_context& ioc)
    : strand_(asio::make_strand(ioc)), ws_(strand_) {}

std::shared_ptr<test_client> test_client::connect(asio::io_context& ioc,
                                                  const asio::ip::tcp::endpoint& server,
                                                  const std::string& target, options opts) {
    auto c = std::make_shared<test_client>(ioc);
    auto done = asio::co_spawn(
        c->strand_,
        [c, server, target, opts]() -> asio::awaitable<void> {
            auto& tcp = beast::get_lowest_layer(c->ws_);
            tcp.socket().open(server.protocol());
            if (opts.receive_buffer > 0)
                tcp.socket().set_option(asio::socket_base::receive_buffer_size(opts.receive_buffer));
            if (!opts.local_address.empty())
                tcp.socket().bind({asio::ip::make_address(opts.local_address), 0});
            if (!opts.bearer.empty())
                c->ws_.set_option(beast::websocket::stream_base::decorator(
                    [b = opts.bearer](beast::websocket::request_type& req) {
                        req.set(beast::http::field::authorization, "Bearer " + b);
                    }));
            tcp.expires_after(std::chrono::seconds(5));
            co_await tcp.async_connect(server, asio::use_awaitable);
            co_await c->ws_.async_handshake("127.0.0.1", target, asio::use_awaitable);
            tcp.expires_never();
        },
        asio::use_future);
    if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        throw std::runtime_error("test client: connect timed out");
    done.get();
    if (opts.read)
        c->start_reading();
    return c;
}

void test_client::start_reading() {
    // Runs inside a read, on the strand, without the lock held.
    ws_.control_callback([this](beast::websocket::frame_type kind, beast::string_view) {
        if (kind == beast::websocket::frame_type::pong) {
            std::lock_guard lock(mutex_);
            ++pongs_;
            changed_.notify_all();
        }
    });
    asio::co_spawn(
        strand_,
        [self = shared_from_this()]() -> asio::awaitable<void> {
            beast::flat_buffer buffer;
            for (;;) {
                auto [ec, n] = co_await self->ws_.async_read(buffer, as_tuple);
                std::lock_guard lock(self->mutex_);
                if (ec) {
                    self->ended_ = true;
                    self->close_code_ = self->ws_.reason().code;
                    self->close_reason_ = std::string(self->ws_.reason().reason.c_str());
                    self->changed_.notify_all();
                    co_return;
                }
                self->messages_.push_back(
                    {self->ws_.got_text(), beast::buffers_to_string(buffer.data()), now_us()});
                buffer.consume(n);
                self->changed_.notify_all();
            }
        },
        asio::detached);
}

void test_client::pump() {
    if (writing_ || out_.empty())
        return;
    writing_ = true;
    asio::co_spawn(
        strand_,
        [self = shared_from_this()]() -> asio::awaitable<void> {
            while (!self->out_.empty()) {
                auto [kind, data] = std::move(self->out_.front());
                self->out_.pop_front();
                beast::error_code ec;
                if (kind == out_kind::ping) {
                    std::tie(ec) = co_await self->ws_.async_ping(
                        beast::websocket::ping_data(data.c_str()), as_tuple);
                } else {
                    self->ws_.text(kind == out_kind::text);
                    std::tie(ec, std::ignore) = co_await self->ws_.async_write(asio::buffer(data), as_tuple);
                }
                if (ec)
                    break;
            }
            self->writing_ = false;
        },
        asio::detached);
}

void test_client::send_text(std::string text) {
    asio::post(strand_, [self = shared_from_this(), text = std::move(text)]() mutable {
        self->out_.emplace_back(out_kind::text, std::move(text));
        self->pump();
    });
}

void test_client::send_binary(std::vector<std::uint8_t> bytes) {
    asio::post(strand_, [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
        self->out_.emplace_back(out_kind::binary, std::string(bytes.begin(), bytes.end()));
        self->pump();
    });
}

void test_client::send_ping(std::string payload) {
    asio::post(strand_, [self = shared_from_this(), payload = std::move(payload)]() mutable {
        self->out_.emplace_back(out_kind::ping, std::move(payload));
        self->pump();
    });
}

std::size_t test_client::pongs() const {
    std::lock_guard lock(mutex_);
    return pongs_;
}

std::future<void> test_client::stream(std::vector<std::vector<std::uint8_t>> frames,
                                      std::chrono::microseconds interval) {
    return asio::co_spawn(
        strand_,
        [self = shared_from_this(), frames = std::move(frames), interval]() -> asio::awaitable<void> {
            asio::steady_timer timer(self->strand_);
            const auto start = std::chrono::steady_clock::now();
            for (std::size_t i = 0; i < frames.size(); ++i) {
                timer.expires_at(start + interval * static_cast<long>(i));
                co_await timer.async_wait(as_tuple);
                self->out_.emplace_back(out_kind::binary, std::string(frames[i].begin(), frames[i].end()));
                self->pump();
            }
        },
        asio::use_future);
}

void test_client::close() {
    asio::post(strand_, [self = shared_from_this()] {
        beast::error_code ec;
        beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(self->ws_).close();
    });
}

bool test_client::wait_for(const std::function<bool(const std::vector<received>&)>& done,
                           std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(messages_); });
}

bool test_client::wait_for_or_end(const std::function<bool(const std::vector<received>&)>& done,
                                  std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return ended_ || done(messages_); });
    return done(messages_);
}

std::optional<std::uint16_t> test_client::wait_closed(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return ended_; }))
        return std::nullopt;
    return close_code_;
}

bool test_client::wait_pongs(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return pongs_ >= n || ended_; }) && pongs_ >= n;
}

std::string test_client::close_reason() const {
    std::lock_guard lock(mutex_);
    return close_reason_;
}

std::vector<received> test_client::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::vector<std::string> test_client::of_type(const std::vector<received>& messages,
                                              const std::string& type) {
    std::vector<std::string> out;
    const std::string needle = "\"type\":\"" + type + "\"";
    for (const auto& m : messages)
        if (m.text && m.data.find(needle) != std::string::npos)
            out.push_back(m.data);
    return out;
}

}  // namespace tolk::test
