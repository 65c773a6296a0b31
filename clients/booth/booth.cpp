#include "clients/booth/booth.hpp"

#include "clients/common/log.hpp"
#include "protocol/audio_frame.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <fstream>

namespace tolk::booth {
namespace {

codec::encoder_options encoder_for(const booth_options& options) {
    codec::encoder_options e;
    e.bitrate = options.bitrate > 0 ? options.bitrate : 32000;  // until the server says
    e.frame_ms = options.frame_ms;
    e.application = codec::opus_application::audio;
    return e;
}

client::connection_options connection_for(const booth_options& options) {
    client::connection_options c;
    c.url = options.server;
    c.target = options.server.endpoint("/ws/booth?channel=" + client::url_encode(options.channel) +
                                       (options.name.empty() ? "" : "&name=" + client::url_encode(options.name)) +
                                       (options.booth.empty() ? "" : "&booth=" + client::url_encode(options.booth)));
    c.client_name = "tolk-booth/0.1";
    c.token = options.token;
    c.max_queued_audio = static_cast<std::size_t>(1000 / options.frame_ms);  // 1 s of audio
    return c;
}

}  // namespace

booth::booth(boost::asio::io_context& io, const booth_options& options)
    : options_(options),
      encoder_(encoder_for(options)),
      source_(client::make_audio_source(options.input, io.get_executor(),
                                        {encoder_.frame_samples(), options.loop})),
      return_(options.return_output.empty()
                  ? nullptr
                  : std::make_unique<return_feed>(
                        io, return_options{options.server, options.return_output, {}, options.limiter})),
      status_timer_(io),
      connection_(std::make_shared<client::ws_connection>(io.get_executor(), connection_for(options), *this)),
      packet_(codec::max_packet_bytes) {}

void booth::start(std::function<void()> on_done) {
    on_done_ = std::move(on_done);
    client::component_logger("booth")->info("channel {}: publishing {} at {} bit/s, {} ms frames to {}",
                                            options_.channel, source_->description(),
                                            options_.bitrate > 0 ? std::to_string(options_.bitrate)
                                                                 : std::string("the event's"),
                                            options_.frame_ms, options_.server.authority());
    connection_->start();
    if (return_) {
        return_->start();
        start_status_timer();
    }
}

void booth::stop() {
    if (stopping_)
        return;
    stopping_ = true;
    source_->stop();
    status_timer_.cancel();
    if (return_) {
        return_->stop();
        write_stats();
    }
    connection_->stop();
}

// The return's levels change all the time: the status line is refreshed every second.
void booth::start_status_timer() {
    status_timer_.expires_after(std::chrono::seconds(1));
    status_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_)
            return;
        if (options_.keys && state_)
            print_status();
        start_status_timer();
    });
}

void booth::write_stats() const {
    if (options_.stats_path.empty() || !return_)
        return;
    std::ofstream out(options_.stats_path, std::ios::trunc);
    out << nlohmann::json{{"channel", options_.channel}, {"return", return_->report()}}.dump(2) << '\n';
    if (!out)
        client::component_logger("booth")->error("cannot write {}", options_.stats_path);
}

void booth::on_open() { floor_declared_ = false; }

void booth::on_control(const protocol::control_message& message) {
    if (const auto* w = std::get_if<protocol::welcome>(&message)) {
        client::component_logger("booth")->info("channel {} (number {}): on air, session {}", w->channel,
                                                w->channel_number, w->session);
        if (options_.bitrate == 0 && w->bitrate > 0) {  // the event's bitrate, unless told otherwise
            encoder_.set_bitrate(w->bitrate);
            client::component_logger("booth")->info("channel {}: {} bit/s, as the event asks", w->channel,
                                                    w->bitrate);
        }
        if (!source_started_ && !stopping_) {
            source_started_ = true;
            source_->start([this](client::source_frame frame) { on_frame(std::move(frame)); });
        }
    } else if (const auto* s = std::get_if<protocol::booth_state>(&message)) {
        on_state(*s);
    } else if (const auto* c = std::get_if<protocol::chat>(&message)) {
        client::component_logger("booth")->info("chat from {} ({}, to {}): {}", c->from, c->from_booth, c->to, c->text);
    } else if (const auto* e = std::get_if<protocol::error_message>(&message)) {
        client::component_logger("booth")->warn("server: {}: {}", e->code, e->reason);
    }
}

std::string booth::status_line(const protocol::booth_state& s) {
    std::string line = s.live ? "LIVE " : s.mic ? "TAKING OVER " : "passive ";
    line += s.channel;
    if (!s.booth.empty())
        line += fmt::format(" | booth {}, {} partner{}", s.booth, s.partners, s.partners == 1 ? "" : "s");
    line += fmt::format(" | audience {}", s.audience);
    if (!s.handover.empty())
        line += " | handover " + s.handover;
    if (s.coughing)
        line += " | COUGH";
    if (s.both_live)
        line += " | ERROR: BOTH LIVE";
    if (s.outputs.size() == 2)
        line += fmt::format(" | A {} / B {}", s.outputs[0], s.outputs[1]);
    if (!s.source.empty())
        line += " | hears " + s.source;
    return line;
}

