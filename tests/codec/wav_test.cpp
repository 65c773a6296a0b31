// WAV files: reading what other tools write, writing what they read, and recordings that
// survive the recorder being killed.
#include "codec/pcm.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"
#include "codec/wav_writer.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>

#include <bit>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace tolk::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

void put(bytes& out, std::uint64_t value, int size) {
    for (int i = 0; i < size; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

void chunk(bytes& out, const char* id, const bytes& payload) {
    out.insert(out.end(), id, id + 4);
    put(out, payload.size(), 4);
    out.insert(out.end(), payload.begin(), payload.end());
    if (payload.size() % 2 == 1) {
        out.push_back(0);
    }
}

bytes fmt_chunk(int tag, int channels, int rate, int bits, bool extensible = false) {
    bytes fmt;
    const int block = channels * bits / 8;
    put(fmt, extensible ? 0xFFFE : tag, 2);
    put(fmt, channels, 2);
    put(fmt, rate, 4);
    put(fmt, rate * block, 4);
    put(fmt, block, 2);
    put(fmt, bits, 2);
    if (extensible) {
        put(fmt, 22, 2);    // cbSize
        put(fmt, bits, 2);  // valid bits
        put(fmt, 0, 4);     // channel mask
        put(fmt, tag, 2);   // SubFormat GUID: the tag, then the fixed KSDATAFORMAT tail
        const bytes tail{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                         0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
        fmt.insert(fmt.end(), tail.begin(), tail.end());
    }
    return fmt;
}

// RIFF/WAVE around the given chunks; data_size overrides the data chunk's size field.
bytes wav_bytes(const bytes& fmt, const bytes& data, const bytes& before_data = {}) {
    bytes body{'W', 'A', 'V', 'E'};
    chunk(body, "fmt ", fmt);
    body.insert(body.end(), before_data.begin(), before_data.end());
    chunk(body, "data", data);
    bytes file{'R', 'I', 'F', 'F'};
    put(file, body.size(), 4);
    file.insert(file.end(), body.begin(), body.end());
    return file;
}

class wav_test : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("tolk_wav_test_" + std::to_string(::getpid()) + "_" + info->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path file(const std::string& name) const { return dir_ / name; }

    std::filesystem::path write_bytes(const std::string& name, const bytes& content) const {
        const auto path = file(name);
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(content.data()),
                   static_cast<std::streamsize>(content.size()));
        return path;
    }

    static bytes read_bytes(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    std::filesystem::path dir_;
};

TEST_F(wav_test, sixteen_bit_round_trip_is_bit_exact) {
    std::mt19937 random(7);
    std::vector<std::int16_t> pcm(48000);
    for (auto& s : pcm) {
        s = static_cast<std::int16_t>(random() & 0xFFFF);
    }
    pcm[0] = -32768;
    pcm[1] = 32767;
    std::vector<float> samples(pcm.size());
    to_float(pcm, samples);
    write_wav(file("round.wav"), samples, 44100);

    const pcm_audio audio = read_wav(file("round.wav"));
    EXPECT_EQ(audio.sample_rate, 44100);
    EXPECT_EQ(audio.channels, 1);
    std::vector<std::int16_t> back(audio.samples.size());
    to_int16(audio.samples, back);
    EXPECT_EQ(back, pcm);
    EXPECT_EQ(std::filesystem::file_size(file("round.wav")), 44 + 2 * pcm.size());
}

struct format_case {
    std::string name;
    bytes fmt;
    bytes data;
    std::vector<float> expected;
};

TEST_F(wav_test, reads_every_supported_sample_format) {
    bytes float32;
    for (const float v : {0.25f, -0.75f}) {
        put(float32, std::bit_cast<std::uint32_t>(v), 4);
    }
    bytes float64;
    for (const double v : {0.125, -1.0}) {
        put(float64, std::bit_cast<std::uint64_t>(v), 8);
    }
    const bytes pcm24{0x00, 0x00, 0x00, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80, 0x00, 0x00, 0x40};
    const std::vector<float> pcm24_values{0.0f, 8388607.0f / 8388608, -1.0f, 0.5f};
    const std::vector<format_case> cases{
        {"8-bit unsigned",
         fmt_chunk(1, 1, 8000, 8),
         {0, 128, 255, 64},
         {-1.0f, 0.0f, 127.0f / 128, -0.5f}},
        {"16-bit", fmt_chunk(1, 1, 8000, 16), {0x00, 0x80, 0x00, 0x40}, {-1.0f, 0.5f}},
        {"24-bit", fmt_chunk(1, 1, 8000, 24), pcm24, pcm24_values},
        {"32-bit", fmt_chunk(1, 1, 8000, 32), {0, 0, 0, 0x40, 0, 0, 0, 0x80}, {0.5f, -1.0f}},
        {"float 32", fmt_chunk(3, 1, 8000, 32), float32, {0.25f, -0.75f}},
        {"float 64", fmt_chunk(3, 1, 8000, 64), float64, {0.125f, -1.0f}},
        {"extensible 24-bit", fmt_chunk(1, 1, 8000, 24, true), pcm24, pcm24_values},
        {"extensible float", fmt_chunk(3, 1, 8000, 32, true), float32, {0.25f, -0.75f}},
    };
    for (const format_case& c : cases) {
        SCOPED_TRACE(c.name);
        const pcm_audio audio = read_wav(write_bytes("format.wav", wav_bytes(c.fmt, c.data)));
        EXPECT_EQ(audio.sample_rate, 8000);
        EXPECT_EQ(audio.channels, 1);
        EXPECT_EQ(audio.samples, c.expected);
    }
}

TEST_F(wav_test, skips_unknown_chunks_and_odd_padding) {
    bytes extra;
    chunk(extra, "LIST", {'I', 'N', 'F', 'O', 'x'});  // odd size: one pad byte follows
    chunk(extra, "junk", bytes(10, 0xEE));
    const pcm_audio audio = read_wav(
        write_bytes("chunks.wav", wav_bytes(fmt_chunk(1, 1, 16000, 16), {0x00, 0x40}, extra)));
    EXPECT_EQ(audio.sample_rate, 16000);
    EXPECT_EQ(audio.samples, std::vector<float>{0.5f});
}

TEST_F(wav_test, streamed_and_cut_short_files_read_to_the_end) {
    const bytes data{0x00, 0x40, 0x00, 0xC0, 0x00, 0x20};  // 0.5, -0.5, 0.25
    for (const std::uint32_t size : {0u, 0xFFFFFFFFu, 1000u}) {
        SCOPED_TRACE("data size " + std::to_string(size));
        bytes content = wav_bytes(fmt_chunk(1, 1, 48000, 16), data);
        content[40] = static_cast<std::uint8_t>(size);
        content[41] = static_cast<std::uint8_t>(size >> 8);
        content[42] = static_cast<std::uint8_t>(size >> 16);
        content[43] = static_cast<std::uint8_t>(size >> 24);
        content.push_back(0x11);  // half a sample: dropped
        const pcm_audio audio = read_wav(write_bytes("streamed.wav", content));
        EXPECT_EQ(audio.samples, (std::vector<float>{0.5f, -0.5f, 0.25f}));
    }
}

TEST_F(wav_test, stereo_is_downmixed) {
    bytes data;
    put(data, 0x4000, 2);  // left 0.5
    put(data, 0xE000, 2);  // right -0.25
    put(data, 0x2000, 2);
    put(data, 0x2000, 2);
    const auto path = write_bytes("stereo.wav", wav_bytes(fmt_chunk(1, 2, 48000, 16), data));
    const pcm_audio audio = read_wav(path);
    EXPECT_EQ(audio.channels, 2);
    EXPECT_EQ(audio.samples.size(), 4u);
    EXPECT_EQ(load_mono_48k(path), (std::vector<float>{0.125f, 0.25f}));
}

// Upward zero crossings per second.
double crossings_per_second(std::span<const float> x, int rate) {
    int count = 0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        count += x[i - 1] < 0 && x[i] >= 0 ? 1 : 0;
    }
    return count * static_cast<double>(rate) / static_cast<double>(x.size());
}

TEST_F(wav_test, resampled_44k1_tone_stays_at_1khz) {
    std::vector<float> tone_44k1(44100 * 2);
    for (std::size_t n = 0; n < tone_44k1.size(); ++n) {
        tone_44k1[n] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000 *
                                                          static_cast<double>(n) / 44100.0));
    }
    write_wav(file("44k1.wav"), tone_44k1, 44100);
    const std::vector<float> mono = load_mono_48k(file("44k1.wav"));
    EXPECT_EQ(mono.size(), 96000u);
    EXPECT_NEAR(crossings_per_second(mono, sample_rate), 1000, 1);
    // Away from the edges it is the 48 kHz tone, in phase: measured 0.99999.
    const std::vector<float> reference = tone(1000, 2);
    const auto middle = [](const std::vector<float>& x) {
        return std::span(x).subspan(4800, 86400);
    };
    EXPECT_GT(correlation_at(middle(reference), middle(mono), 0), 0.9999);
}

