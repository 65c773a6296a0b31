#include "clients/common/paced_source.hpp"

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"
#include "codec/signals.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>

namespace tolk::client {
namespace asio = boost::asio;

namespace {
constexpr std::int64_t max_lag_us = 1'000'000;  // behind by more than this: skip ahead
}

paced_source::paced_source(asio::any_io_executor executor, int frame_samples, generator generate,
                           std::string description)
    : executor_(executor),
      frame_samples_(frame_samples),
      generate_(std::move(generate)),
      description_(std::move(description)),
      timer_(executor) {}

paced_source::~paced_source() { stop(); }

void paced_source::start(frame_callback on_frame) {
    asio::co_spawn(executor_, run(std::move(on_frame)),
                   log_exception(component_logger("source"), description_));
}

void paced_source::stop() {
    stopped_ = true;
    timer_.cancel();
}

asio::awaitable<void> paced_source::run(frame_callback on_frame) {
    frame_pacer pacer(steady_now_us(), frame_samples_);
    for (std::uint64_t k = 0; !stopped_; ++k) {
        timer_.expires_at(steady_time_of(pacer.due_us(k)));
        auto [error] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (error || stopped_)
            co_return;
        const std::int64_t now = steady_now_us();
        if (now - pacer.due_us(k) > max_lag_us) {
            component_logger("source")->warn("{}: {} ms behind real time, skipping ahead",
                                             description_, (now - pacer.due_us(k)) / 1000);
            pacer.reanchor(k, now);
            ++reanchors_;
        }
        source_frame frame{std::vector<float>(static_cast<std::size_t>(frame_samples_), 0.0f),
                           pacer.capture_us(k), false};
        frame.last = generate_(frame.pcm) < frame.pcm.size();
        const bool last = frame.last;
        on_frame(std::move(frame));
        if (last)
            co_return;
    }
}

paced_source::generator file_generator(std::vector<float> samples, bool loop) {
    auto audio = std::make_shared<const std::vector<float>>(std::move(samples));
    return [audio, loop, position = std::size_t{0}](std::span<float> out) mutable -> std::size_t {
        std::size_t written = 0;
        while (written < out.size()) {
            if (position == audio->size()) {
                if (!loop || audio->empty())
                    break;
                position = 0;
            }
            const std::size_t n = std::min(out.size() - written, audio->size() - position);
            std::copy_n(audio->begin() + static_cast<std::ptrdiff_t>(position), n,
                        out.begin() + static_cast<std::ptrdiff_t>(written));
            written += n;
            position += n;
        }
        return written;
    };
}

paced_source::generator tone_generator_for(double hz, float amplitude) {
    auto generator = std::make_shared<codec::tone_generator>(hz, amplitude);
    return [generator](std::span<float> out) {
        generator->generate(out);
        return out.size();
    };
}

}  // namespace tolk::client
