#pragma once
// A booth: captures audio from one source, encodes it with Opus and publishes it on one
// channel of a tolk server (protocol/PROTOCOL.md), keeping the connection up and the clock
// offset reported.  A file source starts when the server first welcomes the booth.
//
// Threading: everything runs on the one io_context thread given at construction (the
// connection's strand is that io_context); only the constructor may throw.

#include "clients/booth/return_feed.hpp"
#include "clients/common/audio_source.hpp"
#include "clients/common/connection_handler.hpp"
#include "clients/common/ws_connection.hpp"
#include "codec/opus_encoder.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <optional>
#include <memory>
#include <string>

namespace tolk::booth {

struct booth_options {
    client::ws_url server;
    std::string channel;
    std::string input;  // see clients/common/audio_source.hpp
    bool loop = false;
    int bitrate = 0;  // Opus bit/s; 0: what the server asks for in `welcome` (else 32000)
    int frame_ms = 20;
    std::string token;  // a booth token (tolk-server token issue); empty: none (demo event, loopback)
    std::string name;   // without a token: who this booth is across reconnects (?name=)
    std::string booth;  // the booth whose consoles share the channel (?booth=); "" alone
    bool keys = false;  // keyboard controls and a one-line status on the terminal
    // The floor return (--return): where the booth's source is played ("" none), through the
    // limiter with these levels; it follows the server's auto-relay suggestion by itself.
    std::string return_output;
    codec::limiter_options limiter;
    std::string stats_path;  // --stats: a JSON report written at the end ("" none)
    // The floor booth declares the floor's language (auto-relay) once it is live ("" not).
    std::string floor_language;
};

class booth final : public client::connection_handler {
public:
    // Throws std::runtime_error / codec errors with a message for people.
    booth(boost::asio::io_context& io, const booth_options& options);

    // on_done runs when the booth has nothing left to do (end of input, refusal, stop()).
    void start(std::function<void()> on_done);
    // Stops capturing, closes the connection after what is queued.
    void stop();
    // 0, or 2 when the server refused the booth for good.
    int exit_code() const { return exit_code_; }

    // The console's keys: c cough on/off, h handover (request when passive, accept when asked),
    // d decline, a / b output A / B, s slow down, r auto-relay on/off (off: the floor), q quit.
    void on_key(char key);
    // The one-line status, e.g. "LIVE en | booth EN, 1 partner | audience 12 | handover requested".
    static std::string status_line(const protocol::booth_state& s);

private:
    void on_open() override;
    void on_control(const protocol::control_message& message) override;
    void on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) override;
    void on_clock(const protocol::clock_sync& clock) override;
    bool on_close(const client::close_info& info) override;
    void on_stopped() override;
    void on_frame(client::source_frame frame);
    void on_state(const protocol::booth_state& state);
    void follow_source();
    void print_status();
    void start_status_timer();
    void write_stats() const;

    booth_options options_;
    codec::opus_encoder encoder_;
    std::unique_ptr<client::audio_source> source_;
    std::unique_ptr<return_feed> return_;  // --return
    boost::asio::steady_timer status_timer_;  // the status line's refresh (return levels)
    bool follow_auto_ = true;              // the return follows booth_state.auto_source
    bool floor_declared_ = false;          // --floor-language sent on this connection
    std::shared_ptr<client::ws_connection> connection_;
    std::function<void()> on_done_;
    std::vector<std::uint8_t> packet_;
    std::uint32_t sequence_ = 0;
    // From the server's booth_state: send audio only while `mic` (until one comes: always).
    std::optional<protocol::booth_state> state_;
    bool coughing_ = false;
    bool source_started_ = false;
    bool stopping_ = false;
    int exit_code_ = 0;
};

}  // namespace tolk::booth
