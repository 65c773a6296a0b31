// Ear protection in the WebAssembly audio core: codec/'s peak limiter (a hard ceiling, a lower
// limit for sound that stays loud, a one-minute loudness warning) behind a C API, for the booth
// console's floor return and the phone app's output.  One owner: the AudioWorklet (or the
// main thread on the phone app's fallback path).  Levels codec/ would refuse (it throws, and
// this build aborts on a throw) are checked here first and answered with null.

#include "codec/peak_limiter.hpp"

#include <cstddef>
#include <cstring>
#include <span>

namespace {

using tolk::codec::limiter_options;
using tolk::codec::peak_limiter;

std::size_t count(int n) { return n > 0 ? static_cast<std::size_t>(n) : 0; }

// What tolk_limiter_state writes: 6 doubles.
struct limiter_report {
    double sustained;
    double warning;
    double minute_dbfs;
    double gain_reduction_db;
    double limited_samples;
    double clipped_samples;
};

}  // namespace

extern "C" {

// A limiter at `rate` Hz with the given levels (dBFS), or null for levels codec/ refuses
// (ceiling -40..0, sustained -60..ceiling, warning -60..0).
peak_limiter* tolk_limiter_create(double ceiling_dbfs, double sustained_dbfs, double warning_dbfs, int rate) {
    if (!(ceiling_dbfs <= 0 && ceiling_dbfs >= -40) || !(sustained_dbfs <= ceiling_dbfs && sustained_dbfs >= -60) ||
        !(warning_dbfs <= 0 && warning_dbfs >= -60) || rate < 8000 || rate > 384000)
        return nullptr;
    limiter_options o;
    o.ceiling_dbfs = ceiling_dbfs;
    o.sustained_dbfs = sustained_dbfs;
    o.warning_dbfs = warning_dbfs;
    o.sample_rate = rate;
    return new peak_limiter(o);
}
void tolk_limiter_destroy(peak_limiter* l) { delete l; }
void tolk_limiter_process(peak_limiter* l, float* samples, int n) { l->process(std::span(samples, count(n))); }
// The limiter's look-ahead delay, in samples.
int tolk_limiter_latency_samples(const peak_limiter* l) { return static_cast<int>(l->latency_samples()); }
// Writes a limiter_report (6 doubles) at `out`.
void tolk_limiter_state(const peak_limiter* l, double* out) {
    const auto& s = l->state();
    const limiter_report r{s.sustained ? 1.0 : 0.0, s.warning ? 1.0 : 0.0, s.minute_dbfs, s.gain_reduction_db,
                           static_cast<double>(s.limited_samples), static_cast<double>(s.clipped_samples)};
    static_assert(sizeof r == 6 * sizeof(double));
    std::memcpy(out, &r, sizeof r);
}

}  // extern "C"
