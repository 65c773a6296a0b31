#include "codec/time_scaler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tolk::codec {

namespace {

// Normalised correlation of a[0, n) and b[0, n), every `step`-th sample.
double correlation(const float* a, const float* b, std::size_t n, std::size_t step) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < n; i += step) {
        ab += static_cast<double>(a[i]) * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += static_cast<double>(b[i]) * b[i];
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

// Raised-cosine fade from `from` to `to` over n samples.
void cross_fade(const float* from, const float* to, std::size_t n, float* out) {
    for (std::size_t i = 0; i < n; ++i) {
        const double w = 0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(i) + 0.5) /
                                               static_cast<double>(n));
        out[i] = static_cast<float>((1 - w) * from[i] + w * to[i]);
    }
}

}  // namespace

time_scaler::time_scaler(const time_scaler_options& options) : options_(options) {}

bool time_scaler::quiet(const std::vector<float>& pcm) const {
    double sum = 0;
    for (float s : pcm) {
        sum += static_cast<double>(s) * s;
    }
    return pcm.empty() || std::sqrt(sum / static_cast<double>(pcm.size())) < options_.quiet_rms;
}

time_scaler::period time_scaler::find_period(const std::vector<float>& pcm,
                                             std::size_t limit) const {
    limit = std::min({limit, options_.max_period, pcm.size() / 2});
    if (limit < options_.min_period) {
        return {};
    }
    period best{options_.min_period, 0.0};
    // Coarse search on every other lag and sample, then refine around the winner.
    for (std::size_t p = options_.min_period; p <= limit; p += 2) {
        const double c = correlation(pcm.data(), pcm.data() + p, p, 2);
        if (c > best.correlation) {
            best = {p, c};
        }
    }
    const std::size_t lo = std::max(options_.min_period, best.length > 2 ? best.length - 2 : 0);
    const std::size_t hi = std::min(limit, best.length + 2);
    best.correlation = 0;
    for (std::size_t p = lo; p <= hi && lo > 0; ++p) {
        const double c = correlation(pcm.data(), pcm.data() + p, p, 1);
        if (c > best.correlation) {
            best = {p, c};
        }
    }
    return best;
}

std::size_t time_scaler::splice_length(const std::vector<float>& pcm, std::size_t limit) const {
    const period p = find_period(pcm, limit);
    if (p.length > 0 && p.correlation >= options_.min_correlation) {
        return p.length;
    }
    // A pause: any length, even shorter than a pitch period, so the delay can be trimmed finely.
    const std::size_t n = std::min({limit, options_.max_period, pcm.size() / 2});
    return quiet(pcm) && n >= options_.min_quiet_splice ? n : 0;
}

std::size_t time_scaler::accelerate(std::vector<float>& pcm, std::size_t max_remove) const {
    const std::size_t n = splice_length(pcm, max_remove);
    if (n == 0) {
        return 0;
    }
    // pcm[0, n) fades into pcm[n, 2n): one period disappears.
    std::vector<float> out(pcm.size() - n);
    cross_fade(pcm.data(), pcm.data() + n, n, out.data());
    std::copy(pcm.begin() + static_cast<std::ptrdiff_t>(2 * n), pcm.end(),
              out.begin() + static_cast<std::ptrdiff_t>(n));
    pcm.swap(out);
    return n;
}

std::size_t time_scaler::decelerate(std::vector<float>& pcm, std::size_t max_insert) const {
    const std::size_t n = splice_length(pcm, max_insert);
    if (n == 0) {
        return 0;
    }
    // pcm[0, n), then pcm[n, 2n) fading into a repeat of pcm[0, n), then pcm[n, end).
    std::vector<float> out(pcm.size() + n);
    std::copy(pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(n), out.begin());
    cross_fade(pcm.data() + n, pcm.data(), n, out.data() + n);
    std::copy(pcm.begin() + static_cast<std::ptrdiff_t>(n), pcm.end(),
              out.begin() + static_cast<std::ptrdiff_t>(2 * n));
    pcm.swap(out);
    return n;
}

}  // namespace tolk::codec
