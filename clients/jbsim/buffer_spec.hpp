#pragma once
// Which playout buffer a tolk-jbsim run uses, from its --jb argument:
//   tolk[:QUANTILE]   tolk's adaptive jitter buffer, `listener` profile (knob: the in-time
//                     quantile, e.g. 0.97)
//   listener|return|monitor[:QUANTILE]  tolk's buffer with that playout profile
//   speex[:MARGIN_MS] speexdsp's jitter buffer as Mumble drives it (knob: the margin)
//   fixed:MS          the fixed-delay buffer

#include "codec/playout_buffer.hpp"

#include <memory>
#include <string>

namespace tolk::jbsim {

// Throws std::invalid_argument for an unknown or malformed spec.
std::unique_ptr<codec::playout_buffer> make_buffer(const std::string& spec);

}  // namespace tolk::jbsim
