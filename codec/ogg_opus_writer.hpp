#pragma once
// Writes Opus packets, as they came (no re-encoding), into an Ogg Opus file (RFC 7845):
// an OpusHead page, an OpusTags page, then audio pages whose granule positions count 48 kHz
// samples.  Crash-safe by construction: a page is closed and handed to the OS at least every
// `flush_samples` of audio, and sync() (fdatasync) makes it durable, so a file cut short by a
// crash plays up to its last flushed page.
// Pre-skip: 312 samples, libopus's encoder lookahead at 48 kHz for the voip and audio
// applications (what tolk's booths use); a restricted-low-delay source loses 4 ms at the start.
// Owned by one thread (the recorder's writer thread); not thread-safe.  Non-copyable, movable.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace tolk::codec {

inline constexpr int default_pre_skip = 312;

struct ogg_opus_head {
    int pre_skip = default_pre_skip;       // 48 kHz samples the player discards at the start
    std::uint32_t input_sample_rate = 48000;
    std::int16_t output_gain_q8 = 0;       // dB * 256
};

struct ogg_opus_tags {
    std::string vendor = "tolk";
    std::vector<std::pair<std::string, std::string>> comments;  // e.g. {"CHANNEL", "fr"}
};

struct ogg_opus_options {
    std::int64_t flush_samples = 48000;  // close a page at least every second of audio
    std::uint32_t serial = 0;            // Ogg stream serial; 0: derived from the file name
};

class ogg_opus_writer {
public:
    // Creates (truncates) `file` and writes the two header pages, flushed to the OS.  Throws
    // codec_error naming the file and the system's reason when it cannot.
    ogg_opus_writer(const std::filesystem::path& file, const ogg_opus_head& head,
                    const ogg_opus_tags& tags, const ogg_opus_options& options = {});
    ~ogg_opus_writer();
    ogg_opus_writer(ogg_opus_writer&&) noexcept;
    ogg_opus_writer& operator=(ogg_opus_writer&&) noexcept;

    // One Opus packet of `samples` 48 kHz samples (from check_packet).  Returns the first
    // write error; after an error the writer refuses everything with that error.
    std::error_code write(std::span<const std::uint8_t> packet, int samples);

    // `samples` of lost audio, written as packets of zero-length frames in the configuration
    // of the last packet, which a decoder conceals: the file keeps the stream's timeline.
    std::error_code write_gap(int samples);

    // Closes the current page and hands every byte to the OS (fflush).
    std::error_code flush();
    // flush() then fdatasync(): the bytes survive a power cut, not only a crash.
    std::error_code sync();
    // Writes the end-of-stream page and closes the file; further calls return an error.
    std::error_code close();

    std::int64_t granule() const;        // samples written, including pre-skip
    const std::filesystem::path& path() const;
    std::error_code error() const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

// The OpusHead and OpusTags packets (RFC 7845 section 5), exposed for tests and the Icecast
// egress.
std::vector<std::uint8_t> opus_head_packet(const ogg_opus_head& head);
std::vector<std::uint8_t> opus_tags_packet(const ogg_opus_tags& tags);

}  // namespace tolk::codec
