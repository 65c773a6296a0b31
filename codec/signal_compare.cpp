#include "codec/signal_compare.hpp"

#include "codec/cross_correlation.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace tolk::codec {
namespace {

constexpr int decimation = 8;          // the coarse search runs at 6 kHz
constexpr int filter_half_taps = 32;   // low-pass FIR before decimating: 65 taps
constexpr std::size_t candidates = 3;  // coarse peaks refined at full rate
constexpr long direct_search_lags = 64;

// The reference indices that overlap received at `lag`: [begin, end).
struct span_range {
    long begin = 0;
    long end = 0;
    std::size_t size() const { return end > begin ? static_cast<std::size_t>(end - begin) : 0; }
};

span_range overlap_at(std::size_t reference, std::size_t received, long lag) {
    return {std::max(0L, -lag),
            std::min(static_cast<long>(reference), static_cast<long>(received) - lag)};
}

struct sums {
    double cross = 0;
    double reference = 0;
    double received = 0;
    std::size_t count = 0;

    double correlation() const {
        return reference > 0 && received > 0 ? cross / std::sqrt(reference * received) : 0.0;
    }
};

sums sums_at(std::span<const float> reference, std::span<const float> received, long lag) {
    const span_range range = overlap_at(reference.size(), received.size(), lag);
    sums s;
    s.count = range.size();
    for (long n = range.begin; n < range.end; ++n) {
        const double r = reference[static_cast<std::size_t>(n)];
        const double x = received[static_cast<std::size_t>(n + lag)];
        s.cross += r * x;
        s.reference += r * r;
        s.received += x * x;
    }
    return s;
}

// The largest overlap of any lag in [min_lag, max_lag]: overlap is concave in the lag, so it
// peaks at an end of the range or where it stops growing (lag 0 or received - reference).
std::size_t largest_overlap(std::size_t reference, std::size_t received, long min_lag,
                            long max_lag) {
    std::size_t best = 0;
    for (const long lag :
         {min_lag, max_lag, 0L, static_cast<long>(received) - static_cast<long>(reference)}) {
        best = std::max(best,
                        overlap_at(reference, received, std::clamp(lag, min_lag, max_lag)).size());
    }
    return best;
}

// Low-passes (Hann-windowed sinc, cutoff 2.4 kHz = 0.8 of the new Nyquist) and keeps every
// decimation-th sample.  Zero-phase, so a lag of d output samples is d * decimation input ones.
std::vector<float> decimate(std::span<const float> in) {
    constexpr double cutoff = 0.8 / (2 * decimation);  // cycles per input sample
    std::vector<double> taps(2 * filter_half_taps + 1);
    for (int k = -filter_half_taps; k <= filter_half_taps; ++k) {
        const double x = 2 * cutoff * k;
        const double sinc = k == 0 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
        const double window = 0.5 * (1 + std::cos(std::numbers::pi * k / (filter_half_taps + 1)));
        taps[static_cast<std::size_t>(k + filter_half_taps)] = 2 * cutoff * sinc * window;
    }
    std::vector<float> out((in.size() + decimation - 1) / decimation);
    const auto size = static_cast<long>(in.size());
    for (std::size_t m = 0; m < out.size(); ++m) {
        const long centre = static_cast<long>(m) * decimation;
        double sum = 0;
        for (long k = std::max(-static_cast<long>(filter_half_taps), -centre);
             k <= filter_half_taps && centre + k < size; ++k) {
            sum += taps[static_cast<std::size_t>(k + filter_half_taps)] *
                   in[static_cast<std::size_t>(centre + k)];
        }
        out[m] = static_cast<float>(sum);
    }
    return out;
}

std::vector<double> prefix_energy(std::span<const float> x) {
    std::vector<double> prefix(x.size() + 1, 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        prefix[i + 1] = prefix[i] + static_cast<double>(x[i]) * x[i];
    }
    return prefix;
}

// Normalised correlation at every lag in [min_lag, max_lag] of two signals at one rate;
// lags whose overlap is under min_overlap get -2 (never chosen).
std::vector<double> correlation_curve(std::span<const float> reference,
                                      std::span<const float> received, long min_lag, long max_lag,
                                      std::size_t min_overlap) {
    std::vector<double> curve = cross_correlation(reference, received, min_lag, max_lag);
    const std::vector<double> energy_ref = prefix_energy(reference);
    const std::vector<double> energy_rec = prefix_energy(received);
    for (long lag = min_lag; lag <= max_lag; ++lag) {
        double& value = curve[static_cast<std::size_t>(lag - min_lag)];
        const span_range r = overlap_at(reference.size(), received.size(), lag);
        if (r.size() < min_overlap || r.size() == 0) {
            value = -2;
            continue;
        }
        const auto at = [](const std::vector<double>& prefix, long index) {
            return prefix[static_cast<std::size_t>(index)];
        };
        const double e_ref = at(energy_ref, r.end) - at(energy_ref, r.begin);
        const double e_rec = at(energy_rec, r.end + lag) - at(energy_rec, r.begin + lag);
        value = e_ref > 0 && e_rec > 0 ? value / std::sqrt(e_ref * e_rec) : 0.0;
    }
    return curve;
}

// Up to `count` lags of the highest values in `curve` (lag min_lag at index 0), best first,
// each at least `spacing` from the ones before.
std::vector<long> best_peaks(const std::vector<double>& curve, long min_lag, std::size_t count,
                             long spacing) {
    std::vector<long> order(curve.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = static_cast<long>(i);
    }
    std::sort(order.begin(), order.end(), [&](long a, long b) {
        return curve[static_cast<std::size_t>(a)] > curve[static_cast<std::size_t>(b)];
    });
    std::vector<long> peaks;
    for (const long index : order) {
        if (peaks.size() == count || curve[static_cast<std::size_t>(index)] < -1) {
            break;
        }
        const long lag = min_lag + index;
        if (std::none_of(peaks.begin(), peaks.end(),
                         [&](long chosen) { return std::abs(chosen - lag) < spacing; })) {
            peaks.push_back(lag);
        }
    }
    return peaks;
}

// The best lag in [low, high] by direct computation at full rate.
alignment search(std::span<const float> reference, std::span<const float> received, long low,
                 long high, std::size_t min_overlap) {
    alignment best;
    bool found = false;
    for (long lag = low; lag <= high; ++lag) {
        if (overlap_at(reference.size(), received.size(), lag).size() < min_overlap) {
            continue;
        }
        const sums s = sums_at(reference, received, lag);
        if (!found || s.correlation() > best.correlation) {
            best = {lag, s.correlation(), s.count};
            found = true;
        }
    }
    return best;
}

double energy(std::span<const float> x) {
    double sum = 0;
    for (const float v : x) {
        sum += static_cast<double>(v) * v;
    }
    return sum;
}

}  // namespace

