#include "server/icecast/stream_listener.hpp"
#include "server/as_tuple.hpp"

#include "server/event_bus.hpp"
#include "server/icecast/channel_pages.hpp"
#include "server/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tolk::server::icecast {

namespace asio = boost::asio;
namespace beast = boost::beast;

stream_listener::stream_listener(any_stream&& stream, connection_slot slot, server_context& ctx,
                                 std::uint16_t channel, std::string head, codec::ogg_opus_tags tags)
    : stream_(std::move(stream)),
      executor_(std::visit([](auto& s) { return beast::get_lowest_layer(s).get_executor(); }, stream_)),
      slot_(std::move(slot)),
      ctx_(ctx),
      log_(log("icecast")),
      channel_(channel),
      head_(std::move(head)),
      tags_(std::move(tags)),
      writer_(stream_, ctx, log_, ctx.bus.channel_count()) {}

stream_listener::~stream_listener() {
    if (id_ != 0)
        ctx_.sessions.remove(id_);
}

beast::tcp_stream& stream_listener::tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream_);
}

void stream_listener::start() {
    id_ = ctx_.sessions.add(weak_from_this());
    ++ctx_.counters.stream_listeners;
    if (const int bytes = ctx_.config.limits.listener_send_buffer; bytes > 0) {
        boost::system::error_code ec;
        tcp().socket().set_option(asio::socket_base::send_buffer_size(bytes), ec);
    }
    tcp().expires_never();
    writer_.text(std::make_shared<const std::string>(std::move(head_)));  // first, before any audio
    writer_.open(shared_from_this(), id_, [this] { teardown(); });  // the writer holds us while it runs
    ctx_.bus.subscribe(channel_, shared_from_this());
    log_->info("HTTP listener {} on channel {}", id_, ctx_.bus.channel_id(channel_));
    asio::co_spawn(executor_, [self = shared_from_this()] { return self->read_loop(); },
                   log_exception(log_, "HTTP listener reader"));
}

void stream_listener::deliver(const frame_ref& frame) {
    if (done_ || !ctx_.ogg_pages)
        return;
    const auto page = ctx_.ogg_pages->page_for(frame);
    if (!page) {
        ctx_.counters.frames_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (page->stream != stream_no_)
        enter_stream(*page);
    writer_.deliver(page->page);
}

void stream_listener::enter_stream(const ogg_stream_page& page) {
    std::string bytes;
    if (stream_no_ != 0 && page.stream == stream_no_ + 1 && page.ended)
        bytes = *page.ended;  // the stream it was in ends; a player that missed it sees a new BOS
    bytes += stream_headers(page, tags_);
    stream_no_ = page.stream;
    writer_.text(std::make_shared<const std::string>(std::move(bytes)));
}

void stream_listener::request_close(std::uint16_t, std::string) {
    asio::post(executor_, [self = shared_from_this()] { self->teardown(); });
}

// Players send nothing after their request: this only notices them going away.
asio::awaitable<void> stream_listener::read_loop() {
    char sink[512];
    for (;;) {
        auto [ec, n] = co_await std::visit(
            [&](auto& s) { return s.async_read_some(asio::buffer(sink), as_tuple); }, stream_);
        if (ec)
            break;
    }
    teardown();
}

void stream_listener::teardown() {
    if (done_)
        return;
    done_ = true;
    ctx_.bus.unsubscribe(channel_, this);
    writer_.stop();
    boost::system::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
    log_->info("HTTP listener {} on channel {} left", id_, ctx_.bus.channel_id(channel_));
}

}  // namespace tolk::server::icecast
