#include "server/ws_frame_writer.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace tolk::server {
namespace {

// A connected TCP pair over loopback.
struct tcp_pair {
    int sender = -1, receiver = -1;
    tcp_pair() {
        const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(listener, 1);
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
        receiver = ::socket(AF_INET, SOCK_STREAM, 0);
        ::connect(receiver, reinterpret_cast<sockaddr*>(&a), sizeof a);
        sender = ::accept(listener, nullptr, nullptr);
        ::close(listener);
        int one = 1;
        ::setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~tcp_pair() {
        ::close(sender);
        ::close(receiver);
    }
    std::vector<std::uint8_t> read_exactly(std::size_t n) const {
        std::vector<std::uint8_t> out(n);
        std::size_t got = 0;
        while (got < n) {
            const auto r = ::recv(receiver, out.data() + got, n - got, 0);
            if (r <= 0)
                break;
            got += static_cast<std::size_t>(r);
        }
        out.resize(got);
        return out;
    }
};

frame_ref frame(std::size_t size, std::uint8_t fill) {
    auto bytes = std::make_shared<std::uint8_t[]>(size);
    std::memset(bytes.get(), fill, size);
    return frame_ref{std::move(bytes), static_cast<std::uint32_t>(size), 960, 0, 0};
}

// Parses unmasked server frames: (opcode, payload) per message.
std::vector<std::pair<int, std::vector<std::uint8_t>>> parse(const std::vector<std::uint8_t>& s) {
    std::vector<std::pair<int, std::vector<std::uint8_t>>> out;
    std::size_t at = 0;
    while (at + 2 <= s.size()) {
        const int opcode = s[at] & 0x0f;
        EXPECT_EQ(s[at] & 0x80, 0x80);  // FIN
        EXPECT_EQ(s[at + 1] & 0x80, 0);  // unmasked
        std::size_t len = s[at + 1] & 0x7f, header = 2;
        if (len == 126) {
            len = (std::size_t{s[at + 2]} << 8) | s[at + 3];
            header = 4;
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = len << 8 | s[at + 2 + i];
            header = 10;
        }
        out.emplace_back(opcode, std::vector<std::uint8_t>(s.begin() + static_cast<long>(at + header),
                                                           s.begin() + static_cast<long>(at + header + len)));
        at += header + len;
    }
    EXPECT_EQ(at, s.size());
    return out;
}

TEST(ws_frame_writer, sends_a_batch_as_binary_websocket_messages_in_one_call) {
    tcp_pair p;
    ws_frame_writer w;
    const auto a = frame(5, 1), b = frame(200, 2) /* 16-bit length */, c = frame(125, 3) /* largest 7-bit */;
    ASSERT_TRUE(w.add(a));
    ASSERT_TRUE(w.add(b));
    ASSERT_TRUE(w.add(c));
    ASSERT_EQ(w.send(p.sender), ws_frame_writer::result::sent);
    const auto messages = parse(p.read_exactly(2 + 5 + 4 + 200 + 2 + 125));
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0], (std::pair<int, std::vector<std::uint8_t>>{2, std::vector<std::uint8_t>(5, 1)}));
    EXPECT_EQ(messages[1].second, std::vector<std::uint8_t>(200, 2));
    EXPECT_EQ(messages[2].second, std::vector<std::uint8_t>(125, 3));
}

TEST(ws_frame_writer, writes_text_pong_and_close_frames_in_order_with_the_audio) {
    tcp_pair p;
    ws_frame_writer w;
    const auto a = frame(10, 7);
    const std::string text = R"({"type":"resync"})", big(70'000, 't');
    const std::uint8_t close[] = {0x03, 0xe9, 'b', 'y', 'e'};
    ASSERT_TRUE(w.add(ws_frame_writer::opcode::text, big));  // alone: over the batch size
    ASSERT_FALSE(w.add(a)) << "a batch stays under max_batch_bytes";
    ASSERT_EQ(w.send(p.sender), ws_frame_writer::result::sent);
    w.clear();
    ASSERT_TRUE(w.add(a));
    ASSERT_TRUE(w.add(ws_frame_writer::opcode::pong, std::string_view("p1")));
    ASSERT_TRUE(w.add(ws_frame_writer::opcode::text, text));
    ASSERT_TRUE(w.add(ws_frame_writer::opcode::close, std::span<const std::uint8_t>(close)));
    ASSERT_EQ(w.send(p.sender), ws_frame_writer::result::sent);
    const auto messages = parse(p.read_exactly(10 + 70'000 + 2 + 10 + 2 + 2 + 2 + text.size() + 2 + 5));
    ASSERT_EQ(messages.size(), 5u);
    EXPECT_EQ(messages[0].first, 1);
    EXPECT_EQ(messages[0].second.size(), 70'000u);
    EXPECT_EQ(messages[1].first, 2);
    EXPECT_EQ(messages[2], (std::pair<int, std::vector<std::uint8_t>>{0xa, {'p', '1'}}));
    EXPECT_EQ(std::string(messages[3].second.begin(), messages[3].second.end()), text);
    EXPECT_EQ(messages[4], (std::pair<int, std::vector<std::uint8_t>>{8, {0x03, 0xe9, 'b', 'y', 'e'}}));
}

TEST(ws_frame_writer, a_full_socket_never_gets_half_a_message_unaccounted_for) {
    tcp_pair p;
    int small = 4096;
    ::setsockopt(p.sender, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    ::setsockopt(p.receiver, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    std::vector<std::uint8_t> expected_stream;
    std::size_t sent_bytes = 0, owed = 0;
    std::vector<std::uint8_t> tail;
    ws_frame_writer w;
    for (int round = 0; round < 10'000; ++round) {
        w.clear();
        std::vector<frame_ref> frames;  // the writer points into them until send() returns
        for (int i = 0; i < 8; ++i)
            frames.push_back(frame(300, static_cast<std::uint8_t>(round + i)));
        for (const auto& f : frames)
            ASSERT_TRUE(w.add(f));
        const auto r = w.send(p.sender);
        if (r == ws_frame_writer::result::would_block) {
            w.keep_all();  // the kernel is full and nothing of this batch went out: all owed
            EXPECT_EQ(w.remaining().size(), 8u * (4 + 300));
            break;
        }
        ASSERT_NE(r, ws_frame_writer::result::error);
        const std::size_t batch = 8 * (4 + 300);
        if (r == ws_frame_writer::result::partial) {
            owed = w.remaining().size();
            ASSERT_GT(owed, 0u);
            ASSERT_LT(owed, batch);
            tail = w.remaining();
            sent_bytes += batch - owed;
            break;
        }
        sent_bytes += batch;
    }
    // The receiver gets a prefix of whole messages, then (if the last batch was cut) a prefix of
    // the cut batch whose remainder is exactly what remaining() holds.
    auto stream = p.read_exactly(sent_bytes);
    ASSERT_EQ(stream.size(), sent_bytes);
    stream.insert(stream.end(), tail.begin(), tail.end());
    const auto messages = parse(stream);
    for (const auto& [opcode, payload] : messages) {
        EXPECT_EQ(opcode, 2);
        EXPECT_EQ(payload.size(), 300u);
    }
}

}  // namespace
}  // namespace tolk::server
