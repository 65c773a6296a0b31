#include "clients/common/threaded_source.hpp"

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"
#include "clients/common/portaudio_device.hpp"
#include "codec/pcm.hpp"

#include <boost/asio/post.hpp>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

namespace tolk::client {

threaded_source::threaded_source(boost::asio::any_io_executor executor, int frame_samples,
                                 reader read, std::string description)
    : executor_(std::move(executor)),
      frame_samples_(frame_samples),
      read_(std::move(read)),
      description_(std::move(description)) {}

threaded_source::~threaded_source() {
    stop();
    if (thread_.joinable())
        thread_.join();
}

void threaded_source::start(frame_callback on_frame) {
    thread_ = std::thread([this, on_frame = std::move(on_frame)]() mutable { run(std::move(on_frame)); });
}

void threaded_source::stop() { stop_->store(true); }

void threaded_source::run(frame_callback on_frame) {
    const std::int64_t frame_us = std::int64_t{frame_samples_} * 1'000'000 / 48000;
    auto callback = std::make_shared<frame_callback>(std::move(on_frame));
    for (;;) {
        source_frame frame{std::vector<float>(static_cast<std::size_t>(frame_samples_), 0.0f), 0, false};
        frame.last = !read_(frame.pcm, *stop_);
        frame.capture_us = steady_now_us() - frame_us;
        if (stop_->load())
            return;
        const bool last = frame.last;
        // The callback runs on the executor, after a stop() there is a no-op.
        boost::asio::post(executor_, [callback, stop = stop_, frame = std::move(frame)]() mutable {
            if (!stop->load())
                (*callback)(std::move(frame));
        });
        if (last) {
            component_logger("source")->info("{}: end of input", description_);
            return;
        }
    }
}

threaded_source::reader pcm_fd_reader(int fd) {
    return [fd, pending = std::vector<std::int16_t>()](std::span<float> out,
                                                       const std::atomic<bool>& stop) mutable {
        pending.assign(out.size(), 0);
        auto* bytes = reinterpret_cast<char*>(pending.data());
        const std::size_t want = out.size() * sizeof(std::int16_t);
        std::size_t have = 0;
        bool more = true;
        while (have < want && !stop.load()) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            const ssize_t n = ::read(fd, bytes + have, want - have);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                more = false;
                break;
            }
            have += static_cast<std::size_t>(n);
        }
        codec::to_float(std::span<const std::int16_t>(pending).first(have / sizeof(std::int16_t)), out);
        return more && !stop.load();
    };
}

threaded_source::reader device_reader(std::string_view name, int frame_samples) {
    // Opened here, on the caller's thread, so an unknown device fails at start-up.
    auto device = std::make_shared<portaudio_device>(portaudio_device::direction::capture, name, frame_samples);
    return [device](std::span<float> out, const std::atomic<bool>&) { return device->read(out); };
}

}  // namespace tolk::client
