#include "server/monitor/channel_monitor.hpp"

#include "codec/audio_format.hpp"

namespace tolk::monitor {

channel_monitor::channel_monitor(const channel_monitor_options& options)
    : options_(options),
      level_(options.level),
      bandwidth_(options.bandwidth),
      pcm_(codec::max_frame_samples) {}

void channel_monitor::on_packet(std::span<const std::uint8_t> opus) {
    const std::uint64_t before = decoder_.corrupt_packets();
    const int samples = decoder_.decode(opus, pcm_);
    if (samples <= 0 || decoder_.corrupt_packets() != before) {
        ++corrupt_;
        return;
    }
    ++packets_;
    bytes_ += opus.size();
    window_bytes_ += opus.size();
    window_samples_ += static_cast<std::uint64_t>(samples);
    if (static_cast<double>(window_samples_) >= options_.bitrate_seconds * codec::sample_rate) {
        const double seconds = static_cast<double>(window_samples_) / codec::sample_rate;
        bitrate_bps_ = static_cast<double>(window_bytes_) * 8 / seconds;
        window_bytes_ = 0;
        window_samples_ = 0;
    }
    measure(std::span(pcm_).first(static_cast<std::size_t>(samples)));
}

void channel_monitor::measure(std::span<const float> pcm) {
    level_.add(pcm);
    loudness_.add(pcm);
    bandwidth_.add(pcm);
    decoded_samples_ += pcm.size();
    if (codec::rms_dbfs(pcm) < options_.silence_dbfs) {
        silent_samples_ += pcm.size();
    } else {
        silent_samples_ = 0;
    }
}

void channel_monitor::reset() {
    decoder_.reset();
    level_ = codec::level_meter(options_.level);
    loudness_.reset();
    bandwidth_.reset();
    silent_samples_ = decoded_samples_ = packets_ = bytes_ = corrupt_ = 0;
    window_bytes_ = window_samples_ = 0;
    bitrate_bps_ = 0;
}

channel_snapshot channel_monitor::snapshot() const {
    channel_snapshot s;
    s.peak_dbfs = level_.last().peak_dbfs;
    s.rms_dbfs = level_.last().rms_dbfs;
    s.momentary_lufs = loudness_.momentary_lufs();
    s.short_term_lufs = loudness_.short_term_lufs();
    s.integrated_lufs = loudness_.integrated_lufs();
    s.clipped_samples = level_.clipped_samples();
    s.bandwidth_hz = bandwidth_.bandwidth_hz();
    s.narrow_band = bandwidth_.narrow_band();
    s.silence_seconds = static_cast<double>(silent_samples_) / codec::sample_rate;
    s.bitrate_bps = bitrate_bps_;
    s.audio_seconds = static_cast<double>(decoded_samples_) / codec::sample_rate;
    s.packets = packets_;
    s.bytes = bytes_;
    s.corrupt_packets = corrupt_;
    return s;
}

}  // namespace tolk::monitor
