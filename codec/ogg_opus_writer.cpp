#include "codec/ogg_opus_writer.hpp"

#include "codec/codec_error.hpp"

#include <ogg/ogg.h>
#include <opus/opus.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <unistd.h>

namespace tolk::codec {
namespace {

void put_le(std::vector<std::uint8_t>& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

void put_string(std::vector<std::uint8_t>& out, const std::string& text) {
    put_le(out, text.size(), 4);
    out.insert(out.end(), text.begin(), text.end());
}

std::error_code last_system_error() {
    return {errno != 0 ? errno : EIO, std::generic_category()};
}

constexpr std::uint8_t default_toc = 0xF8;  // CELT full-band 20 ms, one frame

}  // namespace

std::vector<std::uint8_t> opus_head_packet(const ogg_opus_head& head) {
    std::vector<std::uint8_t> out{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1};  // v1, mono
    put_le(out, static_cast<std::uint16_t>(head.pre_skip), 2);
    put_le(out, head.input_sample_rate, 4);
    put_le(out, static_cast<std::uint16_t>(head.output_gain_q8), 2);
    out.push_back(0);  // channel mapping family 0: mono/stereo, no table
    return out;
}

std::vector<std::uint8_t> opus_tags_packet(const ogg_opus_tags& tags) {
    std::vector<std::uint8_t> out{'O', 'p', 'u', 's', 'T', 'a', 'g', 's'};
    put_string(out, tags.vendor);
    put_le(out, tags.comments.size(), 4);
    for (const auto& [key, value] : tags.comments) {
        put_string(out, key + "=" + value);
    }
    return out;
}

// One open file and its Ogg stream.  The last packet is held back until the next one (or
// close()) so that it can carry the end-of-stream flag.
struct ogg_opus_writer::state {
    std::filesystem::path path;
    ogg_opus_options options;
    std::FILE* file = nullptr;
    ogg_stream_state stream{};
    std::int64_t packetno = 0;
    std::int64_t granule = 0;            // after the held packet
    std::int64_t unflushed_samples = 0;  // audio submitted since the last closed page
    std::vector<std::uint8_t> held;
    int held_samples = 0;
    std::uint8_t last_toc = default_toc;
    std::error_code error;
    bool closed = false;

    ~state() {
        if (file != nullptr) {
            std::fclose(file);
        }
        ogg_stream_clear(&stream);
    }

    // Writes out the pages libogg has ready; every page, even a partial one, when `force`.
    std::error_code write_pages(bool force) {
        ogg_page page;
        while ((force ? ogg_stream_flush(&stream, &page) : ogg_stream_pageout(&stream, &page)) != 0) {
            errno = 0;
            if (std::fwrite(page.header, 1, static_cast<std::size_t>(page.header_len), file) !=
                    static_cast<std::size_t>(page.header_len) ||
                std::fwrite(page.body, 1, static_cast<std::size_t>(page.body_len), file) !=
                    static_cast<std::size_t>(page.body_len)) {
                return fail(last_system_error());
            }
        }
        return {};
    }

    std::error_code submit(std::span<const std::uint8_t> data, std::int64_t granulepos, bool bos,
                           bool eos) {
        ogg_packet packet{};
        packet.packet = const_cast<unsigned char*>(data.data());  // libogg copies, never writes
        packet.bytes = static_cast<long>(data.size());
        packet.b_o_s = bos ? 1 : 0;
        packet.e_o_s = eos ? 1 : 0;
        packet.granulepos = granulepos;
        packet.packetno = packetno++;
        if (ogg_stream_packetin(&stream, &packet) != 0) {
            return fail(std::make_error_code(std::errc::not_enough_memory));
        }
        return {};
    }

    std::error_code flush_to_os() {
        if (auto e = write_pages(true)) {
            return e;
        }
        unflushed_samples = 0;
        errno = 0;
        return std::fflush(file) == 0 ? std::error_code{} : fail(last_system_error());
    }

    std::error_code fail(std::error_code e) {
        if (!error) {
            error = e;
        }
        return error;
    }

    std::error_code submit_held(bool eos) {
        if (held.empty()) {
            return {};
        }
        const auto e = submit(held, granule, false, eos);
        unflushed_samples += held_samples;
        held.clear();
        held_samples = 0;
        if (e) {
            return e;
        }
        return unflushed_samples >= options.flush_samples ? flush_to_os() : write_pages(false);
    }

