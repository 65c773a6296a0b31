#pragma once
// The completion token every coroutine in the server awaits with: errors come back as values in
// a tuple (`auto [ec, n] = co_await ...`) instead of as exceptions.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tolk::server {

inline constexpr auto as_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace tolk::server
