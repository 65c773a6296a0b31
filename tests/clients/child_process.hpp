#pragma once
// Test support: a child process that cannot outlive the test.  Spawned with posix_spawn,
// optionally with its stdout/stderr on pipes; every wait is bounded (poll on the pipe or on a
// pidfd), and the destructor kills (SIGKILL) and reaps a child that is still running, so a
// failing assertion leaves no processes behind.  One thread.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace tolk::test {

// Which of a child's streams go to pipes the test reads.
struct capture_streams {
    bool out = false;
    bool err = false;
};

class child_process {
public:
    enum class stream { out, err };
    using capture = capture_streams;

    // argv[0] is a path, or a name looked up on PATH.  Throws std::runtime_error.
    explicit child_process(std::vector<std::string> argv, capture pipes = {});
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // The first line on `which` containing `needle`, read within `timeout`; nothing on
    // timeout or end of stream.  Lines read on the way are kept in output().
    std::optional<std::string> wait_for_line(stream which, std::string_view needle,
                                             std::chrono::milliseconds timeout);
    // Everything until end of stream (or the timeout).
    std::string read_all(stream which, std::chrono::milliseconds timeout);
    const std::string& output(stream which) const { return buffer(which); }

    // The exit status (or 128 + signal), or nothing if it is still running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    void signal(int number);
    pid_t pid() const { return pid_; }

private:
    int& fd(stream which) { return which == stream::out ? out_fd_ : err_fd_; }
    std::string& buffer(stream which) { return which == stream::out ? out_ : err_; }
    const std::string& buffer(stream which) const { return which == stream::out ? out_ : err_; }
    // Reads what is available within `timeout`; false at end of stream or timeout.
    bool read_some(stream which, std::chrono::steady_clock::time_point deadline);

    pid_t pid_ = -1;
    std::optional<int> status_;
    int out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    std::size_t out_scanned_ = 0, err_scanned_ = 0;
};

// True when `name` is an executable on PATH.
bool on_path(std::string_view name);

}  // namespace tolk::test
