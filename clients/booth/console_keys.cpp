#include "clients/booth/console_keys.hpp"

#include <boost/asio/post.hpp>

#include <poll.h>
#include <unistd.h>

namespace tolk::booth {

console_keys::console_keys(boost::asio::any_io_executor executor, std::function<void(char)> on_key)
    : executor_(std::move(executor)), on_key_(std::move(on_key)) {
    if (!::isatty(STDIN_FILENO))
        return;
    termios attributes{};
    if (::tcgetattr(STDIN_FILENO, &attributes) != 0)
        return;
    saved_ = attributes;
    termios raw = attributes;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    active_ = true;
    thread_ = std::thread([this] { read_loop(); });
}

console_keys::~console_keys() {
    stop_ = true;
    if (thread_.joinable())
        thread_.join();
    if (saved_)
        ::tcsetattr(STDIN_FILENO, TCSANOW, &*saved_);
}

void console_keys::read_loop() {
    while (!stop_) {
        pollfd p{STDIN_FILENO, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)  // wakes ten times a second to see whether to stop
            continue;
        char c = 0;
        if (::read(STDIN_FILENO, &c, 1) != 1)
            return;
        boost::asio::post(executor_, [this, c] { on_key_(c); });
    }
}

}  // namespace tolk::booth
