#include "clients/jbsim/trace_generator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace tolk::jbsim {

namespace {

constexpr std::int64_t frame_us = 20'000;

// splitmix64: tiny, fast, the same sequence everywhere.
class random {
public:
    explicit random(std::uint64_t seed) : state_(seed) {}
    double uniform() {  // [0, 1)
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
    }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double exponential(double mean) { return -mean * std::log(1 - uniform()); }

private:
    std::uint64_t state_;
};

struct stall {
    double start_s;
    double end_s;
};

struct profile {
    double base_ms = 1;
    double jitter_ms = 0.3;       // mean of the exponential jitter
    double spike_chance = 0;      // per frame
    double spike_max_ms = 0;
    double wander_ms = 0;         // amplitude of the slow wander
    double ppm = 0;               // sender clock faster than ours
    bool wifi_stalls = false;
    bool outage = false;
    double stall_every_min_s = 4, stall_every_max_s = 12;  // gap between stall starts
    bool roaming = false;         // 1-3 s gaps every 30-90 s
    bool bufferbloat = false;     // queueing delay that climbs to seconds under load and drains
};

profile profile_named(const std::string& name) {
    if (name == "lan") {
        return {.base_ms = 1, .jitter_ms = 0.3, .spike_chance = 0.005, .spike_max_ms = 8};
    }
    if (name == "wifi") {
        return {.base_ms = 3, .jitter_ms = 4, .spike_chance = 0.02, .spike_max_ms = 40,
                .wifi_stalls = true};
    }
    if (name == "cellular") {
        return {.base_ms = 40, .jitter_ms = 8, .spike_chance = 0.01, .spike_max_ms = 80,
                .wander_ms = 30, .outage = true};
    }
    if (name == "stalls") {  // venue Wi-Fi: power-save and retransmission stalls, often
        return {.base_ms = 3, .jitter_ms = 2, .spike_chance = 0.01, .spike_max_ms = 30,
                .wifi_stalls = true, .stall_every_min_s = 2, .stall_every_max_s = 6};
    }
    if (name == "roaming") {
        return {.base_ms = 3, .jitter_ms = 3, .spike_chance = 0.01, .spike_max_ms = 40,
                .roaming = true};
    }
    if (name == "bufferbloat") {
        return {.base_ms = 5, .jitter_ms = 2, .spike_chance = 0.005, .spike_max_ms = 20,
                .bufferbloat = true};
    }
    if (name.starts_with("drift")) {
        const double ppm = std::stod(name.substr(5));
        return {.base_ms = 2, .jitter_ms = 0.5, .spike_chance = 0.005, .spike_max_ms = 8,
                .ppm = ppm};
    }
    throw std::invalid_argument("unknown trace profile '" + name +
                                "' (lan, wifi, stalls, roaming, bufferbloat, cellular, drift+PPM, "
                                "drift-PPM)");
}

// Load episodes: the queueing delay climbs linearly to `peak_ms` over `rise_s`, then drains
// over `fall_s`.
struct load_episode {
    double start_s;
    double rise_s;
    double fall_s;
    double peak_ms;
};

std::vector<load_episode> load_for(const profile& p, double seconds, random& rng) {
    std::vector<load_episode> out;
    if (p.bufferbloat) {
        for (double t = rng.uniform(10, 30); t < seconds; ) {
            const load_episode e{t, rng.uniform(5, 20), rng.uniform(2, 6), rng.uniform(500, 2500)};
            out.push_back(e);
            t += e.rise_s + e.fall_s + rng.uniform(20, 60);
        }
    }
    return out;
}

double queueing_ms(const std::vector<load_episode>& load, double t) {
    for (const auto& e : load) {
        if (t >= e.start_s && t < e.start_s + e.rise_s) {
            return e.peak_ms * (t - e.start_s) / e.rise_s;
        }
        if (t >= e.start_s + e.rise_s && t < e.start_s + e.rise_s + e.fall_s) {
            return e.peak_ms * (1 - (t - e.start_s - e.rise_s) / e.fall_s);
        }
    }
    return 0;
}

std::vector<stall> stalls_for(const profile& p, double seconds, random& rng) {
    std::vector<stall> out;
    if (p.wifi_stalls) {
        for (double t = rng.uniform(2, 6); t < seconds;
             t += rng.uniform(p.stall_every_min_s, p.stall_every_max_s)) {
            out.push_back({t, t + rng.uniform(0.1, 0.4)});
        }
    }
    if (p.roaming) {
        for (double t = rng.uniform(10, 40); t < seconds; t += rng.uniform(30, 90)) {
            out.push_back({t, t + rng.uniform(1, 3)});
        }
    }
    if (p.outage) {
        const double start = 0.6 * seconds;
        out.push_back({start, start + rng.uniform(1.2, 1.8)});
    }
    return out;
}

}  // namespace

std::string trace_file_name(const generator_options& options) {
    return options.profile + "-seed" + std::to_string(options.seed) + ".csv";
}

std::vector<trace_row> generate_trace(const generator_options& options) {
    const profile p = profile_named(options.profile);
    random rng(options.seed);
    const auto stalls = stalls_for(p, options.seconds, rng);
    const auto load = load_for(p, options.seconds, rng);
    const double phase1 = rng.uniform(0, 2 * std::numbers::pi);
    const double phase2 = rng.uniform(0, 2 * std::numbers::pi);
    const auto frames = static_cast<std::int64_t>(options.seconds * 1e6) / frame_us;
    std::vector<trace_row> rows;
    rows.reserve(static_cast<std::size_t>(frames));
    double last_arrival_us = 0;
    for (std::int64_t i = 0; i < frames; ++i) {
        const std::int64_t sent_us = i * frame_us;
        const double sent_here_us = static_cast<double>(sent_us) / (1 + p.ppm * 1e-6);
        const double t = sent_here_us / 1e6;
        double delay_ms = p.base_ms + rng.exponential(p.jitter_ms);
        if (rng.uniform() < p.spike_chance) {
            delay_ms += rng.uniform(0, p.spike_max_ms);
        }
        if (p.wander_ms > 0) {
            delay_ms += p.wander_ms * (1 + 0.6 * std::sin(2 * std::numbers::pi * t / 47 + phase1) +
                                       0.4 * std::sin(2 * std::numbers::pi * t / 13 + phase2));
        }
        delay_ms += queueing_ms(load, t);
        double arrival_us = sent_here_us + delay_ms * 1000;
        for (const auto& s : stalls) {  // held back by a stall: released when it ends
            if (arrival_us >= s.start_s * 1e6 && arrival_us < s.end_s * 1e6) {
                arrival_us = s.end_s * 1e6;
            }
        }
        // TCP delivers in order; a burst arrives 50 µs apart.
        arrival_us = std::max(arrival_us, last_arrival_us + 50);
        last_arrival_us = arrival_us;
        rows.push_back({static_cast<std::uint32_t>(i), sent_us, std::llround(arrival_us)});
    }
    return rows;
}

}  // namespace tolk::jbsim
