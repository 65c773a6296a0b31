// The WebAssembly audio core of the listener app: codec/'s adaptive jitter buffer and libopus
// behind a tiny C API, so the page plays exactly what the native clients play (same delay
// estimator, time-scaling, Opus PLC/FEC).  Numbers cross the boundary as doubles (µs fit in
// 2^53), frames as the wire bytes (28-byte header + Opus, see protocol/PROTOCOL.md).
// One owner (the AudioWorklet, or the main thread on the fallback path) calls everything.

#include "codec/jitter_buffer.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

using tolk::codec::incoming_frame;
using tolk::codec::jitter_buffer;
using tolk::codec::jitter_buffer_options;

constexpr std::size_t header_bytes = 28;

std::uint64_t read_be(const std::uint8_t* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
        v = (v << 8) | p[i];
    }
    return v;
}

struct player {
    explicit player(const jitter_buffer_options& options) : buffer(options) {}
    jitter_buffer buffer;
    double last_capture_us = -1;  // capture time of the first sample of the last pull, -1 unknown
};

}  // namespace

extern "C" {

// A jitter buffer for one channel; destroy it with tolk_destroy.
player* tolk_create(int min_delay_ms, int max_delay_ms) {
    jitter_buffer_options options;
    options.min_delay_ms = min_delay_ms;
    options.max_delay_ms = max_delay_ms;
    return new player(options);
}

void tolk_destroy(player* p) { delete p; }

// Pushes one wire frame that arrived at `arrival_us` (the same clock as tolk_pull's now_us).
// Returns the channel number, or -1 for a frame that does not parse (it is ignored).
int tolk_push(player* p, const std::uint8_t* bytes, int size, double arrival_us) {
    if (size < static_cast<int>(header_bytes) || bytes[0] != 1) {
        return -1;
    }
    const auto payload = static_cast<int>(read_be(bytes + 24, 2));
    if (payload != size - static_cast<int>(header_bytes) || payload == 0) {
        return -1;
    }
    incoming_frame frame;
    frame.discontinuity = (bytes[1] & 1) != 0;
    frame.sequence = static_cast<std::uint32_t>(read_be(bytes + 4, 4));
    frame.capture_us = static_cast<std::int64_t>(read_be(bytes + 8, 8));
    frame.arrival_us = static_cast<std::int64_t>(arrival_us);
    frame.opus = std::span<const std::uint8_t>(bytes + header_bytes, static_cast<std::size_t>(payload));
    p->buffer.push(frame);
    return static_cast<int>(read_be(bytes + 2, 2));
}

// Fills `out` with `count` samples (48 kHz mono) for the instant now_us.  Returns 1 while
// playing, 0 while buffering (silence).
int tolk_pull(player* p, float* out, int count, double now_us) {
    const auto info = p->buffer.pull(std::span<float>(out, static_cast<std::size_t>(count)),
                                     static_cast<std::int64_t>(now_us));
    p->last_capture_us = info.capture_known ? static_cast<double>(info.capture_us) : -1;
    return info.playing ? 1 : 0;
}

// Capture time (booth clock, µs) of the first sample of the last pull, -1 when unknown.
double tolk_last_capture_us(const player* p) { return p->last_capture_us; }

// Writes the statistics as 12 doubles: frames_received, frames_missing, frames_late,
// samples_played, concealed_samples, concealment_events, interruptions, discontinuities,
// current_delay_ms, target_delay_ms, drift_ppm, mean jitter_buffer delay (ms).
void tolk_stats(const player* p, double* out) {
    const auto s = p->buffer.stats();
    out[0] = static_cast<double>(s.frames_received);
    out[1] = static_cast<double>(s.frames_missing);
    out[2] = static_cast<double>(s.frames_late);
    out[3] = static_cast<double>(s.samples_played);
    out[4] = static_cast<double>(s.concealed_samples);
    out[5] = static_cast<double>(s.concealment_events);
    out[6] = static_cast<double>(s.interruptions);
    out[7] = static_cast<double>(s.discontinuities);
    out[8] = s.current_delay_ms;
    out[9] = s.target_delay_ms;
    out[10] = s.drift_ppm;
    out[11] = s.jitter_buffer_emitted_count > 0
                  ? 1000.0 * s.jitter_buffer_delay_s / static_cast<double>(s.jitter_buffer_emitted_count)
                  : 0;
}

void* tolk_alloc(int bytes) { return std::malloc(static_cast<std::size_t>(bytes)); }
void tolk_free(void* ptr) { std::free(ptr); }

}  // extern "C"
