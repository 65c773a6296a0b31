#include "codec/wav_writer.hpp"

#include "codec/pcm.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace tolk::codec {
namespace {

constexpr std::uint32_t header_bytes = 44;

void put16(std::uint8_t* p, std::uint32_t value) {
    p[0] = static_cast<std::uint8_t>(value);
    p[1] = static_cast<std::uint8_t>(value >> 8);
}
void put32(std::uint8_t* p, std::uint32_t value) {
    put16(p, value);
    put16(p + 2, value >> 16);
}

std::array<std::uint8_t, header_bytes> make_header(int rate, int channels,
                                                   std::uint32_t data_bytes) {
    std::array<std::uint8_t, header_bytes> h{};
    const auto block_align = static_cast<std::uint32_t>(channels) * 2;
    std::memcpy(&h[0], "RIFF", 4);
    put32(&h[4], data_bytes == wav_size_unknown ? wav_size_unknown : data_bytes + header_bytes - 8);
    std::memcpy(&h[8], "WAVEfmt ", 8);
    put32(&h[16], 16);
    put16(&h[20], 1);  // PCM
    put16(&h[22], static_cast<std::uint32_t>(channels));
    put32(&h[24], static_cast<std::uint32_t>(rate));
    put32(&h[28], static_cast<std::uint32_t>(rate) * block_align);
    put16(&h[32], block_align);
    put16(&h[34], 16);
    std::memcpy(&h[36], "data", 4);
    put32(&h[40], data_bytes);
    return h;
}

}  // namespace

void wav_writer::closer::operator()(std::FILE* file) const {
    if (file != stdout) {
        std::fclose(file);
    }
}

wav_writer::wav_writer(const std::filesystem::path& file, int rate, int channels)
    : path_(file), streamed_(file == "-"), channels_(channels) {
    if (rate <= 0 || channels <= 0 || channels > 64) {
        throw wav_error(file, "cannot write " + std::to_string(channels) + " channels at " +
                                  std::to_string(rate) + " Hz");
    }
    file_.reset(streamed_ ? stdout : std::fopen(file.c_str(), "wb"));
    if (!file_) {
        throw wav_error(file, std::string("cannot create: ") + std::strerror(errno));
    }
    patch_interval_ = static_cast<std::uint64_t>(rate) * static_cast<std::uint64_t>(channels) / 4;
    const auto header = make_header(rate, channels, streamed_ ? wav_size_unknown : 0);
    if (std::fwrite(header.data(), 1, header.size(), file_.get()) != header.size()) {
        fail("cannot write the header");
    }
}

wav_writer::~wav_writer() {
    try {
        close();
    } catch (const wav_error&) {
        // Nothing to do about a failed final write during destruction.
    }
}

void wav_writer::write(std::span<const float> samples) {
    if (!file_) {
        throw wav_error(path_, "write after close");
    }
    std::array<std::int16_t, 2048> pcm;
    std::array<std::uint8_t, 2 * 2048> bytes;
    while (!samples.empty()) {
        const std::size_t count = std::min(samples.size(), pcm.size());
        to_int16(samples.first(count), pcm);
        for (std::size_t i = 0; i < count; ++i) {
            put16(&bytes[2 * i], static_cast<std::uint16_t>(pcm[i]));
        }
        if (std::fwrite(bytes.data(), 2, count, file_.get()) != count) {
            fail("write failed");
        }
        samples = samples.subspan(count);
        samples_written_ += count;
    }
    if (samples_written_ - samples_in_header_ >= patch_interval_) {
        patch_header();
    }
}

void wav_writer::flush() {
    if (file_) {
        patch_header();
    }
}

void wav_writer::close() {
    if (!file_) {
        return;
    }
    patch_header();
    std::FILE* file = file_.release();
    if (file != stdout && std::fclose(file) != 0) {
        fail("close failed");
    }
}

// Flushes the samples first, then writes sizes that cover only flushed samples: whenever the
// process dies, the header never claims more data than the file holds.  Past 4 GiB the sizes
// become 0xFFFFFFFF, which readers take as "read to the end".
void wav_writer::patch_header() {
    if (std::fflush(file_.get()) != 0) {
        fail("flush failed");
    }
    if (streamed_) {
        return;
    }
    const std::uint64_t data_bytes = samples_written_ * 2;
    const bool fits = data_bytes <= wav_size_unknown - header_bytes;
    std::uint8_t riff_size[4];
    std::uint8_t data_size[4];
    put32(riff_size,
          fits ? static_cast<std::uint32_t>(data_bytes) + header_bytes - 8 : wav_size_unknown);
    put32(data_size, fits ? static_cast<std::uint32_t>(data_bytes) : wav_size_unknown);
    std::FILE* file = file_.get();
    const bool patched =
        std::fseek(file, 4, SEEK_SET) == 0 && std::fwrite(riff_size, 1, 4, file) == 4 &&
        std::fseek(file, 40, SEEK_SET) == 0 && std::fwrite(data_size, 1, 4, file) == 4 &&
        std::fseek(file, 0, SEEK_END) == 0 && std::fflush(file) == 0;
    if (!patched) {
        fail("cannot patch the header");
    }
    samples_in_header_ = samples_written_;
}

void wav_writer::fail(const char* what) const {
    throw wav_error(path_, errno != 0 ? std::string(what) + ": " + std::strerror(errno) : what);
}

}  // namespace tolk::codec
