#pragma once
// GET /api/nodes from a tolk node (plain HTTP, the same host and port as its ws:// URL),
// bounded by a timeout; nothing on any failure (a node that is gone, a single-node server that
// answers an empty list is still an answer).

#include "clients/common/ws_url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

namespace tolk::listen {

boost::asio::awaitable<std::optional<nlohmann::json>> fetch_nodes(boost::asio::any_io_executor executor,
                                                                  client::ws_url node,
                                                                  std::chrono::milliseconds timeout);

}  // namespace tolk::listen
