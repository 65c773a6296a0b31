// Icecast both ways with tools nobody here wrote: ffmpeg pushes a channel with the Icecast
// source protocol (PUT, and the legacy SOURCE) and tolk's WebSocket listeners hear it; a booth
// speaks and ffmpeg, opusinfo and opusdec read /stream/ID.ogg; other formats and wrong passwords
// are refused with a reason; a player that reads nothing is dropped while another keeps every frame.

#include "booth_auth_fixture.hpp"
#include "raw_http.hpp"

#include "child_process.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"
#include "server/auth/password.hpp"
#include "server/icecast/ogg_opus_demuxer.hpp"

#include <sodium.h>

namespace tolk::test {
namespace {

// Waits for a child (bounded); its exit status, or -1 if it did not end in time.
int finish(child_process& p, std::chrono::milliseconds timeout = 30s) {
    p.read_all(child_process::stream::err, timeout);
    return p.wait(5s).value_or(-1);
}

std::vector<std::string> ffmpeg(std::vector<std::string> args) {
    std::vector<std::string> argv{"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::string basic(const std::string& user, const std::string& password) {
    const std::string plain = user + ":" + password;
    std::string out(sodium_base64_encoded_len(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The Opus packets of an Ogg Opus byte stream (pages complete so far).
std::size_t count_packets(std::string_view bytes, std::size_t* streams = nullptr) {
    if (bytes.starts_with("HTTP/")) {  // a whole response: the stream follows its head
        const auto head = bytes.find("\r\n\r\n");
        bytes = head == std::string_view::npos ? std::string_view{} : bytes.substr(head + 4);
    }
    server::icecast::ogg_opus_demuxer d;
    std::size_t n = 0, s = 0;
    d.feed({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, [&](const auto& e) {
        (e.what == server::icecast::demux_event::kind::packet ? n : s) += 1;
        return true;
    });
    if (streams)
        *streams = s;
    return n;
}

class icecast_test : public booth_auth_test {
protected:
    void SetUp() override {
        booth_auth_test::SetUp();
        speech_ = codec::speech_like(3.0, 15);
        codec::write_wav(dir_ / "speech.wav", speech_);
    }
    std::string url(const std::string& path, const std::string& password) {
        return "icecast://source:" + password + "@127.0.0.1:" + std::to_string(endpoint_.port()) + path;
    }
    // ffmpeg pushes speech.wav to `path` in real time; a WebSocket listener of fr must hear it.
    void push_and_hear(const std::string& path, std::vector<std::string> extra = {}, std::string password = {}) {
        start_event();
        if (password.empty())
            password = booth_token("fr");
        auto listener = listen("fr");
        auto args = ffmpeg({"-re", "-i", (dir_ / "speech.wav").string(), "-c:a", "libopus", "-b:a", "32k",
                            "-page_duration", "20000", "-f", "ogg"});
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(url(path, password));
        child_process push(args, {false, true});
        ASSERT_EQ(finish(push), 0) << push.output(child_process::stream::err);
        ASSERT_TRUE(listener->wait_for([](auto& m) { return count_frames(m, 1) >= 140; }))
            << count_frames(listener->messages(), 1) << " frames heard";
        const auto heard = decode_heard(listener->messages(), 1);
        EXPECT_GE(heard.discontinuities, 1u);
        const auto a = codec::align(speech_, heard.pcm, -9600, 9600);
        EXPECT_GE(codec::correlation_at(speech_, heard.pcm, a.lag), 0.9) << "lag " << a.lag;
        EXPECT_EQ(server_->counters().icecast_sources.load(), 1u);
    }
    // A PUT of `body` (Expect: 100-continue) to /ingest/fr with `password`; returns the connection.
    std::unique_ptr<raw_http> put(const std::string& password, const std::string& body) {
        auto c = std::make_unique<raw_http>(endpoint_);
        c->send("PUT /ingest/fr HTTP/1.1\r\nHost: x\r\nContent-Type: audio/mpeg\r\nExpect: 100-continue\r\n"
                "Authorization: Basic " + basic("source", password) + "\r\n\r\n");
        if (c->read_until([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; }, 5s) &&
            c->status() == 0)
            c->send(body);
        c->read_to_end(10s);
        return c;
    }

    std::vector<float> speech_;
};

TEST_F(icecast_test, FfmpegPutWithABoothTokenIsHeardByListeners) { push_and_hear("/ingest/fr"); }

TEST_F(icecast_test, FfmpegLegacySourceToTheMountPointIsHeardByListeners) {
    push_and_hear("/fr.ogg", {"-legacy_icecast", "1"});
}

TEST_F(icecast_test, AChannelsSourcePasswordFromTheEventFileLetsAnEncoderIn) {
    std::ofstream(dir_ / "event.toml") << "[event]\nname = \"" << event_name
                                      << "\"\n[[channels]]\nid = \"en\"\n[[channels]]\nid = \"fr\"\nsource_password = \""
                                      << auth::hash_password("hall-encoder-7") << "\"\n[auth]\nstate_dir = \"state\"\n";
    push_and_hear("/fr.ogg", {"-legacy_icecast", "1"}, "hall-encoder-7");
    const auto wrong = put("hall-encoder-8", "OggS");
    EXPECT_EQ(wrong->status(), 401) << wrong->received();
    EXPECT_NE(wrong->body().find("source password"), std::string::npos) << wrong->body();
}

TEST_F(icecast_test, WrongPasswordIsRefusedWith401) {
    start_event();
    const auto c = put("not-a-token", "OggS");
    EXPECT_EQ(c->status(), 401) << c->received();
    EXPECT_NE(c->received().find("WWW-Authenticate: Basic"), std::string::npos) << c->received();
    child_process push(ffmpeg({"-f", "lavfi", "-i", "sine=d=1", "-c:a", "libopus", "-f", "ogg",
                               url("/ingest/fr", "wrong")}),
                       {false, true});
    EXPECT_NE(finish(push), 0);
    EXPECT_NE(push.output(child_process::stream::err).find("401"), std::string::npos)
        << push.output(child_process::stream::err);
    // A token for another channel is refused too, with the reason.
    const auto other = put(booth_token("en"), "OggS");
    EXPECT_EQ(other->status(), 403) << other->received();
    EXPECT_EQ(server_->counters().icecast_sources.load(), 0u);
}

TEST_F(icecast_test, Mp3AndVorbisSourcesAreRefusedNamingWhatTolkAccepts) {
    start_event();
    for (auto [codec, file] : {std::pair{"libmp3lame", "speech.mp3"}, std::pair{"libvorbis", "speech.ogg"}}) {
        child_process encode(ffmpeg({"-i", (dir_ / "speech.wav").string(), "-c:a", codec, (dir_ / file).string()}),
                             {false, true});
        ASSERT_EQ(finish(encode), 0) << encode.output(child_process::stream::err);
    }
    const auto mp3 = put(booth_token("fr"), read_file(dir_ / "speech.mp3"));
    EXPECT_EQ(mp3->status(), 415) << mp3->received();
    EXPECT_NE(mp3->body().find("MP3"), std::string::npos) << mp3->body();
    EXPECT_NE(mp3->body().find("Ogg Opus"), std::string::npos) << mp3->body();
    const auto vorbis = put(booth_token("fr"), read_file(dir_ / "speech.ogg"));
    EXPECT_EQ(vorbis->status(), 415) << vorbis->received();
    EXPECT_NE(vorbis->body().find("Ogg Vorbis"), std::string::npos) << vorbis->body();
    // ffmpeg pushing MP3 fails instead of streaming into the void.
    child_process push(ffmpeg({"-re", "-i", (dir_ / "speech.wav").string(), "-c:a", "libmp3lame", "-f", "mp3",
                               url("/ingest/fr", booth_token("fr"))}),
                       {false, true});
    EXPECT_NE(finish(push), 0);
    EXPECT_GE(server_->counters().icecast_sources_refused.load(), 3u);
}

// A relay: what a player that joined /stream/fr.ogg mid-stream captured (the stream's header
// pages, then pages from the live edge on: a gap in the page sequence, as from Icecast), pushed
// as it is to another channel. tolk's ingest counts the gap and plays the audio after it.
TEST_F(icecast_test, AStreamCapturedMidStreamRelaysIntoAnotherChannel) {
    start_event();
    child_process push(ffmpeg({"-re", "-i", (dir_ / "speech.wav").string(), "-c:a", "libopus", "-b:a", "32k",
                               "-page_duration", "20000", "-f", "ogg", url("/ingest/fr", booth_token("fr"))}),
                       {false, true});
    // A first player from the start, then the one whose capture is relayed, half a second later.
    raw_http first(endpoint_);
    first.send("GET /stream/fr.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(first.read_until([](const std::string& r) { return count_packets(r) >= 25; }, 10s));
    raw_http capture(endpoint_);
    capture.send("GET /stream/fr.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(capture.read_until([](const std::string& r) { return count_packets(r) >= 60; }, 10s));
    ASSERT_EQ(finish(push), 0) << push.output(child_process::stream::err);
    const std::string body = capture.received().substr(capture.received().find("\r\n\r\n") + 4);
    const auto relayed = count_packets(body);

    auto en = listen("en");
    raw_http relay(endpoint_);
    relay.send("PUT /ingest/en HTTP/1.1\r\nHost: x\r\nContent-Type: audio/ogg\r\nAuthorization: Basic " +
               basic("source", booth_token("en")) + "\r\n\r\n");
    relay.send(body);
    ASSERT_TRUE(en->wait_for([&](auto& m) { return count_frames(m, 0) >= relayed; }))
        << count_frames(en->messages(), 0) << " of " << relayed << " frames heard; " << relay.received();
    EXPECT_FALSE(relay.closed()) << relay.received();
    EXPECT_EQ(server_->counters().icecast_source_gaps.load(), 1u);
    EXPECT_EQ(server_->counters().icecast_sources_corrupt.load(), 0u);
    const auto heard = decode_heard(en->messages(), 0);
    const auto a = codec::align(speech_, heard.pcm, -3 * 48000, 3 * 48000);
    EXPECT_GE(a.correlation, 0.9) << "lag " << a.lag;
    EXPECT_LT(a.lag, 0) << "the relay starts mid-speech";
}

TEST_F(icecast_test, CorruptOggIsClosedAndCounted) {
    start_event();
    std::string ogg;
    {
        child_process encode(ffmpeg({"-i", (dir_ / "speech.wav").string(), "-c:a", "libopus", (dir_ / "s.opus").string()}),
                             {false, true});
        ASSERT_EQ(finish(encode), 0);
        ogg = read_file(dir_ / "s.opus");
    }
    for (std::size_t i = ogg.size() / 2; i < ogg.size() / 2 + 64; ++i)
        ogg[i] = static_cast<char>(ogg[i] ^ 0x5a);
    auto listener = listen("fr");
    const auto c = put(booth_token("fr"), ogg);
    EXPECT_TRUE(c->closed());
    EXPECT_EQ(server_->counters().icecast_sources_corrupt.load(), 1u);
    // What came before the damage was on air.
    EXPECT_TRUE(listener->wait_for([](auto& m) { return count_frames(m, 1) > 10; }));
}

using icecast_stream_test = server_fixture;

TEST_F(icecast_stream_test, BoothSpeechPlaysInFfmpegOpusinfoAndOpusdec) {
    start();
    char pattern[] = "/tmp/tolk-icecast-XXXXXX";
    const fs::path dir = ::mkdtemp(pattern);
    const auto speech = codec::speech_like(6.0, 21);
    const std::string stream_url = "http://127.0.0.1:" + std::to_string(endpoint_.port()) + "/stream/fr.ogg";
    auto booth = connect("/ws/booth?channel=fr");
    ASSERT_TRUE(booth->wait_for([](auto& m) { return !test_client::of_type(m, "welcome").empty(); }));
    raw_http capture(endpoint_);
    capture.send("GET /stream/fr.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(capture.read_until([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; }, 5s));
    EXPECT_EQ(capture.status(), 200);
    EXPECT_NE(capture.received().find("audio/ogg"), std::string::npos);
    auto sent = booth->stream(make_frames(speech, 32000), std::chrono::milliseconds(20));
    child_process record(ffmpeg({"-i", stream_url, "-t", "3", "-ac", "1", "-ar", "48000", (dir / "out.wav").string()}),
                         {false, true});
    ASSERT_EQ(finish(record), 0) << record.output(child_process::stream::err);
    const auto heard = codec::load_mono_48k(dir / "out.wav");
    EXPECT_GE(heard.size(), 48000u * 5 / 2);
    const auto a = codec::align(speech, heard, -6 * 48000, 6 * 48000);
    EXPECT_GE(a.correlation, 0.9) << "lag " << a.lag;

    // What a raw capture got, cut at its last complete page: opusinfo and opusdec read it, from
    // the stream's start and from a player that joined mid-stream. That one gets the stream's
    // header pages, then the channel's shared pages from the live edge, as Icecast sends a
    // listener joining a mount: opusinfo notes the sequence gap before its first audio page
    // ("normal for live streams") and nothing else.
    ASSERT_TRUE(capture.read_until([](const std::string& r) { return count_packets(r) >= 100; }, 10s));
    raw_http late(endpoint_);
    late.send("GET /stream/fr.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto pages = [](const std::string& r) {
        std::size_t n = 0;
        for (auto at = r.find("OggS"); at != std::string::npos; at = r.find("OggS", at + 4))
            ++n;
        return n;
    };
    ASSERT_TRUE(late.read_until([&](const std::string& r) { return pages(r) >= 52; }, 10s));
    for (auto* player : {&capture, &late}) {
        SCOPED_TRACE(player == &late ? "joined mid-stream" : "from the start");
        std::string ogg = player->body();
        ogg.resize(ogg.rfind("OggS"));
        std::ofstream(dir / "capture.opus", std::ios::binary | std::ios::trunc) << ogg;
        child_process info({"opusinfo", (dir / "capture.opus").string()}, {true, true});
        // opusinfo exits 1 for any warning; the one a live capture earns is the missing EOS page.
        finish(info);
        const auto report = info.read_all(child_process::stream::out, 5s) + info.output(child_process::stream::err);
        EXPECT_NE(report.find("Opus stream 1"), std::string::npos) << report;
        EXPECT_NE(report.find("Packet duration:   20.0ms"), std::string::npos) << report;
        EXPECT_EQ(report.find("rror"), std::string::npos) << report;
        EXPECT_EQ(report.find("Hole"), std::string::npos) << report;
        std::size_t warnings = 0, expected = 0, gaps = 0;
        for (auto at = report.find("WARNING"); at != std::string::npos; at = report.find("WARNING", at + 1)) {
            ++warnings;
            expected += report.compare(at, 26, "WARNING: EOS not set on st") == 0;
            if (player == &late && (report.compare(at, 38, "WARNING: sequence number gap in stream") == 0 ||
                                    report.compare(at, 34, "WARNING: discontinuity in stream (") == 0))
                ++gaps;
        }
        EXPECT_EQ(warnings, expected + gaps) << report;
        EXPECT_LE(gaps, 2u) << "one gap, before the first audio page";
        child_process decode({"opusdec", "--quiet", (dir / "capture.opus").string(), (dir / "capture.wav").string()},
                             {false, true});
        EXPECT_EQ(finish(decode), 0) << decode.output(child_process::stream::err);
        EXPECT_GE(codec::load_mono_48k(dir / "capture.wav").size(), player == &late ? 48000u * 4 / 5 : 48000u);
    }
    sent.wait_for(10s);
    std::error_code ec;
    fs::remove_all(dir, ec);
}

TEST_F(icecast_stream_test, ANewBoothChainsANewLogicalStream) {
    start();
    raw_http player(endpoint_);
    player.send("GET /stream/fr.opus HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(player.read_until([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; }, 5s));
    for (int round = 0; round < 2; ++round) {
        auto booth = connect("/ws/booth?channel=fr&name=b" + std::to_string(round));
        ASSERT_TRUE(booth->wait_for([](auto& m) { return !test_client::of_type(m, "welcome").empty(); }));
        booth->stream(make_frames(codec::speech_like(0.4, 3 + round), 32000), 20ms).wait_for(5s);
        booth->close();
        booth->wait_closed();
    }
    std::size_t streams = 0;
    EXPECT_TRUE(player.read_until([&](const std::string& r) { return count_packets(r, &streams) >= 41; }, 10s));
    EXPECT_EQ(streams, 2u);
}

TEST_F(icecast_stream_test, PlaylistNamesTheStream) {
    start();
    const auto [status, body] = http_get("/stream/fr.m3u");
    EXPECT_EQ(status, 200);
    EXPECT_NE(body.find("#EXTM3U"), std::string::npos);
    EXPECT_NE(body.find("/stream/fr.ogg"), std::string::npos) << body;
    EXPECT_EQ(http_get("/stream/nope.ogg").first, 404);
    EXPECT_NE(http_get("/join").second.find("/stream/fr.ogg"), std::string::npos) << "the join sheet names it";
}

TEST_F(icecast_stream_test, APlayerThatReadsNothingIsDroppedWhileAnotherKeepsEveryFrame) {
    auto config = test_config();
    config.limits.listener_send_buffer = 4096;
    config.limits.listener_queue_ms = 1000;  // a busy CI machine's hiccup must not drop the fast one's audio
    start(config);
    raw_http fast(endpoint_), slow(endpoint_, 4096);
    for (auto* p : {&fast, &slow})
        p->send("GET /stream/fr.ogg HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(fast.read_until([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; }, 5s));
    auto booth = connect("/ws/booth?channel=fr");
    ASSERT_TRUE(booth->wait_for([](auto& m) { return !test_client::of_type(m, "welcome").empty(); }));
    const auto frames = make_frames(codec::white_noise(3.0, 5), 96000);
    auto sent = booth->stream(frames, 20ms);
    EXPECT_TRUE(fast.read_until([&](const std::string& r) { return count_packets(r) >= frames.size(); }, 20s))
        << count_packets(fast.received()) << " of " << frames.size();
    EXPECT_EQ(count_packets(fast.received()), frames.size());
    EXPECT_TRUE(slow.read_to_end(20s)) << "the stalled player was not closed";
    EXPECT_LT(count_packets(slow.body()), frames.size());
    EXPECT_GE(server_->counters().listeners_stalled.load(), 1u);
    sent.wait_for(10s);
}

}  // namespace
}  // namespace tolk::test
