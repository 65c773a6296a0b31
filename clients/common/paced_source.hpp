#pragma once
// A source that makes audio itself (a file already in memory, a tone) and hands it out at the
// real-time rate: a steady_timer on the executor fires when each frame would have finished
// being captured (frame_pacer).  After a stall of more than a second it skips ahead instead of
// bursting.  Lives on its executor; start/stop from that executor's thread.

#include "clients/common/audio_source.hpp"
#include "clients/common/frame_pacer.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <functional>
#include <span>

namespace tolk::client {

class paced_source final : public audio_source {
public:
    // Fills `out` and returns how many samples are real audio; fewer than out.size() means
    // the audio ended (the rest is silence, and this frame is the last).
    using generator = std::function<std::size_t(std::span<float> out)>;

    paced_source(boost::asio::any_io_executor executor, int frame_samples, generator generate,
                 std::string description);
    ~paced_source() override;

    void start(frame_callback on_frame) override;
    void stop() override;
    std::string description() const override { return description_; }

    std::uint64_t reanchors() const { return reanchors_; }

private:
    boost::asio::awaitable<void> run(frame_callback on_frame);

    boost::asio::any_io_executor executor_;
    int frame_samples_;
    generator generate_;
    std::string description_;
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
    std::uint64_t reanchors_ = 0;
};

// Generators for the paced sources.
paced_source::generator file_generator(std::vector<float> samples, bool loop);
paced_source::generator tone_generator_for(double hz, float amplitude = 0.3f);

}  // namespace tolk::client
