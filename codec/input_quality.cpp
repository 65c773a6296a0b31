#include "codec/input_quality.hpp"

#include "codec/audio_format.hpp"

namespace tolk::codec {

input_quality::input_quality(const input_quality_options& options)
    : options_(options), level_(options.level), bandwidth_(options.bandwidth) {}

void input_quality::add_decoded(std::span<const float> samples) {
    level_.add(samples);
    bandwidth_.add(samples);
    count(static_cast<double>(samples.size()), 0);
}

void input_quality::add_concealed(std::size_t samples) { count(0, static_cast<double>(samples)); }

void input_quality::count(double decoded, double concealed) {
    decoded_ += decoded;
    concealed_ += concealed;
    const double window = options_.concealment_window_seconds * sample_rate;
    if (decoded_ + concealed_ > window) {  // halve both: the older half counts for less
        decoded_ /= 2;
        concealed_ /= 2;
    }
}

input_quality_reading input_quality::reading() const {
    input_quality_reading r;
    r.level_dbfs = level_.last().rms_dbfs;
    r.peak_dbfs = level_.last().peak_dbfs;
    r.clipped_samples = level_.clipped_samples();
    r.bandwidth_hz = bandwidth_.bandwidth_hz();
    r.telephone_band = bandwidth_.narrow_band();
    const double total = decoded_ + concealed_;
    r.concealed_share = total > 0 ? concealed_ / total : 0;
    return r;
}

void input_quality::reset() {
    level_ = level_meter(options_.level);
    bandwidth_.reset();
    decoded_ = concealed_ = 0;
}

}  // namespace tolk::codec
