#include "server/io_pool.hpp"

#include <algorithm>

namespace tolk::server {

namespace {
// Which pool and shard the calling thread runs (set once per pool thread).
thread_local const io_pool* this_pool = nullptr;
thread_local std::size_t this_shard = io_pool::none;
}  // namespace

io_pool::io_pool(std::size_t threads) {
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
        shards_.push_back(std::make_unique<shard_state>());
}

io_pool::~io_pool() {
    stop();
    join();
}

std::size_t io_pool::current() const { return this_pool == this ? this_shard : none; }

std::size_t io_pool::index_of(const boost::asio::any_io_executor& executor) const {
    const auto& context = boost::asio::query(executor, boost::asio::execution::context);
    for (std::size_t i = 0; i < shards_.size(); ++i)
        if (&shards_[i]->ioc == &context)
            return i;
    return none;
}

void io_pool::start() {
    for (std::size_t i = 0; i < shards_.size(); ++i)
        threads_.emplace_back([this, i] {
            this_pool = this;
            this_shard = i;
            shards_[i]->ioc.run();
        });
}

void io_pool::stop() {
    for (auto& s : shards_) {
        s->work.reset();
        s->ioc.stop();
    }
}

void io_pool::join() {
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
    threads_.clear();
}

}  // namespace tolk::server
