// A small synchronous WebSocket client for the stream tests (Beast lives only in ws_client.cc).
// Every call has a deadline; nothing waits forever.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "tests/integration/http_client.h"

namespace agora::integration {

class WsClient {
 public:
  // Connects and asks to upgrade `target` (e.g. "/api/v1/stream?access_token=..."), sending
  // `headers` too. `receive_buffer` > 0 sets SO_RCVBUF before connecting (a slow client).
  WsClient(const Endpoint& endpoint, const std::string& target, const HeaderList& headers = {},
           int receive_buffer = 0, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Whether the upgrade succeeded; otherwise the HTTP answer it got (status 0: no answer).
  bool open() const;
  int refusal_status() const;
  const std::string& refusal_body() const;

  // The next text message within `timeout`; nullopt on timeout or once closed.
  std::optional<std::string> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads (and discards) until the server ends the connection or `timeout` passes; true when
  // it ended. close_code() then tells the code of its close frame (0 without one).
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool closed() const;
  int close_code() const;
  // Sends one text message; false when that failed.
  bool Send(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agora::integration
