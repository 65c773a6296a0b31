#include "clients/booth/return_feed.hpp"

#include "clients/common/log.hpp"
#include "codec/jitter_buffer.hpp"
#include "codec/level_meter.hpp"
#include "codec/playout_profile.hpp"
#include "protocol/audio_frame.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace tolk::booth {
namespace {

client::connection_options connection_for(const return_options& options) {
    client::connection_options c;
    c.url = options.server;
    c.target = options.server.endpoint("/ws/listen");
    c.client_name = "tolk-booth-return/0.1";
    c.token = options.token;
    return c;
}

}  // namespace

return_feed::return_feed(boost::asio::io_context& io, const return_options& options)
    : options_(options),
      sink_(client::make_audio_sink(options.output, client::paced_playout::block_samples)),
      playout_(codec::make_jitter_buffer(codec::profile_options(codec::playout_profile::return_feed))),
      connection_(std::make_shared<client::ws_connection>(io.get_executor(), connection_for(options), *this)),
      player_(io, *playout_, *sink_,
              [this](std::span<float> block, const codec::playout_info& info, std::int64_t) { on_block(block, info); }),
      limiter_(options.limiter) {}

void return_feed::start() {
    client::component_logger("return")->info("return into {} (limiter ceiling {} dBFS, sustained {} dBFS)",
                                              sink_->description(), options_.limiter.ceiling_dbfs,
                                              options_.limiter.sustained_dbfs);
    connection_->start();
    player_.start();
}

void return_feed::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    player_.stop();
    sink_->close();
    connection_->stop();
}

// Ear protection on everything played; the input quality from what the source sent.
void return_feed::on_block(std::span<float> block, const codec::playout_info& info) {
    if (info.playing) {
        const auto concealed = playout_->stats().concealed_samples;
        if (concealed > concealed_seen_)
            quality_.add_concealed(static_cast<std::size_t>(concealed - concealed_seen_));
        else
            quality_.add_decoded(block);
        concealed_seen_ = concealed;
    }
    if (info.playing != playing_)
        client::component_logger("return")->info("return: {} {}", source_,
                                                  info.playing ? "playing" : "stopped playing (end of its audio)");
    playing_ = info.playing;
    limiter_.process(block);
    for (float x : block)
        output_peak_ = std::max(output_peak_, std::fabs(x));
}

void return_feed::hear(const std::string& source) {
    if (source == source_)
        return;
    client::component_logger("return")->info("return: now hears {} (was {})", source, source_);
    source_ = source;
    quality_.reset();
    subscribe_now();
}

std::string return_feed::channel_of(const std::string& source) const {
    if (source != "floor")
        return source;
    for (const auto& c : channels_)
        if (c.id == "floor")
            return c.id;
    for (const auto& c : channels_)
        if (c.language == "mul")
            return c.id;
    return {};
}

void return_feed::subscribe_now() {
    if (!welcomed_)
        return;
    const auto channel = channel_of(source_);
    if (channel.empty() || channel == subscribed_)
        return;
    if (!subscribed_.empty())
        connection_->send_control(protocol::unsubscribe{{subscribed_}});
    subscribed_ = channel;
    channel_number_.reset();
    restart_pending_ = true;
    connection_->send_control(protocol::subscribe{{channel}});
}

void return_feed::on_open() {
    welcomed_ = false;
    subscribed_.clear();
    channel_number_.reset();
    restart_pending_ = true;
}

void return_feed::on_control(const protocol::control_message& message) {
    if (std::holds_alternative<protocol::welcome>(message)) {
        welcomed_ = true;
        subscribe_now();
    } else if (const auto* list = std::get_if<protocol::channel_list>(&message)) {
        channels_ = list->channels;
        subscribe_now();
    } else if (const auto* s = std::get_if<protocol::subscribed>(&message)) {
        for (const auto& c : s->channels)
            if (c.id == subscribed_)
                channel_number_ = c.number;
    } else if (const auto* r = std::get_if<protocol::resync>(&message)) {
        if (r->channel == subscribed_)
            restart_pending_ = true;
    } else if (const auto* e = std::get_if<protocol::error_message>(&message)) {
        client::component_logger("return")->warn("return: server: {}: {}", e->code, e->reason);
    }
}

void return_feed::on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) {
    const auto frame = protocol::parse_audio_frame(bytes);
    if (!frame || !channel_number_ || frame->header.channel != *channel_number_ || stopped_)
        return;
    const auto& h = frame->header;
    playout_->push({h.sequence, h.capture_us, receipt_us,
                    h.has(protocol::frame_flag::discontinuity) || restart_pending_,
                    h.has(protocol::frame_flag::end_of_segment), frame->opus});
    restart_pending_ = false;
}

bool return_feed::on_close(const client::close_info& info) {
    if (stopped_)
        return false;
    if (info.established)
        client::component_logger("return")->warn("return: connection lost ({}), reconnecting", info.reason);
    return !client::is_permanent_refusal(info.code);
}

std::string return_feed::status() const {
    std::string line = " | return " + source_ + (source_ == "floor" ? " (first hand)" : " (relay, second hand)");
    const auto q = quality_.reading();
    line += fmt::format(" | in {:.0f} dBFS", q.level_dbfs);
    if (q.bandwidth_hz > 0)
        line += fmt::format(", {:.1f} kHz{}", q.bandwidth_hz / 1000, q.telephone_band ? " TELEPHONE BAND" : "");
    if (q.clipped_samples > 0)
        line += fmt::format(", {} clipped", q.clipped_samples);
    if (q.concealed_share > 0.001)
        line += fmt::format(", {:.1f}% concealed", q.concealed_share * 100);
    const auto& l = limiter_.state();
    if (l.sustained)
        line += " | LIMITING";
    if (l.warning)
        line += fmt::format(" | TOO LOUD: 1-min average {:.0f} dBFS", l.minute_dbfs);
    return line;
}

nlohmann::json return_feed::report() const {
    const auto q = quality_.reading();
    const auto& l = limiter_.state();
    const auto s = playout_->stats();
    return {{"source", source_},
            {"channel", subscribed_},
            {"output", sink_->description()},
            {"samples_written", player_.samples_written()},
            {"input_quality",
             {{"level_dbfs", q.level_dbfs},
              {"peak_dbfs", q.peak_dbfs},
              {"clipped_samples", q.clipped_samples},
              {"bandwidth_hz", q.bandwidth_hz},
              {"telephone_band", q.telephone_band},
              {"concealed_share", q.concealed_share}}},
            {"limiter",
             {{"ceiling_dbfs", options_.limiter.ceiling_dbfs},
              {"sustained", l.sustained},
              {"warning", l.warning},
              {"minute_dbfs", l.minute_dbfs},
              {"limited_samples", l.limited_samples},
              {"clipped_samples", l.clipped_samples},
              {"output_peak_dbfs", codec::amplitude_to_dbfs(output_peak_)}}},
            {"playout",
             {{"frames_received", s.frames_received},
              {"concealed_samples", s.concealed_samples},
              {"discontinuities", s.discontinuities},
              {"current_delay_ms", s.current_delay_ms}}}};
}

}  // namespace tolk::booth
