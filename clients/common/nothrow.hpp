#pragma once
// The completion token the clients' coroutines await with: errors come back as values in a tuple
// (`auto [ec, n] = co_await ...`), never as exceptions.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tolk::client {

inline constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace tolk::client
