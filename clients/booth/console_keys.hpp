#pragma once
// The terminal as a booth console's keys: puts a terminal on stdin into raw mode (no echo, one
// key at a time), reads keys on its own thread and hands each to `on_key` on the io_context
// (asio::post). Restores the terminal when destroyed. Does nothing when stdin is no terminal.

#include <boost/asio/any_io_executor.hpp>

#include <termios.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>

namespace tolk::booth {

class console_keys {
public:
    console_keys(boost::asio::any_io_executor executor, std::function<void(char)> on_key);
    ~console_keys();
    console_keys(const console_keys&) = delete;
    console_keys& operator=(const console_keys&) = delete;

    bool active() const { return active_; }

private:
    void read_loop();

    boost::asio::any_io_executor executor_;
    std::function<void(char)> on_key_;
    std::atomic<bool> stop_{false};
    bool active_ = false;
    std::optional<termios> saved_;  // the terminal's settings before raw mode
    std::thread thread_;
};

}  // namespace tolk::booth
