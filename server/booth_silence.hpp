#pragma once
// Opus packets of digital silence, for the cough key (booth_desks' frame_plan::silence): the
// booth's frame is replaced by silence of the same length, so listeners keep their timing and
// the channel stays on air. Encoded once per frame length (libopus, 48 kHz mono) and cached.
// Thread-safe.

#include <cstdint>
#include <memory>
#include <vector>

namespace tolk::server {

// Silence lasting `samples` at 48 kHz, or null when no single Opus frame has that length
// (10, 20 and 40 ms frames: what tolk-booth and the console send).
std::shared_ptr<const std::vector<std::uint8_t>> silent_opus(int samples);

}  // namespace tolk::server
