#pragma once
// The fast path of a listener's writer on plain TCP: server-to-client WebSocket frames are
// unmasked, so a binary message is a 2- or 4-byte header in front of the very bytes the hub
// shares. Queued audio frames go out in one non-blocking sendmsg (header and payload as iovecs,
// no copy), skipping Beast's composed write, its completion handler and a coroutine round
// trip per frame.
//
// Safety with Beast, which still owns the connection: a raw send is attempted only when no
// write of Beast's or ours can be part-way: either the kernel holds no unsent bytes of this
// socket (SIOCOUTQNSD == 0), or the caller knows so (see ws_session::deliver_audio). What the
// kernel does not take now (rare: a partial batch) is returned so the caller can finish exactly
// those bytes before anything else is written. Owned by one ws_session; used on its strand only.

#include "server/frame_ref.hpp"

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tolk::server {

class ws_frame_writer {
public:
    static constexpr std::size_t max_batch = 32;          // frames per sendmsg
    static constexpr std::size_t max_batch_bytes = 16384; // well under one segment on loopback

    // Frames appended to the current batch; false when it is full. The writer points into the
    // frames' bytes: they must stay alive until send() has returned.
    bool add(const frame_ref& frame);
    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    void clear() { count_ = 0; bytes_ = 0; }

    enum class result { sent, would_block, partial, error };
    // One attempt on the socket; on `partial`, remaining() holds the bytes still owed.
    // check_unsent: first make sure the kernel holds no unsent byte of the socket (one ioctl);
    // the caller may skip it only when it knows no other write can be part-way.
    result send(int fd, bool check_unsent = true);
    const std::vector<std::uint8_t>& remaining() const { return remaining_; }

private:
    std::array<std::array<std::uint8_t, 4>, max_batch> headers_{};
    std::array<iovec, 2 * max_batch> iov_{};
    std::size_t count_ = 0;
    std::size_t bytes_ = 0;
    std::vector<std::uint8_t> remaining_;
};

}  // namespace tolk::server
