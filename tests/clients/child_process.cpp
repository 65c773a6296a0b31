#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace tolk::test {
namespace {

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

bool on_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path ? path : "";
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        if (!dir.empty() && ::access((dir + "/" + std::string(name)).c_str(), X_OK) == 0)
            return true;
        rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    }
    return false;
}

child_process::child_process(std::vector<std::string> argv, capture pipes) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    if (pipes.out && ::pipe2(out_pipe, O_CLOEXEC) == 0)
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    if (pipes.err && ::pipe2(err_pipe, O_CLOEXEC) == 0)
        posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    std::vector<char*> args;
    for (auto& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    const int error = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    for (int end : {out_pipe[1], err_pipe[1]})
        if (end >= 0)
            ::close(end);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    if (error != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(error));
    }
}

child_process::~child_process() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    for (int f : {out_fd_, err_fd_})
        if (f >= 0)
            ::close(f);
}

void child_process::signal(int number) {
    if (pid_ > 0 && !status_)
        ::kill(pid_, number);
}

bool child_process::read_some(stream which, clock::time_point deadline) {
    const int f = fd(which);
    if (f < 0)
        return false;
    pollfd p{f, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready <= 0)
        return false;
    char chunk[4096];
    const ssize_t n = ::read(f, chunk, sizeof chunk);
    if (n <= 0)
        return false;
    buffer(which).append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<std::string> child_process::wait_for_line(stream which, std::string_view needle,
                                                        std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    std::size_t& scanned = which == stream::out ? out_scanned_ : err_scanned_;
    for (;;) {
        const std::string& text = buffer(which);
        for (auto newline = text.find('\n', scanned); newline != std::string::npos;
             newline = text.find('\n', scanned)) {
            std::string line = text.substr(scanned, newline - scanned);
            scanned = newline + 1;
            if (line.find(needle) != std::string::npos)
                return line;
        }
        if (!read_some(which, deadline))
            return std::nullopt;
    }
}

std::string child_process::read_all(stream which, std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (read_some(which, deadline)) {
    }
    return buffer(which);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    if (status_ || pid_ <= 0)
        return status_;
    const auto deadline = clock::now() + timeout;
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            status_ = decode_status(status);
            break;
        }
        if (done < 0 || clock::now() >= deadline)
            break;
        if (pidfd >= 0) {  // wakes when the child exits
            pollfd p{pidfd, POLLIN, 0};
            ::poll(&p, 1, remaining_ms(deadline));
        } else {  // kernels before 5.3: a short bounded poll
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (pidfd >= 0)
        ::close(pidfd);
    return status_;
}

}  // namespace tolk::test
