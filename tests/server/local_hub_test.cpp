// The hub's fan-out bookkeeping on its own: who hears a published frame after subscribes,
// unsubscribes and listeners that vanished, across two I/O shards.

#include "server/io_pool.hpp"
#include "server/local_hub.hpp"

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

namespace tolk::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Counts the frames the hub hands it; checks they arrive on its own shard.
class counting_listener final : public server::listener_link {
public:
    counting_listener(server::io_pool& pool, std::size_t shard) : pool_(pool), shard_(shard) {}
    asio::any_io_executor executor() const override { return pool_.context(shard_).get_executor(); }
    void deliver(const server::frame_ref&) override {
        if (pool_.current() != shard_)
            ++wrong_thread;
        ++frames;
    }
    void notify(std::shared_ptr<const std::string>) override {}
    std::optional<protocol::listener_stats> last_stats() const override { return std::nullopt; }

    std::atomic<int> frames{0};
    std::atomic<int> wrong_thread{0};

private:
    server::io_pool& pool_;
    std::size_t shard_;
};

class local_hub_test : public ::testing::Test {
protected:
    void SetUp() override { pool_.start(); }
    void TearDown() override {
        pool_.stop();
        pool_.join();
    }

    // Runs f on shard s and waits for it (bounded).
    template <class F>
    void on_shard(std::size_t s, F f) {
        auto done = asio::post(pool_.context(s), asio::use_future(std::move(f)));
        ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
    }
    // Publishes one frame of `channel` from shard 0 (as a booth there would) and waits until
    // every shard has handled what that posted.
    void publish(std::uint16_t channel) {
        server::frame_ref frame;
        frame.bytes = std::shared_ptr<const std::uint8_t[]>(new std::uint8_t[4]{});
        frame.size = 4;
        frame.samples = 960;
        frame.channel = channel;
        on_shard(0, [&] { hub_.publish(frame); });
        for (std::size_t s = 0; s < pool_.size(); ++s)
            on_shard(s, [] {});  // posted after the frame: runs after it
    }
    std::shared_ptr<counting_listener> listener(std::size_t shard) {
        return std::make_shared<counting_listener>(pool_, shard);
    }
    void subscribe(const std::shared_ptr<counting_listener>& l, std::size_t shard, std::uint16_t channel) {
        on_shard(shard, [&] { hub_.subscribe(channel, l); });
    }
    void unsubscribe(const std::shared_ptr<counting_listener>& l, std::size_t shard, std::uint16_t channel) {
        on_shard(shard, [&] { hub_.unsubscribe(channel, l.get()); });
    }
    std::uint32_t listeners_on(std::uint16_t channel) { return hub_.channels().channels[channel].listeners; }

    server::io_pool pool_{2};
    server::metrics counters_;
    server::server_config config_ = server::demo_config();
    server::local_hub hub_{pool_, counters_, config_};
};

TEST_F(local_hub_test, each_subscriber_gets_each_frame_once_on_its_own_shard) {
    auto a = listener(0), b = listener(1), c = listener(1), other = listener(0);
    subscribe(a, 0, 1);
    subscribe(b, 1, 1);
    subscribe(c, 1, 1);
    subscribe(c, 1, 1);  // twice: still once
    subscribe(other, 0, 2);
    EXPECT_EQ(listeners_on(1), 3u);

    publish(1);
    publish(1);
    EXPECT_EQ(a->frames.load(), 2);
    EXPECT_EQ(b->frames.load(), 2);
    EXPECT_EQ(c->frames.load(), 2);
    EXPECT_EQ(other->frames.load(), 0) << "a frame reached a listener of another channel";
    EXPECT_EQ(a->wrong_thread.load() + b->wrong_thread.load() + c->wrong_thread.load(), 0);
    EXPECT_EQ(counters_.frames_out.load(), 0u) << "the hub counts nothing: the listener's writer does";
}

TEST_F(local_hub_test, unsubscribed_and_vanished_listeners_hear_nothing_more) {
    std::vector<std::shared_ptr<counting_listener>> on0, on1;
    for (int i = 0; i < 50; ++i) {
        on0.push_back(listener(0));
        subscribe(on0.back(), 0, 3);
        on1.push_back(listener(1));
        subscribe(on1.back(), 1, 3);
    }
    publish(3);
    // Leave from the middle, the front and the back of the lists.
    for (int i : {25, 0, 49}) {
        unsubscribe(on0[static_cast<std::size_t>(i)], 0, 3);
        unsubscribe(on1[static_cast<std::size_t>(i)], 1, 3);
    }
    unsubscribe(on0[25], 0, 3);  // again: nothing happens
    // One listener vanishes without unsubscribing (its session died): forgotten, not called.
    std::weak_ptr<counting_listener> gone = on1[10];
    on1[10].reset();
    EXPECT_TRUE(gone.expired());
    publish(3);
    EXPECT_EQ(listeners_on(3), 94u);  // 100 - 6; the vanished one counts until it is noticed

    for (int i = 0; i < 50; ++i) {
        const int expected = (i == 25 || i == 0 || i == 49) ? 1 : 2;
        EXPECT_EQ(on0[static_cast<std::size_t>(i)]->frames.load(), expected) << "shard 0 listener " << i;
        if (on1[static_cast<std::size_t>(i)]) {
            EXPECT_EQ(on1[static_cast<std::size_t>(i)]->frames.load(), expected) << "shard 1 listener " << i;
        }
    }
    // Joining again after leaving works, and the lists stayed consistent.
    subscribe(on0[25], 0, 3);
    publish(3);
    EXPECT_EQ(on0[25]->frames.load(), 2);
    EXPECT_EQ(on0[1]->frames.load(), 3);
}

}  // namespace
}  // namespace tolk::test
