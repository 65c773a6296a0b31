// The WebAssembly audio core of the listener app: codec/'s adaptive jitter buffer and libopus
// behind a tiny C API, so the page plays exactly what the native clients play (same delay
// estimator, time-scaling, Opus PLC/FEC).  Frames cross the boundary as the wire bytes and are
// parsed here by protocol/'s parse_audio_frame (the one implementation of the wire format);
// numbers cross as doubles (µs fit in 2^53).  The statistics cross as one struct whose field
// names and byte offsets the module exports (tolk_stats_field_*), so the JS side builds its
// table from this file instead of mirroring a list by hand.
// The buffer's parameters are codec/'s named playout profiles (codec/playout_profile.hpp),
// used unchanged: the page asks for one by name ("listener").
// One owner (the AudioWorklet, or the main thread on the fallback path) calls everything.

#include "codec/jitter_buffer.hpp"
#include "codec/playout_profile.hpp"
#include "protocol/audio_frame.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace {

using tolk::codec::incoming_frame;
using tolk::codec::jitter_buffer;
using tolk::codec::jitter_buffer_options;
namespace protocol = tolk::protocol;

// What tolk_stats writes.  Every field a double; add a field here and in stats_fields below
// (the static_asserts fail until both agree), and JS sees it by name.
struct web_stats {
    double frames_received;
    double frames_missing;
    double frames_late;
    double samples_played;
    double concealed_samples;
    double concealment_events;
    double interruptions;
    double discontinuities;
    double current_delay_ms;
    double target_delay_ms;
    double drift_ppm;
    double mean_delay_ms;  // mean jitter-buffer delay of the samples emitted so far
    double time_scale_operations;  // splices: one pitch period or pause cut each
    double inserted_samples;       // for deceleration
    double removed_samples;        // for acceleration
    double concealments_under_40ms;  // concealment runs by length: a click, a gap, a dropout
    double concealments_40_to_150ms;
    double concealments_over_150ms;
    double peak_delay_ms;          // recurring delay peaks the target covers (0: none)
    double time_scale_operations_in_pauses;  // of the splices, those in a pause: not heard
};

struct stats_field {
    const char* name;
    std::size_t offset;
};

#define TOLK_STATS_FIELD(f) stats_field{#f, offsetof(web_stats, f)}
constexpr std::array stats_fields{
    TOLK_STATS_FIELD(frames_received),  TOLK_STATS_FIELD(frames_missing),
    TOLK_STATS_FIELD(frames_late),      TOLK_STATS_FIELD(samples_played),
    TOLK_STATS_FIELD(concealed_samples), TOLK_STATS_FIELD(concealment_events),
    TOLK_STATS_FIELD(interruptions),    TOLK_STATS_FIELD(discontinuities),
    TOLK_STATS_FIELD(current_delay_ms), TOLK_STATS_FIELD(target_delay_ms),
    TOLK_STATS_FIELD(drift_ppm),        TOLK_STATS_FIELD(mean_delay_ms),
    TOLK_STATS_FIELD(time_scale_operations), TOLK_STATS_FIELD(inserted_samples),
    TOLK_STATS_FIELD(removed_samples),  TOLK_STATS_FIELD(concealments_under_40ms),
    TOLK_STATS_FIELD(concealments_40_to_150ms), TOLK_STATS_FIELD(concealments_over_150ms),
    TOLK_STATS_FIELD(peak_delay_ms),    TOLK_STATS_FIELD(time_scale_operations_in_pauses),
};
#undef TOLK_STATS_FIELD

// The table names every field of web_stats exactly once, in order.
consteval bool table_covers_struct() {
    for (std::size_t i = 0; i < stats_fields.size(); ++i) {
        if (stats_fields[i].offset != i * sizeof(double)) return false;
    }
    return true;
}
static_assert(std::is_standard_layout_v<web_stats> && std::is_trivially_copyable_v<web_stats>);
static_assert(sizeof(web_stats) == stats_fields.size() * sizeof(double),
              "web_stats has a field that stats_fields does not name");
static_assert(table_covers_struct(), "stats_fields out of order or repeating a field");

