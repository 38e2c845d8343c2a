// Clients for talking to a running `agora serve`: a plain HTTP/1.1 client (Beast lives only in
// http_client.cc) and a raw TCP socket for sending bytes no well-behaved client would send.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace agora::integration {

using namespace std::chrono_literals;

struct Endpoint {
  std::string host;
  int port = 0;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One answer. `status` is 0 when the exchange failed at the transport level (refused, reset,
// timed out); `error` then says why.
struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string error;

  // The value of header `name` (any case), or "" when absent.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
};

// "STATUS BODY" (or the transport error): for failure messages, `EXPECT_EQ(...) << result`.
std::ostream& operator<<(std::ostream& out, const HttpResult& result);

// A keep-alive connection: requests go one after another over the same socket.
class HttpConnection {
 public:
  explicit HttpConnection(const Endpoint& endpoint,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // `token` non-empty sends "Authorization: Bearer <token>"; a non-empty body is sent as JSON.
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& token = "",
                     const HeaderList& extra_headers = {});

  // Whether the last answer allowed the connection to be reused.
  bool server_kept_alive() const { return kept_alive_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool kept_alive_ = false;
};

// One request on a fresh connection.
HttpResult Request(const Endpoint& endpoint, const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "",
                   const HeaderList& extra_headers = {});

// A blocking TCP socket with deadlines, for malformed, oversized and stalled requests.
class RawConnection {
 public:
  // `source_address` (e.g. "127.0.0.2", any of loopback's) is the address connected from;
  // empty: the system's choice.
  explicit RawConnection(const Endpoint& endpoint, const std::string& source_address = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends every byte; false when the peer is gone.
  bool Send(const std::string& bytes);
  // Reads until the peer closes or `timeout` passes; returns what arrived.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  // Reads until `marker` arrived, the peer closes or `timeout` passes; returns what arrived.
  std::string ReadUntil(const std::string& marker, std::chrono::milliseconds timeout);
  // Whether the peer closed (or reset) the connection within `timeout`, discarding any data.
  bool WaitForClose(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  bool peer_closed_ = false;
};

// Sends `bytes` on a fresh connection and returns whatever the server answered before it closed
// the connection or `timeout` passed.
std::string SendRaw(const Endpoint& endpoint, const std::string& bytes,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The status code of a raw HTTP response ("HTTP/1.1 413 ..." gives 413), or 0.
int RawStatus(const std::string& raw_response);
// The body of a raw HTTP response (what follows the blank line).
std::string RawBody(const std::string& raw_response);

}  // namespace agora::integration