void booth::on_state(const protocol::booth_state& state) {
    const bool changed = !state_ || !(*state_ == state);
    const bool suggestion_changed = !state_ || state_->auto_source != state.auto_source;
    state_ = state;
    if (!changed)
        return;
    if (return_ && suggestion_changed && !state.auto_reason.empty())
        client::component_logger("booth")->info("auto-relay: {}", state.auto_reason);
    if (!options_.floor_language.empty() && state.live && !floor_declared_) {
        floor_declared_ = true;
        connection_->send_control(protocol::floor_language{options_.floor_language});
    }
    follow_source();
    print_status();
}

// What the return plays: the server's auto-relay suggestion while following it (key r), else
// the floor. The booth tells the server what it hears (listeners see first or second hand).
void booth::follow_source() {
    if (!return_ || !state_)
        return;
    const std::string want = follow_auto_ && !state_->auto_source.empty() ? state_->auto_source : "floor";
    if (want != return_->source())
        return_->hear(want);
    if (state_->live && state_->source != want)
        connection_->send_control(protocol::source_select{want});
}

void booth::print_status() {
    if (!state_)
        return;
    auto line = status_line(*state_);
    if (return_) {
        line += return_->status();
        if (!follow_auto_)
            line += " | auto-relay off";
        else if (!state_->auto_source.empty() && state_->auto_source != "floor")
            line += " | auto-relay";
    }
    if (options_.keys)
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
    else
        client::component_logger("booth")->info("{}", line);
}

void booth::on_key(char key) {
    const bool live = state_ && state_->live;
    switch (key) {
    case 'c':
        coughing_ = !coughing_;
        connection_->send_control(protocol::cough{coughing_});
        break;
    case 'h':
        connection_->send_control(protocol::handover{live ? "accept" : "request"});
        break;
    case 'd':
        connection_->send_control(protocol::handover{"decline"});
        break;
    case 'a':
    case 'b':
        if (state_ && state_->outputs.size() == 2)
            connection_->send_control(protocol::output_select{state_->outputs[key == 'a' ? 0 : 1]});
        break;
    case 's':
        connection_->send_control(protocol::slow_down{});
        break;
    case 'r':
        follow_auto_ = !follow_auto_;
        follow_source();
        print_status();
        break;
    case 'q':
        stop();
        break;
    default:
        break;
    }
}

void booth::on_binary(std::span<const std::uint8_t>, std::int64_t) {}  // booths receive no audio

void booth::on_clock(const protocol::clock_sync& clock) {
    connection_->send_control(protocol::clock_report{clock.offset_us(), clock.rtt_us()});
}

void booth::on_frame(client::source_frame frame) {
    if (stopping_)
        return;
    if (state_ && !state_->mic && !frame.last)
        return;  // a passive console: its microphone is closed until it takes over
    const std::size_t size = encoder_.encode(frame.pcm, packet_);
    protocol::frame_header header;
    header.sequence = sequence_++;
    header.capture_us = frame.capture_us;
    header.flags = frame.last ? protocol::frame_flag::end_of_segment : 0;
    connection_->send_audio(std::make_shared<const std::vector<std::uint8_t>>(
        protocol::serialize_audio_frame(header, std::span(packet_).first(size))));
    if (frame.last) {
        client::component_logger("booth")->info("channel {}: end of input after {} frames", options_.channel,
                                                sequence_);
        stop();  // the close is queued behind the last frame
    }
}

bool booth::on_close(const client::close_info& info) {
    auto log = client::component_logger("booth");
    if (stopping_) {
        const auto& c = connection_->counters();
        log->info("channel {}: closed; {} frames sent, {} dropped while not connected", options_.channel,
                  c.audio_sent, c.audio_dropped);
        return false;
    }
    const auto give_up = [&](const char* what, const char* why) {
        std::fprintf(stderr, "tolk-booth: %s channel \"%s\" (close %u): %s\ntolk-booth: %s\n", what,
                     options_.channel.c_str(), info.code, info.reason.c_str(), why);
        exit_code_ = 2;
        source_->stop();
        stopping_ = true;
        return false;
    };
    if (client::is_permanent_refusal(info.code))
        return give_up("the server refused", "retrying will not fix this; giving up.");
    if (info.code == protocol::close_code::replaced)
        return give_up("a newer connection of this same booth took over",
                       "this one stops (the other one is on air).");
    if (info.code == protocol::close_code::overridden)
        return give_up("another booth took over", "the event's policy is override; this one stops.");
    if (info.code == protocol::close_code::channel_taken) {
        log->warn("channel {}: held by another booth; waiting for it to leave (retrying)", options_.channel);
        return true;
    }
    if (info.established)  // failed attempts are logged by the connection with its retry delay
        log->warn("channel {}: connection lost: {}{}", options_.channel,
                  info.code ? fmt::format("closed {} ", info.code) : std::string(), info.reason);
    return true;
}

void booth::on_stopped() {
    if (on_done_)
        on_done_();
}

}  // namespace tolk::booth