web_stats to_web_stats(const tolk::codec::playout_stats& s) {
    const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    web_stats w{};
    w.frames_received = d(s.frames_received);
    w.frames_missing = d(s.frames_missing);
    w.frames_late = d(s.frames_late);
    w.samples_played = d(s.samples_played);
    w.concealed_samples = d(s.concealed_samples);
    w.concealment_events = d(s.concealment_events);
    w.interruptions = d(s.interruptions);
    w.discontinuities = d(s.discontinuities);
    w.current_delay_ms = s.current_delay_ms;
    w.target_delay_ms = s.target_delay_ms;
    w.drift_ppm = s.drift_ppm;
    w.mean_delay_ms = s.jitter_buffer_emitted_count > 0
                          ? 1000.0 * s.jitter_buffer_delay_s / d(s.jitter_buffer_emitted_count)
                          : 0;
    w.time_scale_operations = d(s.time_scale_operations);
    w.time_scale_operations_in_pauses = d(s.time_scale_operations_in_pauses);
    w.inserted_samples = d(s.inserted_samples_for_deceleration);
    w.removed_samples = d(s.removed_samples_for_acceleration);
    w.concealments_under_40ms = d(s.concealments_under_40ms);
    w.concealments_40_to_150ms = d(s.concealments_40_to_150ms);
    w.concealments_over_150ms = d(s.concealments_over_150ms);
    w.peak_delay_ms = s.peak_delay_ms;
    return w;
}

struct player {
    explicit player(const jitter_buffer_options& options) : buffer(options) {}
    jitter_buffer buffer;
    double last_capture_us = -1;  // capture time of the first sample of the last pull, -1 unknown
};

std::span<const std::uint8_t> wire(const std::uint8_t* bytes, int size) {
    return {bytes, size > 0 ? static_cast<std::size_t>(size) : 0};
}

}  // namespace

extern "C" {

// A jitter buffer for one channel with the playout profile called `profile` (a NUL-terminated
// name: "listener", "return", "monitor"), or null for a name codec/ does not know.  Destroy
// it with tolk_destroy.
player* tolk_create(const char* profile) {
    const auto options = tolk::codec::profile_options(std::string_view(profile ? profile : ""));
    return options ? new player(*options) : nullptr;
}

void tolk_destroy(player* p) { delete p; }

// The profile names codec/ knows, for the page to check its choice against.
int tolk_profile_count() { return static_cast<int>(tolk::codec::profile_names.size()); }
const char* tolk_profile_name(int i) {
    // profile_names holds string_views of literals: NUL-terminated.
    return i >= 0 && i < tolk_profile_count() ? tolk::codec::profile_names[static_cast<std::size_t>(i)].data()
                                              : nullptr;
}

// The channel number of one wire frame, or -1 when it does not parse.
int tolk_frame_channel(const std::uint8_t* bytes, int size) {
    const auto frame = protocol::parse_audio_frame(wire(bytes, size));
    return frame ? frame->header.channel : -1;
}

// The header of one wire frame as three doubles at `out`: channel, sequence, capture time (µs,
// the booth's clock).  Returns 0, or -1 when it does not parse.
int tolk_frame_header(const std::uint8_t* bytes, int size, double* out) {
    const auto frame = protocol::parse_audio_frame(wire(bytes, size));
    if (!frame) {
        return -1;
    }
    out[0] = frame->header.channel;
    out[1] = frame->header.sequence;
    out[2] = static_cast<double>(frame->header.capture_us);
    return 0;
}

// Pushes one wire frame that arrived at `arrival_us` (the same clock as tolk_pull's now_us).
// Returns the channel number, or -1 for a frame that does not parse (it is ignored).
int tolk_push(player* p, const std::uint8_t* bytes, int size, double arrival_us) {
    const auto frame = protocol::parse_audio_frame(wire(bytes, size));
    if (!frame) {
        return -1;
    }
    const protocol::frame_header& h = frame->header;
    p->buffer.push(incoming_frame{
        .sequence = h.sequence,
        .capture_us = h.capture_us,
        .arrival_us = static_cast<std::int64_t>(arrival_us),
        .discontinuity = h.has(protocol::frame_flag::discontinuity),
        .end_of_segment = h.has(protocol::frame_flag::end_of_segment),
        .opus = frame->opus,
    });
    return h.channel;
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

// Writes the statistics as one web_stats (tolk_stats_size bytes) at `out`.
void tolk_stats(const player* p, void* out) {
    const web_stats w = to_web_stats(p->buffer.stats());
    std::memcpy(out, &w, sizeof w);
}

// The layout of what tolk_stats writes: its size, and each field's name and byte offset.
int tolk_stats_size() { return static_cast<int>(sizeof(web_stats)); }
int tolk_stats_field_count() { return static_cast<int>(stats_fields.size()); }
const char* tolk_stats_field_name(int i) {
    return i >= 0 && i < tolk_stats_field_count() ? stats_fields[static_cast<std::size_t>(i)].name : nullptr;
}
int tolk_stats_field_offset(int i) {
    return i >= 0 && i < tolk_stats_field_count()
               ? static_cast<int>(stats_fields[static_cast<std::size_t>(i)].offset)
               : -1;
}

void* tolk_alloc(int bytes) { return std::malloc(static_cast<std::size_t>(bytes)); }
void tolk_free(void* ptr) { std::free(ptr); }

}  // extern "C"
