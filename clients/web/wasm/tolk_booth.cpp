// The booth console's part of the WebAssembly audio core (clients/web/booth): the Opus encoder
// for a browser without WebCodecs, protocol/'s frame serializer (the one implementation of the
// wire format, also for WebCodecs' packets) and codec/'s bandwidth estimator (ISO 24019: is the
// speaker on a telephone line?).  The limiter is in tolk_limiter.cpp (the phone app has it too).
// Each object has one owner: the encoder and serializer the page's main thread, the estimator
// the AudioWorklet.  Options that codec/ would refuse (it throws, and this build
// aborts on a throw) are checked here first and answered with null.

#include "codec/bandwidth_estimator.hpp"
#include "codec/opus_encoder.hpp"
#include "protocol/audio_frame.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

using tolk::codec::bandwidth_estimator;
using tolk::codec::opus_encoder;

std::size_t count(int n) { return n > 0 ? static_cast<std::size_t>(n) : 0; }

}  // namespace

extern "C" {

// An encoder of 20 ms (frame_ms: 10, 20, 40) 48 kHz mono frames at `bitrate` bit/s, or null.
opus_encoder* tolk_encoder_create(int bitrate, int frame_ms) {
    if (bitrate < 6000 || bitrate > 510000 || (frame_ms != 10 && frame_ms != 20 && frame_ms != 40))
        return nullptr;
    tolk::codec::encoder_options o;
    o.bitrate = bitrate;
    o.frame_ms = frame_ms;
    o.application = tolk::codec::opus_application::audio;  // as tolk-booth
    return new opus_encoder(o);
}
void tolk_encoder_destroy(opus_encoder* e) { delete e; }
int tolk_encoder_frame_samples(const opus_encoder* e) { return e->frame_samples(); }

// Encodes one frame of frame_samples() floats at `pcm` into `out` (out_size bytes, at least
// tolk_max_packet_bytes()); returns the packet's size, or -1 when the sizes do not fit.
int tolk_encode(opus_encoder* e, const float* pcm, int samples, std::uint8_t* out, int out_size) {
    if (samples != e->frame_samples() || count(out_size) < tolk::codec::max_packet_bytes)
        return -1;
    return static_cast<int>(e->encode(std::span(pcm, count(samples)), std::span(out, count(out_size))));
}
int tolk_max_packet_bytes() { return static_cast<int>(tolk::codec::max_packet_bytes); }

// Writes the wire frame (header + `opus`) to `out`; returns its size, or -1 when out is too
// small.  flags: protocol/'s frame_flag bits; a booth sends channel 0 and ingress_us 0.
int tolk_serialize_frame(double sequence, double capture_us, int flags, const std::uint8_t* opus, int opus_size,
                         std::uint8_t* out, int out_size) {
    if (count(out_size) < tolk::protocol::frame_header_size + count(opus_size))
        return -1;
    tolk::protocol::frame_header h;
    h.flags = static_cast<std::uint8_t>(flags);
    h.sequence = static_cast<std::uint32_t>(static_cast<std::uint64_t>(sequence));
    h.capture_us = static_cast<std::int64_t>(capture_us);
    return static_cast<int>(tolk::protocol::serialize_audio_frame(h, std::span(opus, count(opus_size)),
                                                                  std::span(out, count(out_size))));
}

// A bandwidth estimator for 48 kHz audio with codec/'s defaults.
bandwidth_estimator* tolk_bandwidth_create() { return new bandwidth_estimator(); }
void tolk_bandwidth_destroy(bandwidth_estimator* b) { delete b; }
void tolk_bandwidth_add(bandwidth_estimator* b, const float* samples, int n) { b->add(std::span(samples, count(n))); }
// Hz, 0 while unknown.
double tolk_bandwidth_hz(const bandwidth_estimator* b) { return b->known() ? b->bandwidth_hz() : 0; }
void tolk_bandwidth_reset(bandwidth_estimator* b) { b->reset(); }

}  // extern "C"
