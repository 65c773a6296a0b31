#include "codec/wav_file.hpp"

#include "codec/wav_writer.hpp"

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>

namespace tolk::codec {
namespace {

struct file_closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

constexpr std::uint16_t tag_pcm = 1;
constexpr std::uint16_t tag_float = 3;
constexpr std::uint16_t tag_extensible = 0xFFFE;

std::uint32_t le16(const std::uint8_t* p) {
    return p[0] | (p[1] << 8);
}
std::uint32_t le32(const std::uint8_t* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint64_t le64(const std::uint8_t* p) {
    return le32(p) | (static_cast<std::uint64_t>(le32(p + 4)) << 32);
}

struct wav_format {
    bool is_float = false;
    int channels = 0;
    int rate = 0;
    int bits = 0;
    std::size_t frame_bytes() const { return static_cast<std::size_t>(channels) * bits / 8; }
};

std::string hex_tag(std::uint32_t tag) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%04X", tag);
    return text;
}

wav_format parse_fmt(const std::filesystem::path& file, std::span<const std::uint8_t> fmt) {
    std::uint32_t tag = le16(&fmt[0]);
    wav_format format;
    format.channels = static_cast<int>(le16(&fmt[2]));
    const std::uint32_t rate = le32(&fmt[4]);
    format.bits = static_cast<int>(le16(&fmt[14]));
    if (tag == tag_extensible) {
        if (fmt.size() < 40) {
            throw wav_error(file, "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
        }
        tag = le16(&fmt[24]);  // the first two bytes of the SubFormat GUID
    }
    if (tag == tag_pcm) {
        if (format.bits != 8 && format.bits != 16 && format.bits != 24 && format.bits != 32) {
            throw wav_error(file, "unsupported PCM bit depth " + std::to_string(format.bits));
        }
    } else if (tag == tag_float) {
        format.is_float = true;
        if (format.bits != 32 && format.bits != 64) {
            throw wav_error(file, "unsupported float bit depth " + std::to_string(format.bits));
        }
    } else {
        throw wav_error(file, "unsupported format tag " + hex_tag(tag) +
                                  " (reads PCM and IEEE float only)");
    }
    if (format.channels == 0) {
        throw wav_error(file, "fmt chunk says 0 channels");
    }
    if (rate == 0 || rate > static_cast<std::uint32_t>(std::numeric_limits<int>::max())) {
        throw wav_error(file, "fmt chunk has an invalid sample rate " + std::to_string(rate));
    }
    format.rate = static_cast<int>(rate);
    return format;
}

float decode_sample(const std::uint8_t* p, const wav_format& format) {
    if (format.is_float) {
        return format.bits == 32 ? std::bit_cast<float>(le32(p))
                                 : static_cast<float>(std::bit_cast<double>(le64(p)));
    }
    switch (format.bits) {
    case 8:
        return static_cast<float>(p[0] - 128) / 128.0f;
    case 16:
        return static_cast<float>(static_cast<std::int16_t>(le16(p))) / 32768.0f;
    case 24: {
        const auto shifted = static_cast<std::int32_t>((p[0] << 8) | (p[1] << 16) |
                                                       (static_cast<std::uint32_t>(p[2]) << 24));
        return static_cast<float>(shifted >> 8) / 8388608.0f;
    }
    default:
        return static_cast<float>(static_cast<double>(static_cast<std::int32_t>(le32(p))) /
                                  2147483648.0);
    }
}

// Reads up to `limit` bytes of sample data (to the end of the file for wav_size_unknown);
// a partial frame at the end is dropped.
std::vector<float> read_samples(std::FILE* in, const std::filesystem::path& file,
                                const wav_format& format, std::uint64_t limit) {
    const std::size_t frame_bytes = format.frame_bytes();
    const std::size_t sample_bytes = static_cast<std::size_t>(format.bits) / 8;
    std::vector<std::uint8_t> buffer(frame_bytes * 4096);
    std::vector<float> samples;
    while (limit > 0) {
        const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), limit));
        const std::size_t got = std::fread(buffer.data(), 1, wanted, in);
        const std::size_t usable = got / frame_bytes * frame_bytes;
        for (std::size_t at = 0; at < usable; at += sample_bytes) {
            samples.push_back(decode_sample(&buffer[at], format));
        }
        limit -= got;
        if (got < wanted) {
            break;
        }
    }
    if (std::ferror(in)) {
        throw wav_error(file, std::string("read error: ") + std::strerror(errno));
    }
    return samples;
}

}  // namespace

