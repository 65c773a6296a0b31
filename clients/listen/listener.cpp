#include "clients/listen/listener.hpp"
#include "clients/common/nothrow.hpp"

#include "clients/common/log.hpp"
#include "clients/common/monotonic_clock.hpp"
#include "codec/jitter_buffer.hpp"
#include "codec/playout_profile.hpp"
#include "protocol/audio_frame.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <stdexcept>
#include <cstdio>

namespace tolk::listen {
namespace asio = boost::asio;

namespace {

constexpr int block_samples = client::paced_playout::block_samples;
constexpr auto stats_interval = std::chrono::seconds(5);
using client::nothrow;


// The adaptive buffer with the chosen profile, or what --jb asks for.
std::unique_ptr<codec::playout_buffer> make_playout(const listen_options& options) {
    if (options.playout.type == client::playout_choice::kind::adaptive) {
        const auto profile = codec::profile_options(options.profile);
        if (!profile) {
            throw std::invalid_argument("unknown playout profile '" + options.profile + "'");
        }
        return codec::make_jitter_buffer(*profile);
    }
    return client::make_playout_buffer(options.playout);
}

}  // namespace

listener::listener(asio::io_context& io, const listen_options& options)
    : options_(options),
      io_(io),
      sink_(client::make_audio_sink(options.output, block_samples)),
      playout_(make_playout(options)),
      connection_(std::make_shared<client::ws_connection>(io.get_executor(), connection_for(options.server), *this)),
      player_(io, *playout_, *sink_,
              [this](std::span<float>, const codec::playout_info& info, std::int64_t play_us) { on_block(info, play_us); }),
      stats_timer_(io),
      duration_timer_(io),
      nodes_(options.server),
      failover_backoff_(failover_schedule),
      failover_timer_(io),
      refresh_timer_(io) {}

void listener::start(std::function<void()> on_done) {
    on_done_ = std::move(on_done);
    client::component_logger("listen")->info("channel {}: listening on {} into {}, playout {} ({})",
                                             options_.channel, options_.server.authority(),
                                             sink_->description(), client::to_string(options_.playout),
                                             options_.profile);
    auto log = client::component_logger("listen");
    asio::co_spawn(io_, begin(), client::log_exception(log, "nodes"));
    player_.start();
    asio::co_spawn(io_, stats_loop(), client::log_exception(log, "stats"));
    if (options_.duration_s > 0) {
        duration_timer_.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(options_.duration_s * 1e6)));
        duration_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
                stop();
        });
    }
}

void listener::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    player_.stop();  // everything due so far goes into the file
    stats_timer_.cancel();
    duration_timer_.cancel();
    failover_timer_.cancel();
    refresh_timer_.cancel();
    sink_->close();
    write_stats_file();
    if (connection_running_)
        connection_->stop();  // then on_stopped()
    // else begin() or move_on() is between connections: it sees stopped_ and ends.
    const auto e2e = end_to_end_.summary();
    client::component_logger("listen")->info("channel {}: stopped after {:.1f} s; {} frames, {} missing; "
                                             "end-to-end {}", options_.channel,
                                             static_cast<double>(player_.samples_written()) / 48000.0,
                                             sequence_.received(), sequence_.missing(), client::to_string(e2e));
}

void listener::on_block(const codec::playout_info& info, std::int64_t play_us) {
    if (info.playing && info.capture_known && connection_->clock().valid()) {
        last_end_to_end_us_ = (play_us + connection_->clock().offset_us()) - (info.capture_us + channel_offset_us_);
        end_to_end_.record(last_end_to_end_us_);
    }
}

void listener::on_open() {
    failover_backoff_.reset();
    if (sequence_.received() > 0 || reconnects_ > 0 || channel_number_)
        ++reconnects_;
    restart_stream();
}

void listener::restart_stream() {
    restart_pending_ = true;
    sequence_.reset();
}

void listener::on_control(const protocol::control_message& message) {
    auto log = client::component_logger("listen");
    if (std::holds_alternative<protocol::welcome>(message)) {
        connection_->send_control(protocol::subscribe{{options_.channel}});
    } else if (const auto* s = std::get_if<protocol::subscribed>(&message)) {
        channel_number_.reset();
        for (const auto& info : s->channels)
            update_channel(info);
        if (!channel_number_)
            log->warn("channel {}: the server did not subscribe us", options_.channel);
        else
            log->info("channel {} (number {}): subscribed, {}", options_.channel, *channel_number_,
                      on_air_ ? "on air" : "off air");
    } else if (const auto* list = std::get_if<protocol::channel_list>(&message)) {
        for (const auto& info : list->channels)
            if (info.id == options_.channel && channel_number_)
                update_channel(info);
    } else if (const auto* change = std::get_if<protocol::on_air_change>(&message)) {
        if (change->channel == options_.channel) {
            on_air_ = change->on_air;
            channel_offset_us_ = change->clock_offset_us;
            log->info("channel {}: {}", options_.channel, on_air_ ? "on air" : "off air");
        }
    } else if (const auto* r = std::get_if<protocol::resync>(&message)) {
        if (r->channel == options_.channel) {
            ++resyncs_;
            resync_dropped_ += r->dropped_frames;
            restart_stream();
            log->warn("channel {}: resynchronised by the server, {} frames dropped", options_.channel,
                      r->dropped_frames);
        }
    } else if (const auto* e = std::get_if<protocol::error_message>(&message)) {
        if (e->code == "unknown_channel") {
            std::fprintf(stderr, "tolk-listen: channel \"%s\": %s\n", options_.channel.c_str(), e->reason.c_str());
            exit_code_ = 2;
            stop();
        }
    }
}

void listener::update_channel(const protocol::channel_info& info) {
    if (info.id != options_.channel)
        return;
    channel_number_ = info.number;
    on_air_ = info.on_air;
    channel_offset_us_ = info.clock_offset_us;
}

void listener::on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) {
    const auto frame = protocol::parse_audio_frame(bytes);
    if (!frame) {
        if (bad_frames_++ == 0)
            client::component_logger("listen")->warn("unreadable audio frame: {}", frame.error().message());
        return;
    }
    const protocol::frame_header& h = frame->header;
    if (!channel_number_ || h.channel != *channel_number_ || stopped_)
        return;
    const bool discontinuity = h.has(protocol::frame_flag::discontinuity) || restart_pending_;
    sequence_.observe(h.sequence, discontinuity);
    if (connection_->clock().valid())
        delivery_.record(receipt_us + connection_->clock().offset_us() - h.ingress_us);
    else
        ++frames_before_clock_;
    playout_->push({h.sequence, h.capture_us, receipt_us, discontinuity,
                    h.has(protocol::frame_flag::end_of_segment), frame->opus});
    restart_pending_ = false;
}


asio::awaitable<void> listener::stats_loop() {
    while (!stopped_) {
        stats_timer_.expires_after(stats_interval);
        auto [error] = co_await stats_timer_.async_wait(nothrow);
        if (error || stopped_)
            co_return;
        if (channel_number_)
            connection_->send_control(stats_message());
    }
}

}  // namespace tolk::listen
