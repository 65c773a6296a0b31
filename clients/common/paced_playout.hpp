#pragma once
// Plays a playout buffer into an audio sink at the real-time rate: a steady timer every 10 ms
// pulls each 10 ms block whose play time has come, for its nominal play time (a late timer
// does not shift the schedule). `on_block` sees each block before the sink: the listener's
// latency bookkeeping, the booth return's meters and ear protection (it may change the samples).
// Shared by tolk-listen and tolk-booth's floor return.
//
// Threading: runs on the one io_context thread given at construction; the buffer and the sink
// are the caller's and must outlive it.

#include "clients/common/audio_sink.hpp"
#include "codec/playout_buffer.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <span>

namespace tolk::client {

class paced_playout {
public:
    static constexpr int block_samples = 480;  // 10 ms
    using block_hook = std::function<void(std::span<float> block, const codec::playout_info& info, std::int64_t play_us)>;

    paced_playout(boost::asio::io_context& io, codec::playout_buffer& buffer, audio_sink& sink, block_hook on_block = {});

    // Play time starts now.
    void start();
    // Plays what is due so far (a file gets everything) and stops the timer. Idempotent.
    void stop();

    std::int64_t start_us() const { return start_us_; }
    std::uint64_t samples_written() const { return samples_written_; }

private:
    boost::asio::awaitable<void> loop();
    void play_until(std::int64_t now_us);

    boost::asio::io_context& io_;
    codec::playout_buffer& buffer_;
    audio_sink& sink_;
    block_hook on_block_;
    boost::asio::steady_timer timer_;
    std::int64_t start_us_ = 0;
    std::uint64_t samples_written_ = 0;
    bool stopped_ = false;
};

}  // namespace tolk::client
