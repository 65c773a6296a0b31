#pragma once
// Estimates the sender/receiver clock rate ratio from frame timestamps.  Network delay only
// ever adds to (arrival - capture), so the lower envelope of that offset follows the clocks
// alone: the estimator keeps the smallest offset of each block of frames and fits a line
// through the recent block minima (least squares).  The slope is the drift.
// Pure arithmetic; owned by one jitter buffer.

#include <cstdint>
#include <deque>

namespace tolk::codec {

struct drift_estimator_options {
    int block_ms = 5000;  // one lower-envelope point per block of sender time
    int blocks = 120;     // fit over the last blocks (10 minutes)
    int min_blocks = 12;  // no estimate before a minute: delay wander is not drift
    double max_ppm = 1000;
};

class drift_estimator {
public:
    explicit drift_estimator(const drift_estimator_options& options = {});

    void add(std::int64_t capture_us, std::int64_t arrival_us);

    // How much faster the sender's clock runs than ours, in parts per million (positive: the
    // sender produces more audio per second of our time than we play, so the buffer grows).
    double ppm() const { return ppm_; }
    bool valid() const { return valid_; }
    void reset();

private:
    struct point {
        double capture_s;
        double offset_us;
    };
    void fit();

    drift_estimator_options options_;
    std::deque<point> points_;
    std::int64_t block_start_us_ = 0;
    std::int64_t origin_us_ = 0;
    std::int64_t origin_offset_ = 0;
    double block_min_ = 0;
    double block_min_capture_s_ = 0;
    bool in_block_ = false;
    bool has_origin_ = false;
    double ppm_ = 0;
    bool valid_ = false;
};

}  // namespace tolk::codec
