#pragma once
// tolk-booth's floor return (issue 12, --return): what the interpreter hears. Subscribes to the
// booth's source (the floor, or a relay channel) as a listener, plays it through the adaptive
// jitter buffer with the `return` profile and the ear protection (codec/peak_limiter: ceiling,
// sustained limit, one-minute warning) into an audio sink (a sound card, or a WAV file for
// tests), and reads the source's input quality (codec/input_quality: level, clipping,
// bandwidth, concealment) from the audio before the limiter.
//
// Threading: everything runs on the one io_context thread given at construction; the sink
// writes on its own thread. Only the constructor may throw.

#include "clients/common/audio_sink.hpp"
#include "clients/common/connection_handler.hpp"
#include "clients/common/paced_playout.hpp"
#include "clients/common/ws_connection.hpp"
#include "codec/input_quality.hpp"
#include "codec/peak_limiter.hpp"
#include "codec/playout_buffer.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tolk::booth {

struct return_options {
    client::ws_url server;
    std::string output;  // see clients/common/audio_sink.hpp: FILE.wav, -, device:NAME
    std::string token;   // a listener token on a private event ("" none)
    codec::limiter_options limiter;
};

class return_feed final : public client::connection_handler {
public:
    return_feed(boost::asio::io_context& io, const return_options& options);

    void start();
    // Closes the output (a WAV is final) and the connection.
    void stop();
    // Hear `source`: "floor" or a channel id. The jitter buffer starts over (a new source).
    void hear(const std::string& source);
    const std::string& source() const { return source_; }

    // For the one-line status: " | return floor (first hand) | in -23 dBFS, 12.0 kHz | ..."
    std::string status() const;
    // For --stats.
    nlohmann::json report() const;

private:
    void on_open() override;
    void on_control(const protocol::control_message& message) override;
    void on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) override;
    bool on_close(const client::close_info& info) override;
    void on_block(std::span<float> block, const codec::playout_info& info);
    void subscribe_now();
    std::string channel_of(const std::string& source) const;

    return_options options_;
    std::unique_ptr<client::audio_sink> sink_;
    std::unique_ptr<codec::playout_buffer> playout_;
    std::shared_ptr<client::ws_connection> connection_;
    client::paced_playout player_;
    codec::peak_limiter limiter_;
    codec::input_quality quality_;

    std::string source_ = "floor";
    std::vector<protocol::channel_info> channels_;  // the event's, from the server's list
    bool welcomed_ = false;
    std::string subscribed_;                     // the channel id asked for
    std::optional<std::uint16_t> channel_number_;  // its number, once subscribed
    bool restart_pending_ = true;                // the next frame resets the jitter buffer
    std::uint64_t concealed_seen_ = 0;           // the buffer's concealed samples counted so far
    float output_peak_ = 0;                      // the loudest sample played (after the limiter)
    bool playing_ = false;                       // the last block played audio (not silence)
    bool stopped_ = false;
};

}  // namespace tolk::booth