struct malformed_case {
    std::string name;
    bytes content;
    std::string message;
};

TEST_F(wav_test, malformed_files_throw_a_clear_wav_error) {
    bytes no_fmt{'R', 'I', 'F', 'F', 16, 0, 0, 0, 'W', 'A', 'V', 'E'};
    chunk(no_fmt, "data", {0, 0, 0, 0});
    bytes only_fmt{'R', 'I', 'F', 'F', 28, 0, 0, 0, 'W', 'A', 'V', 'E'};
    chunk(only_fmt, "fmt ", fmt_chunk(1, 1, 48000, 16));
    bytes fmt_cut = wav_bytes(fmt_chunk(1, 1, 48000, 16), {});
    fmt_cut.resize(30);
    const std::vector<malformed_case> cases{
        {"empty file", {}, "not a RIFF/WAVE file"},
        {"not RIFF", {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0}, "not a RIFF/WAVE file"},
        {"RIFF but not WAVE",
         {'R', 'I', 'F', 'F', 4, 0, 0, 0, 'A', 'V', 'I', ' '},
         "not a RIFF/WAVE"},
        {"truncated header", {'R', 'I', 'F', 'F', 36, 0, 0, 0}, "truncated header"},
        {"fmt chunk cut", fmt_cut, "truncated header"},
        {"fmt missing", no_fmt, "no fmt chunk"},
        {"no chunks at all", {'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'A', 'V', 'E'}, "no fmt chunk"},
        {"no data", only_fmt, "no data chunk"},
        {"ADPCM", wav_bytes(fmt_chunk(2, 1, 48000, 4), {0}), "unsupported format tag 0x0002"},
        {"12-bit PCM", wav_bytes(fmt_chunk(1, 1, 48000, 12), {0}), "unsupported PCM bit depth 12"},
        {"16-bit float", wav_bytes(fmt_chunk(3, 1, 48000, 16), {0}), "unsupported float bit depth"},
        {"no channels", wav_bytes(fmt_chunk(1, 0, 48000, 16), {0}), "0 channels"},
    };
    for (const malformed_case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto path = write_bytes("bad.wav", c.content);
        try {
            read_wav(path);
            ADD_FAILURE() << "no wav_error";
        } catch (const wav_error& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find(c.message), std::string::npos) << message;
            EXPECT_NE(message.find("bad.wav"), std::string::npos) << message;
        }
    }
    EXPECT_THROW(read_wav(file("missing.wav")), wav_error);
    EXPECT_THROW(to_mono_48k(pcm_audio{}), codec_error);
}

// The header's sizes, as a player that trusts them sees the file.
struct header_sizes {
    std::uint32_t riff = 0;
    std::uint32_t data = 0;
};

header_sizes sizes_in(const bytes& file) {
    const auto le32 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(file[at] | file[at + 1] << 8 | file[at + 2] << 16 |
                                          static_cast<std::uint32_t>(file[at + 3]) << 24);
    };
    return {le32(4), le32(40)};
}

