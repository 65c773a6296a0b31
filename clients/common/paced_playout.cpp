#include "clients/common/paced_playout.hpp"

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

namespace tolk::client {
namespace asio = boost::asio;

namespace {
constexpr std::int64_t block_us = 10'000;
}

paced_playout::paced_playout(asio::io_context& io, codec::playout_buffer& buffer, audio_sink& sink, block_hook on_block)
    : io_(io), buffer_(buffer), sink_(sink), on_block_(std::move(on_block)), timer_(io) {}

void paced_playout::start() {
    start_us_ = steady_now_us();
    asio::co_spawn(io_, loop(), log_exception(component_logger("playout"), "playout"));
}

void paced_playout::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    play_until(steady_now_us());
    timer_.cancel();
}

asio::awaitable<void> paced_playout::loop() {
    for (std::int64_t tick = 1; !stopped_; ++tick) {
        timer_.expires_at(steady_time_of(start_us_ + tick * block_us));
        auto [error] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (error || stopped_)
            co_return;
        play_until(steady_now_us());
    }
}

void paced_playout::play_until(std::int64_t now_us) {
    std::array<float, block_samples> block{};
    for (;;) {
        const std::int64_t play_us = start_us_ + static_cast<std::int64_t>(samples_written_) * 1'000'000 / 48000;
        if (play_us + block_us > now_us + block_us / 2)
            break;
        const codec::playout_info info = buffer_.pull(block, play_us);
        if (on_block_)
            on_block_(block, info, play_us);
        sink_.write(block);
        samples_written_ += block_samples;
    }
}

}  // namespace tolk::client
