#pragma once
// The server's I/O threads: one io_context per thread ("shard"). A connection is placed on one
// shard when it is accepted and stays there, so all of its handlers run on one thread and need
// no strand; the hub hands each audio frame to each shard once, and that shard writes it to its
// own listeners in one handler (see local_hub::publish).
//
// Ownership: owns the io_contexts and their threads. Everything that posts to a shard (the
// server, its sessions) must be destroyed after join() or before the pool.
// Thread-safety: context(), size(), current() from any thread; start/stop/join from one.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

namespace tolk::server {

class io_pool {
public:
    static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

    explicit io_pool(std::size_t threads);
    ~io_pool();
    io_pool(const io_pool&) = delete;
    io_pool& operator=(const io_pool&) = delete;

    std::size_t size() const { return shards_.size(); }
    boost::asio::io_context& context(std::size_t shard) { return shards_[shard]->ioc; }
    // The shard whose thread is calling, or `none` (not one of this pool's threads).
    std::size_t current() const;
    // The shard whose io_context runs `executor`, or `none`.
    std::size_t index_of(const boost::asio::any_io_executor& executor) const;
    // The shard the next accepted connection goes to (round robin).
    std::size_t next() { return next_.fetch_add(1, std::memory_order_relaxed) % shards_.size(); }

    // Runs every shard on its own thread until stop(); idle shards keep running.
    void start();
    // Stops every shard's loop now (handlers not yet run are dropped); any thread.
    void stop();
    void join();

private:
    struct shard_state {
        boost::asio::io_context ioc{1};
        boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{ioc.get_executor()};
    };
    std::vector<std::unique_ptr<shard_state>> shards_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace tolk::server
