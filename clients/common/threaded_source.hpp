#pragma once
// A source whose audio arrives by blocking reads (stdin, a sound card): a dedicated thread
// reads one frame at a time and posts it to the executor.  capture_us is the steady clock when
// the read completed, minus one frame (the first sample was captured a frame earlier).
// start/stop from the executor's thread; the reader runs only on the source's own thread.

#include "clients/common/audio_source.hpp"

#include <atomic>
#include <functional>
#include <span>
#include <thread>

namespace tolk::client {

class threaded_source final : public audio_source {
public:
    // Fills `out` (blocking); returns false at the end of the audio or on an error (the frame
    // is delivered as the last one, zero-padded).  Should return soon after `stop` turns true.
    using reader = std::function<bool(std::span<float> out, const std::atomic<bool>& stop)>;

    threaded_source(boost::asio::any_io_executor executor, int frame_samples, reader read,
                    std::string description);
    ~threaded_source() override;

    void start(frame_callback on_frame) override;
    void stop() override;
    std::string description() const override { return description_; }

private:
    void run(frame_callback on_frame);

    boost::asio::any_io_executor executor_;
    int frame_samples_;
    reader read_;
    std::string description_;
    std::shared_ptr<std::atomic<bool>> stop_ = std::make_shared<std::atomic<bool>>(false);
    std::thread thread_;
};

// Raw s16le 48 kHz mono from a file descriptor (stdin: 0), polled so stop is noticed.
threaded_source::reader pcm_fd_reader(int fd);
// A PortAudio capture device (see portaudio_device.hpp).
threaded_source::reader device_reader(std::string_view name, int frame_samples);

}  // namespace tolk::client
