#pragma once
// EBU R128 loudness of one 48 kHz mono stream through libebur128: momentary (400 ms),
// short-term (3 s) and integrated (gated, since the last reset) loudness in LUFS.
// Memory stays bounded however long it runs (libebur128's histogram mode).
// Owned by one thread (the channel's monitor); not thread-safe.  Non-copyable, movable.

#include <memory>
#include <optional>
#include <span>

namespace tolk::codec {

class loudness_meter {
public:
    // Throws codec_error if libebur128 cannot create its state.
    loudness_meter();

    void add(std::span<const float> samples);

    // nullopt until the window has been filled once, or when the audio is below the
    // absolute gate (-70 LUFS: silence has no loudness).
    std::optional<double> momentary_lufs() const;
    std::optional<double> short_term_lufs() const;
    std::optional<double> integrated_lufs() const;

    // Starts a new measurement (a new on-air segment).
    void reset();

private:
    // libebur128's ebur128_state is a typedef of an unnamed struct and cannot be declared
    // here; the handle is held untyped and cast back in the .cpp only.
    struct deleter {
        void operator()(void* state) const;
    };
    static std::unique_ptr<void, deleter> create();

    std::unique_ptr<void, deleter> state_;
    double added_seconds_ = 0;  // audio since the last reset
};

}  // namespace tolk::codec
