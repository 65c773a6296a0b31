#include "http_probe.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <stdexcept>

namespace tolk::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

asio::awaitable<void> connect(beast::tcp_stream& stream, const asio::ip::tcp::endpoint& server,
                              const std::string& local_address) {
    stream.socket().open(server.protocol());
    if (!local_address.empty())
        stream.socket().bind({asio::ip::make_address(local_address), 0});
    co_await stream.async_connect(server, asio::use_awaitable);
}

// Runs `work` on a fresh io_context for at most `timeout`.
template <class T, class F>
T run_bounded(F work, std::chrono::seconds timeout) {
    asio::io_context ioc;
    auto result = asio::co_spawn(ioc, work(), asio::use_future);
    ioc.run_for(timeout);
    if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        throw std::runtime_error("http_probe: timed out");
    return result.get();
}

}  // namespace

std::string http_reply::header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

namespace {

template <class Stream>
asio::awaitable<http_reply> exchange(Stream& stream, const asio::ip::tcp::endpoint& server, const http_call& call) {
    http::request<http::string_body> req{http::string_to_verb(call.method), call.target, 11};
    req.set(http::field::host, server.address().to_string() + ":" + std::to_string(server.port()));
    for (const auto& [name, value] : call.headers)
        req.set(name, value);
    req.body() = call.body;
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    http_reply out{static_cast<int>(res.result_int()), res.body(), {}};
    for (const auto& field : res)
        out.headers.emplace(boost::algorithm::to_lower_copy(std::string(field.name_string())), std::string(field.value()));
    co_return out;
}

}  // namespace

http_reply http_request(const asio::ip::tcp::endpoint& server, const http_call& call, std::chrono::seconds timeout) {
    return run_bounded<http_reply>(
        [&]() -> asio::awaitable<http_reply> {
            beast::tcp_stream stream(co_await asio::this_coro::executor);
            co_await connect(stream, server, call.local_address);
            if (call.tls_ca.empty())
                co_return co_await exchange(stream, server, call);
            asio::ssl::context tls(asio::ssl::context::tls_client);
            tls.load_verify_file(call.tls_ca);
            tls.set_verify_mode(asio::ssl::verify_peer);
            beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), tls);
            co_await secure.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
            co_return co_await exchange(secure, server, call);
        },
        timeout);
}

ws_outcome ws_try(const asio::ip::tcp::endpoint& server, const std::string& target, const header_list& headers,
                  const std::string& local_address, const std::string& first_message, std::chrono::seconds timeout) {
    return run_bounded<ws_outcome>(
        [&]() -> asio::awaitable<ws_outcome> {
            websocket::stream<beast::tcp_stream> ws(co_await asio::this_coro::executor);
            co_await connect(beast::get_lowest_layer(ws), server, local_address);
            ws.set_option(websocket::stream_base::decorator([&headers](websocket::request_type& req) {
                for (const auto& [name, value] : headers)
                    req.set(name, value);
            }));
            websocket::response_type response;
            auto [hec] = co_await ws.async_handshake(response, server.address().to_string() + ":" + std::to_string(server.port()),
                                                     target, asio::as_tuple(asio::use_awaitable));
            if (hec == websocket::error::upgrade_declined) {  // refused before the upgrade (403 …)
                ws_outcome declined;
                declined.http_status = response.result_int();
                declined.close_reason = response.body();
                co_return declined;
            }
            if (hec)
                throw boost::system::system_error(hec);
            if (!first_message.empty()) {
                ws.text(true);
                co_await ws.async_write(asio::buffer(first_message), asio::use_awaitable);
            }
            ws_outcome out;
            for (;;) {  // an error message (a refused booth says why) comes before the close
                beast::flat_buffer buffer;
                auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
                if (ec)
                    break;
                const std::string text = beast::buffers_to_string(buffer.data());
                if (text.find("\"type\":\"error\"") != std::string::npos)
                    continue;
                out.admitted = true;
                out.first_text = text;
                co_await ws.async_close(websocket::close_code::normal, asio::as_tuple(asio::use_awaitable));
                co_return out;
            }
            out.close_code = ws.reason().code;
            out.close_reason = std::string(ws.reason().reason.c_str());
            co_return out;
        },
        timeout);
}

}  // namespace tolk::test
