#pragma once
// One Ogg/Opus source of tolk-icecast-load: connects to Icecast (or tolk-server's /ingest/ID)
// with the SOURCE method and sends 20 ms Opus packets of a tone at options.bitrate, one Ogg page
// per packet (the lowest-latency framing Ogg allows), paced by a steady timer.  Packet k
// carries k in its padding (ogg_pages.hpp, packet tag); the source stores the time it wrote
// page k into the mount's clock for the listeners (icecast_fleet.hpp) to read.
//
// Threading: a coroutine on one executor; the mount clock's entries are atomics.  Throws
// std::runtime_error when Icecast refuses it or a write fails.

#include "tests/bench/tools/icecast_fleet.hpp"
#include "tests/bench/tools/icecast_load.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstddef>

namespace tolk::bench::icecast {

boost::asio::awaitable<void> run_source(const icecast_options& options, std::size_t mount, double tone_hz,
                                        mount_clock& clock, const std::atomic<bool>& stopping);

}  // namespace tolk::bench::icecast