alignment align(std::span<const float> reference, std::span<const float> received, long min_lag,
                long max_lag) {
    if (max_lag < min_lag) {
        std::swap(min_lag, max_lag);
    }
    const std::size_t min_overlap = std::max<std::size_t>(
        1, largest_overlap(reference.size(), received.size(), min_lag, max_lag) / 2);
    if (max_lag - min_lag < direct_search_lags) {
        return search(reference, received, min_lag, max_lag, min_overlap);
    }
    const std::vector<float> coarse_ref = decimate(reference);
    if (energy(coarse_ref) * decimation < 0.05 * energy(reference)) {
        // Nearly all energy above the coarse band: correlate at full rate instead.
        const std::vector<double> curve =
            correlation_curve(reference, received, min_lag, max_lag, min_overlap);
        const std::vector<long> peak = best_peaks(curve, min_lag, 1, 1);
        return peak.empty() ? alignment{}
                            : search(reference, received, peak[0], peak[0], min_overlap);
    }
    const std::vector<float> coarse_rec = decimate(received);
    const auto coarse = [](long lag) {
        return static_cast<long>(std::floor(static_cast<double>(lag) / decimation));
    };
    const long coarse_min = coarse(min_lag);
    const long coarse_max = coarse(max_lag) + 1;
    const std::vector<double> curve =
        correlation_curve(coarse_ref, coarse_rec, coarse_min, coarse_max, min_overlap / decimation);
    alignment best;
    for (const long peak : best_peaks(curve, coarse_min, candidates, 2)) {
        const long centre = peak * decimation;
        const alignment found = search(reference, received, std::max(min_lag, centre - decimation),
                                       std::min(max_lag, centre + decimation), min_overlap);
        if (found.overlap > 0 && (best.overlap == 0 || found.correlation > best.correlation)) {
            best = found;
        }
    }
    return best;
}

double correlation_at(std::span<const float> reference, std::span<const float> received, long lag) {
    return sums_at(reference, received, lag).correlation();
}

double snr_db_at(std::span<const float> reference, std::span<const float> received, long lag) {
    const sums s = sums_at(reference, received, lag);
    if (s.count == 0 || s.reference <= 0) {
        return -200;
    }
    // With the least-squares gain g = cross / received, the error energy is
    // reference * (1 - correlation^2).
    const double rho = s.correlation();
    const double residual = 1 - rho * rho;
    return residual <= 1e-20 ? 200.0 : std::min(200.0, -10 * std::log10(residual));
}

}  // namespace tolk::codec
