#include "clients/loadgen/load_listener.hpp"

#include "protocol/audio_frame.hpp"

#include <boost/asio/dispatch.hpp>

namespace tolk::loadgen {

load_listener::load_listener(boost::asio::any_io_executor strand, client::connection_options options,
                             listener_setup setup, std::function<void()> attempt_done,
                             std::function<void()> stopped)
    : strand_(strand),
      setup_(std::move(setup)),
      attempt_done_(std::move(attempt_done)),
      stopped_(std::move(stopped)),
      connection_(std::make_shared<client::ws_connection>(std::move(strand), std::move(options), *this)) {}

void load_listener::start() { connection_->start(); }

void load_listener::stop() {
    boost::asio::dispatch(strand_, [this] {
        stopping_ = true;
        connection_->stop();
    });
}

void load_listener::attempt_finished() {
    if (attempt_done_)
        std::exchange(attempt_done_, nullptr)();
}

void load_listener::on_open() {
    stats_.connected = true;
    attempt_finished();
}

void load_listener::on_control(const protocol::control_message& message) {
    if (std::holds_alternative<protocol::welcome>(message)) {
        connection_->send_control(protocol::subscribe{{setup_.channel}});
    } else if (const auto* s = std::get_if<protocol::subscribed>(&message)) {
        for (const auto& info : s->channels)
            if (info.id == setup_.channel) {
                channel_number_ = info.number;
                stats_.subscribed = true;
            }
    } else if (const auto* r = std::get_if<protocol::resync>(&message)) {
        if (r->channel == setup_.channel) {
            ++stats_.resyncs;
            stats_.resync_dropped += r->dropped_frames;
            stats_.sequence.reset();
        }
    }
}

void load_listener::on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) {
    const auto frame = protocol::parse_audio_frame(bytes);
    if (!frame) {
        ++stats_.bad_frames;
        return;
    }
    const protocol::frame_header& h = frame->header;
    if (!channel_number_ || h.channel != *channel_number_)
        return;
    stats_.sequence.observe(h.sequence, h.has(protocol::frame_flag::discontinuity));
    if (!setup_.window_open || setup_.window_open->load(std::memory_order_relaxed)) {
        const std::int64_t offset = setup_.use_clock_offset ? connection_->clock().offset_us() : 0;
        stats_.latency.record(receipt_us + offset - h.ingress_us);
        ++stats_.window_frames;
    }
    if (setup_.stall && !paused_) {
        paused_ = true;
        connection_->pause_reading();
    }
}

bool load_listener::on_close(const client::close_info& info) {
    attempt_finished();
    // Our own close is answered with 1000.  A stalled listener that the server has already
    // dropped (4005, or a bare socket close) only finds out when its close handshake fails.
    if (info.established && (!stopping_ || info.code != 1000)) {
        stats_.closed_by_server = true;
        stats_.close_code = info.code;
        stats_.close_reason = info.reason;
    } else if (!info.established) {
        stats_.close_reason = info.reason;
    }
    return false;
}

}  // namespace tolk::loadgen
