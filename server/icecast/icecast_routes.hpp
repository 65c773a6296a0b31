#pragma once
// Where http_session hands the Icecast side of the server, after reading a request's header
// only (a source's body streams until it closes, so it is never read as a request body):
//
//   PUT|SOURCE /ingest/ID, /ID.ogg, /ID.opus   an encoder publishes channel ID (source_session)
//   GET|HEAD /stream/ID.ogg, /stream/ID.opus     a media player listens (stream_listener)
//   GET|HEAD /stream/ID.m3u                      a playlist naming the stream's URL
//
// Listeners of a private event present what the phone app does (?token=, a bearer token, the
// login cookie or ?passcode=; access_control::listener); the playlist passes the query on.

#include "server/server_context.hpp"
#include "server/ws_stream.hpp"

#include <boost/beast/core/flat_buffer.hpp>

#include <string>
#include <string_view>

namespace tolk::server::icecast {

// Whether the request is one of the above (by method and path; the channel is checked later).
bool wants(const http_request& request);

// Takes the connection over: answers, streams or refuses, and closes it at the end.
// `buffer`: bytes read past the request's header. `secure`: the connection is TLS.
void take_over(any_stream&& stream, boost::beast::flat_buffer&& buffer, http_request&& request,
               connection_slot slot, server_context& ctx);

// The URL of channel `id`'s stream under `base` ("http://host:port"), for playlists and /join.
std::string stream_url(std::string_view base, std::string_view id);

}  // namespace tolk::server::icecast
