#include "server/ws_frame_writer.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>

namespace tolk::server {

bool ws_frame_writer::add(const frame_ref& frame) {
    if (count_ == max_batch || frame.size > 0xffff || (count_ > 0 && bytes_ + frame.size + 4 > max_batch_bytes))
        return false;
    auto& h = headers_[count_];
    h[0] = 0x82;  // FIN, binary
    std::size_t header = 2;
    if (frame.size < 126) {
        h[1] = static_cast<std::uint8_t>(frame.size);
    } else {
        h[1] = 126;
        h[2] = static_cast<std::uint8_t>(frame.size >> 8);
        h[3] = static_cast<std::uint8_t>(frame.size);
        header = 4;
    }
    iov_[2 * count_] = {h.data(), header};
    iov_[2 * count_ + 1] = {const_cast<std::uint8_t*>(frame.bytes.get()), frame.size};
    bytes_ += header + frame.size;
    ++count_;
    return true;
}

ws_frame_writer::result ws_frame_writer::send(int fd, bool check_unsent) {
    int unsent = 0;
    if (check_unsent && (::ioctl(fd, SIOCOUTQNSD, &unsent) != 0 || unsent != 0))
        return result::would_block;
    msghdr msg{};
    msg.msg_iov = iov_.data();
    msg.msg_iovlen = 2 * count_;
    const ssize_t n = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? result::would_block : result::error;
    if (static_cast<std::size_t>(n) == bytes_)
        return result::sent;
    // Part of the batch went out: keep the rest, byte-exact, for the caller to finish.
    remaining_.clear();
    std::size_t skip = static_cast<std::size_t>(n);
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
    return result::partial;
}

}  // namespace tolk::server
