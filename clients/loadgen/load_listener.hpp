#pragma once
// One simulated listener of tolk-loadgen: subscribes to one channel and, for every frame,
// parses the header only (no decoding) to record delivery latency and sequence gaps.
// A "stalled" listener stops reading after its first audio frame.  It never reconnects, so
// failures are counted exactly.
//
// Threading: all handler calls run on the connection's strand; the stats are read by the
// load generator only after the I/O threads have stopped.

#include "clients/common/connection_handler.hpp"
#include "clients/common/ws_connection.hpp"
#include "clients/loadgen/load_report.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tolk::loadgen {

struct listener_setup {
    std::string channel;
    bool stall = false;
    bool use_clock_offset = false;  // latency via the ping/pong offset instead of shared clocks
    const std::atomic<bool>* window_open = nullptr;  // the measurement window; null: always
};

class load_listener final : public client::connection_handler {
public:
    // `attempt_done` runs once, on the strand, when the first connection attempt succeeded or
    // failed (the generator's connect ramp); `stopped` when the connection is gone for good.
    load_listener(boost::asio::any_io_executor strand, client::connection_options options,
                  listener_setup setup, std::function<void()> attempt_done,
                  std::function<void()> stopped);

    void start();
    void stop();  // any thread
    const listener_stats& stats() const { return stats_; }
    const listener_setup& setup() const { return setup_; }

private:
    void on_open() override;
    void on_control(const protocol::control_message& message) override;
    void on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) override;
    bool on_close(const client::close_info& info) override;
    void on_stopped() override { stopped_(); }
    void attempt_finished();

    boost::asio::any_io_executor strand_;
    listener_setup setup_;
    std::function<void()> attempt_done_;
    std::function<void()> stopped_;
    std::shared_ptr<client::ws_connection> connection_;
    std::optional<std::uint16_t> channel_number_;
    listener_stats stats_;
    bool stopping_ = false;
    bool paused_ = false;
};

}  // namespace tolk::loadgen