TEST_F(wav_test, writer_leaves_a_valid_file_while_still_open) {
    const std::vector<float> speech = speech_like(2, 9);
    const auto path = file("live.wav");
    wav_writer writer(path);
    // 1.5 s in 20 ms frames, never flushed: what a SIGKILL now would leave behind.
    for (std::size_t at = 0; at < 72000; at += 960) {
        writer.write(std::span(speech).subspan(at, 960));
    }
    EXPECT_EQ(writer.samples_written(), 72000u);
    const bytes killed = read_bytes(path);
    ASSERT_GE(killed.size(), 44u);
    const header_sizes sizes = sizes_in(killed);
    EXPECT_EQ(sizes.riff, sizes.data + 36);
    EXPECT_LE(sizes.data, killed.size() - 44);     // never claims more than is there
    EXPECT_GE(sizes.data, 2 * (72000u - 12000u));  // at most 0.25 s not counted yet

    writer.flush();
    const pcm_audio flushed = read_wav(path);
    EXPECT_EQ(sizes_in(read_bytes(path)).data, 2 * 72000u);
    ASSERT_EQ(flushed.samples.size(), 72000u);
    EXPECT_NEAR(flushed.samples[1000], speech[1000], 1.0 / 32768);

    writer.write(std::span(speech).subspan(72000));
    writer.close();
    writer.close();  // harmless
    const pcm_audio closed = read_wav(path);
    EXPECT_EQ(closed.samples.size(), speech.size());
    EXPECT_GT(correlation_at(speech, closed.samples, 0), 0.99999);
    EXPECT_THROW(writer.write(speech), wav_error);
}

