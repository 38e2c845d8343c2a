// The WebSocket side of GET /api/v1/stream: a session per upgraded connection. Beast is
// compiled here and in http_server.cc only; include this header from those two files alone.
//
// A session lives on its socket's strand: the hub posts messages to it, it queues at most
// StreamOptions::queue_limit of them and writes one at a time. A full queue closes the socket
// (1013) rather than slow the hub or anyone else; Beast's timeouts send pings and close an
// idle or unresponsive peer; client messages over message_max close it (1009).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "core/id.h"
#include "core/viewer.h"
#include "server/live_hub.h"

namespace agora::server {

// Completes the WebSocket handshake for `request` (already authenticated as `viewer`) on
// `socket`, then subscribes to `hub`. Returns at once; the session owns itself.
void StartWebSocketSession(boost::asio::ip::tcp::socket socket,
                           boost::beast::http::request<boost::beast::http::string_body> request,
                           LiveHub& hub, Viewer viewer, std::string token,
                           std::optional<Id> last_event_id);

}  // namespace agora::server