    std::error_code add(std::span<const std::uint8_t> packet, int samples) {
        if (closed) {
            return fail(std::make_error_code(std::errc::bad_file_descriptor));
        }
        if (error) {
            return error;
        }
        if (auto e = submit_held(false)) {
            return e;
        }
        held.assign(packet.begin(), packet.end());
        held_samples = samples;
        granule += samples;
        return {};
    }
};

ogg_opus_writer::ogg_opus_writer(const std::filesystem::path& file, const ogg_opus_head& head,
                                 const ogg_opus_tags& tags, const ogg_opus_options& options)
    : state_(std::make_unique<state>()) {
    state_->path = file;
    state_->options = options;
    const auto serial = options.serial != 0
                            ? options.serial
                            : static_cast<std::uint32_t>(std::hash<std::string>{}(file.string()));
    ogg_stream_init(&state_->stream, static_cast<int>(serial));
    errno = 0;
    state_->file = std::fopen(file.c_str(), "wb");
    if (state_->file == nullptr) {
        throw codec_error(file.string() + ": cannot create: " + last_system_error().message());
    }
    const auto head_packet = opus_head_packet(head);
    const auto tags_packet = opus_tags_packet(tags);
    // OpusHead alone on the first page, OpusTags ends the second, audio starts a new one.
    std::error_code e = state_->submit(head_packet, 0, true, false);
    if (!e) {
        e = state_->write_pages(true);
    }
    if (!e) {
        e = state_->submit(tags_packet, 0, false, false);
    }
    if (!e) {
        e = state_->flush_to_os();
    }
    if (e) {
        throw codec_error(file.string() + ": cannot write the Ogg Opus headers: " + e.message());
    }
}

ogg_opus_writer::~ogg_opus_writer() {
    if (state_ && !state_->closed && !state_->error) {
        close();
    }
}

ogg_opus_writer::ogg_opus_writer(ogg_opus_writer&&) noexcept = default;
ogg_opus_writer& ogg_opus_writer::operator=(ogg_opus_writer&&) noexcept = default;

std::error_code ogg_opus_writer::write(std::span<const std::uint8_t> packet, int samples) {
    if (packet.empty() || samples <= 0) {
        return state_->fail(std::make_error_code(std::errc::invalid_argument));
    }
    const auto e = state_->add(packet, samples);
    if (!e) {
        state_->last_toc = packet[0];
    }
    return e;
}

std::error_code ogg_opus_writer::write_gap(int samples) {
    // Code 0 (one frame) with no frame data: RFC 6716 says decode it as lost.
    const std::uint8_t toc = static_cast<std::uint8_t>(state_->last_toc & 0xFC);
    const int frame = opus_packet_get_samples_per_frame(&toc, 48000);
    for (int done = 0; done + frame <= samples; done += frame) {
        if (auto e = state_->add(std::span(&toc, 1), frame)) {
            return e;
        }
    }
    return {};
}

std::error_code ogg_opus_writer::flush() {
    if (state_->closed || state_->error) {
        return state_->fail(std::make_error_code(std::errc::bad_file_descriptor));
    }
    return state_->flush_to_os();
}

std::error_code ogg_opus_writer::sync() {
    if (auto e = flush()) {
        return e;
    }
    errno = 0;
    return ::fdatasync(fileno(state_->file)) == 0 ? std::error_code{}
                                                   : state_->fail(last_system_error());
}

std::error_code ogg_opus_writer::close() {
    if (state_->closed) {
        return state_->fail(std::make_error_code(std::errc::bad_file_descriptor));
    }
    std::error_code e = state_->error;
    if (!e) {
        e = state_->submit_held(true);
    }
    if (!e) {
        e = state_->flush_to_os();
    }
    state_->closed = true;
    errno = 0;
    if (std::fclose(state_->file) != 0 && !e) {
        e = state_->fail(last_system_error());
    }
    state_->file = nullptr;
    return e;
}

std::int64_t ogg_opus_writer::granule() const { return state_->granule; }
const std::filesystem::path& ogg_opus_writer::path() const { return state_->path; }
std::error_code ogg_opus_writer::error() const { return state_->error; }

}  // namespace tolk::codec