TEST_F(wav_test, writer_refuses_what_it_cannot_write) {
    EXPECT_THROW(wav_writer(file("no/such/dir/x.wav")), wav_error);
    EXPECT_THROW(wav_writer(file("rate.wav"), 0), wav_error);
    EXPECT_THROW(wav_writer(file("channels.wav"), sample_rate, 0), wav_error);
}

TEST_F(wav_test, writer_destructor_finishes_the_file) {
    {
        wav_writer writer(file("scoped.wav"), 16000, 2);
        writer.write(std::vector<float>(100, 0.25f));
    }
    const pcm_audio audio = read_wav(file("scoped.wav"));
    EXPECT_EQ(audio.sample_rate, 16000);
    EXPECT_EQ(audio.channels, 2);
    EXPECT_EQ(audio.samples, std::vector<float>(100, 0.25f));
}

TEST_F(wav_test, writer_streams_to_stdout_without_sizes) {
    // Points stdout at a file for the duration of the writer.
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    const int target = ::open(file("stdout.wav").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(saved, 0);
    ASSERT_GE(target, 0);
    ::dup2(target, STDOUT_FILENO);
    {
        wav_writer writer("-");
        writer.write(std::vector<float>(50000, 0.5f));  // past a patch interval: no seeking
        writer.close();
    }
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    ::close(target);

    const bytes content = read_bytes(file("stdout.wav"));
    ASSERT_EQ(content.size(), 44u + 2 * 50000);
    EXPECT_EQ(sizes_in(content).riff, 0xFFFFFFFFu);
    EXPECT_EQ(sizes_in(content).data, 0xFFFFFFFFu);
    EXPECT_EQ(read_wav(file("stdout.wav")).samples, std::vector<float>(50000, 0.5f));
}

}  // namespace
}  // namespace tolk::codec
