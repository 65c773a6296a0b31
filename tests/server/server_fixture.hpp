#pragma once
// Starts an in-process tolk server on 127.0.0.1:0 with two I/O threads, plus a client
// io_context thread for test clients; stops both in TearDown (bounded).

#include "server/server.hpp"
#include "test_client.hpp"

#include "codec/opus_decoder.hpp"
#include "codec/opus_encoder.hpp"
#include "protocol/audio_frame.hpp"
#include "protocol/control_message.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>

#include <memory>
#include <thread>

namespace tolk::test {

class server_fixture : public ::testing::Test {
protected:
    static server::server_config test_config();
    void start(server::server_config config = test_config());
    void TearDown() override;

    std::shared_ptr<test_client> connect(const std::string& target, test_client::options o = {}) {
        return test_client::connect(client_ioc_, endpoint_, target, o);
    }
    // A listener on /ws/listen?channels=IDS that has been told what it now hears (so audio
    // published after this returns reaches it).
    std::shared_ptr<test_client> listen(const std::string& ids) {
        auto c = connect("/ws/listen?channels=" + ids);
        if (!c->wait_for([](auto& m) { return !test_client::of_type(m, "subscribed").empty(); }))
            throw std::runtime_error("listener was not subscribed within the timeout");
        return c;
    }
    // GET over HTTP/1.1; returns {status, body}.
    std::pair<int, std::string> http_get(const std::string& target);

    server::io_pool server_pool_{2};
    std::unique_ptr<server::server> server_;
    boost::asio::ip::tcp::endpoint endpoint_;

    boost::asio::io_context client_ioc_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> client_work_{
        client_ioc_.get_executor()};
    std::thread client_thread_;
};

// 20 ms booth frames of `signal` (48 kHz mono), Opus at `bitrate`, sequence from `first_seq`.
std::vector<std::vector<std::uint8_t>> make_frames(const std::vector<float>& signal, int bitrate,
                                                   std::uint32_t first_seq = 0);

// The audio of one channel as a listener heard it: frames in order, decoded, gaps concealed.
struct heard_audio {
    std::vector<float> pcm;
    std::size_t frames = 0;
    std::size_t missing = 0;
    std::size_t discontinuities = 0;
    std::vector<std::int64_t> delivery_us;  // receipt - ingress, per frame
};
heard_audio decode_heard(const std::vector<received>& messages, std::uint16_t channel);

// Number of binary frames of `channel` among the messages.
std::size_t count_frames(const std::vector<received>& messages, std::uint16_t channel);

// Whether `listener` was told that `channel` went off air.
bool heard_off_air(const test_client& listener, const std::string& channel);

// The value of an unlabelled metric in a /metrics text, or -1 if it is not there.
double metric_value(const std::string& metrics, const std::string& name);

}  // namespace tolk::test
