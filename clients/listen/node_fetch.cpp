#include "clients/listen/node_fetch.hpp"
#include "clients/common/nothrow.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace tolk::listen {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<std::optional<nlohmann::json>> fetch_nodes(asio::any_io_executor executor, client::ws_url node,
                                                           std::chrono::milliseconds timeout) {
    using client::nothrow;
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    asio::ip::tcp::resolver resolver(executor);
    auto [resolve_error, endpoints] = co_await resolver.async_resolve(node.host, std::to_string(node.port), nothrow);
    if (resolve_error)
        co_return std::nullopt;
    auto [connect_error, endpoint] = co_await stream.async_connect(endpoints, nothrow);
    if (connect_error)
        co_return std::nullopt;
    http::request<http::empty_body> req{http::verb::get, node.endpoint("/api/nodes"), 11};
    req.set(http::field::host, node.authority());
    req.set(http::field::user_agent, "tolk-listen/0.1");
    auto [write_error, written] = co_await http::async_write(stream, req, nothrow);
    if (write_error)
        co_return std::nullopt;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024);
    auto [read_error, read] = co_await http::async_read(stream, buffer, parser, nothrow);
    if (read_error || parser.get().result() != http::status::ok)
        co_return std::nullopt;
    auto answer = nlohmann::json::parse(parser.get().body(), nullptr, false);
    if (answer.is_discarded())
        co_return std::nullopt;
    co_return answer;
}

}  // namespace tolk::listen
