#pragma once
// Server-to-client WebSocket frames written straight to a plain TCP socket. Server frames are
// unmasked, so a message is a 2- to 10-byte header in front of the very bytes the hub (or the
// caller) holds: queued frames go out in one non-blocking sendmsg (headers and payloads as
// iovecs, no copy), skipping Beast's composed write, its completion handler and a coroutine
// round trip per frame.
//
// Used only by listener_writer, the one writer of a plain-TCP listener's socket, so no other
// write can be part-way when a batch is sent. What the kernel does not take now is returned
// (remaining()) so the caller can finish exactly those bytes before anything else is written.
// Not thread-safe: one per thread, filled and sent without a suspension in between.

#include "server/frame_ref.hpp"

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tolk::server {

class ws_frame_writer {
public:
    static constexpr std::size_t max_batch = 32;          // frames per sendmsg
    static constexpr std::size_t max_batch_bytes = 16384; // well under one segment on loopback

    enum class opcode : std::uint8_t { text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xa };

    // A frame appended to the current batch; false when it is full (a first frame always fits).
    // The writer points into the payload: it must stay alive until send() has returned.
    bool add(const frame_ref& frame) { return add(opcode::binary, {frame.bytes.get(), frame.size}); }
    bool add(opcode op, std::span<const std::uint8_t> payload);
    bool add(opcode op, std::string_view payload) {
        return add(op, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
    }
    // Bytes as they are, without a WebSocket header (listener_writer's bytes mode: an HTTP body).
    bool add_bytes(std::span<const std::uint8_t> payload);
    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    void clear() { count_ = 0; bytes_ = 0; }

    enum class result { sent, would_block, partial, error };
    // One attempt on the socket; on `partial`, remaining() holds the bytes still owed.
    result send(int fd);
    // After `would_block`: the whole batch, as bytes owed (copied out of the payloads).
    void keep_all();
    const std::vector<std::uint8_t>& remaining() const { return remaining_; }

private:
    bool fits(std::size_t size) const {
        return count_ < max_batch && (count_ == 0 || bytes_ + size + 10 <= max_batch_bytes);
    }
    void append(std::size_t header, std::span<const std::uint8_t> payload);
    void keep_from(std::size_t skip);

    std::array<std::array<std::uint8_t, 10>, max_batch> headers_{};
    std::array<iovec, 2 * max_batch> iov_{};
    std::size_t count_ = 0;
    std::size_t bytes_ = 0;
    std::vector<std::uint8_t> remaining_;
};

}  // namespace tolk::server
