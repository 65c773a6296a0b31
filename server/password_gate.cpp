#include "server/password_gate.hpp"

#include "server/auth/password.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tolk::server {

namespace asio = boost::asio;

password_gate::password_gate(int threads, int max_waiting)
    : workers_(static_cast<std::size_t>(threads)), max_waiting_(max_waiting) {}

password_gate::~password_gate() {
    workers_.stop();
    workers_.join();
}

asio::awaitable<std::optional<bool>> password_gate::verify(std::string hash, std::string password) {
    if (waiting_.fetch_add(1, std::memory_order_relaxed) >= max_waiting_) {
        waiting_.fetch_sub(1, std::memory_order_relaxed);
        auth::wipe(password);
        co_return std::nullopt;
    }
    struct release {
        std::atomic<int>& n;
        std::string& secret;
        ~release() {
            n.fetch_sub(1, std::memory_order_relaxed);
            auth::wipe(secret);
        }
    } guard{waiting_, password};
    const bool ok = co_await asio::co_spawn(
        workers_, [&]() -> asio::awaitable<bool> { co_return auth::verify_password(hash, password); },
        asio::use_awaitable);
    co_return ok;
}

}  // namespace tolk::server
