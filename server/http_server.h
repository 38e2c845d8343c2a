// HttpServer: the Beast listener and HTTP/1.1 sessions.
//
// Every accepted socket gets its own strand; a session's members are touched only on it.
// Before every read: a fresh parser, a body limit, a header limit and a deadline. Requests are
// handed to the Dispatcher, so socket threads never block. The public methods are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/dispatcher.h"

namespace boost::asio {
class io_context;
}

namespace agora::server {

struct ServerState;  // shared by the listener and its sessions; defined in http_server.cc
class LiveHub;

struct HttpOptions {
  size_t body_limit = 1 << 20;                      // 413 beyond
  size_t header_limit = 8 << 10;                    // 431 beyond
  std::chrono::milliseconds idle_timeout{60'000};   // kept alive, waiting for the next request
  std::chrono::milliseconds read_timeout{15'000};   // reading a request's body
  std::chrono::milliseconds write_timeout{15'000};  // writing a response
  // A new connection's first request head, and any head once its first byte arrived, must be
  // complete within this (slowloris: a half-sent head holds a connection no longer).
  std::chrono::milliseconds header_timeout{10'000};
  size_t max_connections = 10'000;  // 503 and close beyond
  // Open connections from one client address (HTTP ones, streams excluded); 503 and close
  // beyond, so one client cannot take every connection.
  size_t max_connections_per_address = 256;
};

class HttpServer {
 public:
  // `io` and `dispatcher` must outlive the server.
  HttpServer(boost::asio::io_context& io, Dispatcher& dispatcher, HttpOptions options);
  ~HttpServer();

  // Takes WebSocket upgrades of GET /api/v1/stream to `hub` (which must outlive the server).
  // Call before Listen.
  void EnableStreams(LiveHub& hub);

  // Binds and starts accepting; returns the bound "host:port" (port 0 picks a free one).
  Result<std::string> Listen(const std::string& host, uint16_t port);

  // Graceful shutdown, step one: stop accepting and close idle connections; busy ones close
  // after their response is written; streams close with 1001.
  void BeginShutdown();

  size_t open_connections() const;
  size_t requests_in_flight() const;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace agora::server