pcm_audio read_wav(const std::filesystem::path& file) {
    file_ptr in(std::fopen(file.c_str(), "rb"));
    if (!in) {
        throw wav_error(file, std::string("cannot open: ") + std::strerror(errno));
    }
    std::uint8_t riff[12];
    const std::size_t riff_bytes = std::fread(riff, 1, sizeof riff, in.get());
    if (riff_bytes < 4 || std::memcmp(riff, "RIFF", 4) != 0) {
        throw wav_error(file, "not a RIFF/WAVE file");
    }
    if (riff_bytes < sizeof riff) {
        throw wav_error(file, "truncated header");
    }
    if (std::memcmp(riff + 8, "WAVE", 4) != 0) {
        throw wav_error(file, "not a RIFF/WAVE file (the RIFF form is not WAVE)");
    }
    std::optional<wav_format> format;
    std::uint8_t chunk[8];
    while (std::fread(chunk, 1, sizeof chunk, in.get()) == sizeof chunk) {
        const std::uint32_t size = le32(chunk + 4);
        if (std::memcmp(chunk, "fmt ", 4) == 0) {
            if (size < 16 || size > 1024) {
                throw wav_error(file, "fmt chunk has a bad size " + std::to_string(size));
            }
            std::vector<std::uint8_t> fmt(size + (size & 1));
            if (std::fread(fmt.data(), 1, fmt.size(), in.get()) < size) {
                throw wav_error(file, "truncated header (the fmt chunk ends early)");
            }
            format = parse_fmt(file, std::span(fmt).first(size));
        } else if (std::memcmp(chunk, "data", 4) == 0) {
            if (!format) {
                throw wav_error(file, "no fmt chunk before the data chunk");
            }
            const bool to_end = size == 0 || size == wav_size_unknown;
            pcm_audio audio{format->rate, format->channels, {}};
            audio.samples = read_samples(in.get(), file, *format,
                                         to_end ? std::numeric_limits<std::uint64_t>::max() : size);
            return audio;
        } else if (std::fseek(in.get(), static_cast<long>(size) + (size & 1), SEEK_CUR) != 0) {
            throw wav_error(file, "truncated file (cannot skip a chunk)");
        }
    }
    throw wav_error(file, format ? "no data chunk" : "truncated header (no fmt chunk)");
}

std::vector<float> to_mono_48k(const pcm_audio& audio) {
    if (audio.channels <= 0 || audio.sample_rate <= 0) {
        throw codec_error("to_mono_48k: audio has " + std::to_string(audio.channels) +
                          " channels at " + std::to_string(audio.sample_rate) + " Hz");
    }
    const auto channels = static_cast<std::size_t>(audio.channels);
    std::vector<float> mono(audio.samples.size() / channels);
    for (std::size_t frame = 0; frame < mono.size(); ++frame) {
        float sum = 0;
        for (std::size_t c = 0; c < channels; ++c) {
            sum += audio.samples[frame * channels + c];
        }
        mono[frame] = sum / static_cast<float>(channels);
    }
    if (audio.sample_rate == sample_rate) {
        return mono;
    }
    return resample(mono, audio.sample_rate, sample_rate);
}

std::vector<float> load_mono_48k(const std::filesystem::path& file) {
    return to_mono_48k(read_wav(file));
}

void write_wav(const std::filesystem::path& file, std::span<const float> mono, int rate) {
    wav_writer writer(file, rate, 1);
    writer.write(mono);
    writer.close();
}

}  // namespace tolk::codec
