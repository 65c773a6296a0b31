#pragma once
// A WebSocket client for server tests: connects on its own strand of a shared client
// io_context, records every message it reads (with its receipt time), and writes what the
// test sends, one write at a time. All waits are bounded.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tolk::test {

struct received {
    bool text = false;
    std::string data;
    std::int64_t at_us = 0;  // steady clock, as the server's now_us()
};

class test_client : public std::enable_shared_from_this<test_client> {
public:
    struct options {
        bool read = true;         // false: never read (a stalled listener)
        int receive_buffer = 0;   // SO_RCVBUF before connecting; 0: default
        std::string local_address;  // bind to this before connecting ("127.0.0.2": another machine)
        std::string bearer;         // sent as `Authorization: Bearer ...` in the handshake
    };

    // Connects and handshakes; throws if that fails within the timeout.
    static std::shared_ptr<test_client> connect(boost::asio::io_context& ioc,
                                                const boost::asio::ip::tcp::endpoint& server,
                                                const std::string& target, options opts);
    static std::shared_ptr<test_client> connect(boost::asio::io_context& ioc,
                                                const boost::asio::ip::tcp::endpoint& server,
                                                const std::string& target) {
        return connect(ioc, server, target, options{});
    }

    void send_text(std::string text);
    void send_binary(std::vector<std::uint8_t> bytes);
    // A WebSocket-level ping (not tolk's JSON ping); pongs() counts the answers.
    void send_ping(std::string payload);
    std::size_t pongs() const;
    // Waits (bounded) until at least n pongs have arrived; returns whether they did.
    bool wait_pongs(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Sends each frame at start + i * interval (a real-time source); resolves when all are sent.
    std::future<void> stream(std::vector<std::vector<std::uint8_t>> frames,
                             std::chrono::microseconds interval);
    void close();

    // Waits (bounded) until `done` holds for the messages so far; returns whether it did.
    bool wait_for(const std::function<bool(const std::vector<received>&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The same, but gives up as soon as the connection ends.
    bool wait_for_or_end(const std::function<bool(const std::vector<received>&)>& done,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Waits (bounded) for the connection to end; returns the close code (0 if none was sent).
    std::optional<std::uint16_t> wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    std::string close_reason() const;

    std::vector<received> messages() const;
    // Texts of type `type` ("on_air", ...) received so far.
    std::vector<std::string> texts_of(const std::string& type) const { return of_type(messages(), type); }
    // The same over a snapshot (use this inside wait_for predicates: they run under the lock).
    static std::vector<std::string> of_type(const std::vector<received>& messages, const std::string& type);

    explicit test_client(boost::asio::io_context& ioc);

private:
    void start_reading();
    void pump();

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    enum class out_kind { text, binary, ping };
    std::deque<std::pair<out_kind, std::string>> out_;  // on the strand
    bool writing_ = false;                          // on the strand

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<received> messages_;
    std::size_t pongs_ = 0;
    bool ended_ = false;
    std::uint16_t close_code_ = 0;
    std::string close_reason_;
};

}  // namespace tolk::test
