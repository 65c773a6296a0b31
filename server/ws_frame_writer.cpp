#include "server/ws_frame_writer.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace tolk::server {

bool ws_frame_writer::add(opcode op, std::span<const std::uint8_t> payload) {
    const std::size_t size = payload.size();
    if (!fits(size))
        return false;
    auto& h = headers_[count_];
    h[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));  // FIN
    std::size_t header = 2;
    if (size < 126) {
        h[1] = static_cast<std::uint8_t>(size);
    } else if (size <= 0xffff) {
        h[1] = 126;
        h[2] = static_cast<std::uint8_t>(size >> 8);
        h[3] = static_cast<std::uint8_t>(size);
        header = 4;
    } else {
        h[1] = 127;
        for (int i = 0; i < 8; ++i)
            h[2 + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(size) >> (56 - 8 * i));
        header = 10;
    }
    append(header, payload);
    return true;
}

bool ws_frame_writer::add_bytes(std::span<const std::uint8_t> payload) {
    if (!fits(payload.size()))
        return false;
    append(0, payload);
    return true;
}

void ws_frame_writer::append(std::size_t header, std::span<const std::uint8_t> payload) {
    iov_[2 * count_] = {headers_[count_].data(), header};
    iov_[2 * count_ + 1] = {const_cast<std::uint8_t*>(payload.data()), payload.size()};
    bytes_ += header + payload.size();
    ++count_;
}

ws_frame_writer::result ws_frame_writer::send(int fd) {
    msghdr msg{};
    msg.msg_iov = iov_.data();
    msg.msg_iovlen = 2 * count_;
    const ssize_t n = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? result::would_block : result::error;
    if (static_cast<std::size_t>(n) == bytes_)
        return result::sent;
    keep_from(static_cast<std::size_t>(n));  // part of the batch went out: the rest, byte-exact
    return result::partial;
}

void ws_frame_writer::keep_all() {
    keep_from(0);
}

void ws_frame_writer::keep_from(std::size_t skip) {
    remaining_.clear();
    for (std::size_t i = 0; i < 2 * count_; ++i) {
        const auto* base = static_cast<const std::uint8_t*>(iov_[i].iov_base);
        const std::size_t len = iov_[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        remaining_.insert(remaining_.end(), base + skip, base + len);
        skip = 0;
    }
}

}  // namespace tolk::server
