#pragma once
// Decoded audio waiting to be played: a FIFO of 48 kHz samples that remembers, for each
// appended chunk, the sender-clock capture time of its first sample (unknown for concealment)
// and how fast capture time advances per output sample (1/48000 s, or more or less when the
// chunk was time-scaled).  Owned by one playout buffer.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace tolk::codec {

class pcm_queue {
public:
    struct position {
        std::int64_t capture_us = 0;
        bool known = false;
    };

    // `source_samples` is how many captured samples the chunk stands for (its length unless it
    // was time-scaled).
    void append(std::span<const float> pcm, std::int64_t capture_us, bool known,
                std::size_t source_samples);
    void append(std::span<const float> pcm, std::int64_t capture_us, bool known) {
        append(pcm, capture_us, known, pcm.size());
    }

    std::size_t size() const { return samples_.size() - read_; }
    bool empty() const { return size() == 0; }
    float operator[](std::size_t i) const { return samples_[read_ + i]; }
    // The unplayed samples, oldest first.
    std::span<const float> view() const { return std::span(samples_).subspan(read_); }
    // The capture time of the next sample to play.
    position front() const;

    // Copies out.size() samples (at most size()) and removes them; returns how many.
    std::size_t pop(std::span<float> out);
    // Removes n samples (at most size()).
    void drop(std::size_t n);
    void clear();

private:
    struct chunk {
        std::size_t samples;
        std::int64_t capture_us;
        bool known;
        double us_per_sample;
    };

    std::vector<float> samples_;
    std::size_t read_ = 0;
    std::deque<chunk> chunks_;
    std::size_t chunk_offset_ = 0;  // samples of chunks_.front() already played
};

}  // namespace tolk::codec
