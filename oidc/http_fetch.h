// A small blocking HTTP(S) client for the identity provider's discovery, JWKS and token
// endpoints: one request per connection, a deadline for the whole exchange, a cap on the
// answer's size, certificates verified against the system CA store with a host name check.
//
// Thread-safe (each call has its own io_context and socket). Blocks the calling thread up to
// the timeout: call from worker threads, never from the threads that drive the server's sockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace agora::oidc {

struct FetchOptions {
  std::chrono::milliseconds timeout{5000};  // resolve, connect, handshake, write and read
  size_t max_body = 1 << 20;                // a JWKS or token answer is a few KB
};

struct FetchRequest {
  std::string method = "GET";
  std::string url;  // http only to a loopback host (oidc/url.h CheckTransport)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // sent when the body is not empty
};

struct FetchResponse {
  int status = 0;
  std::string body;
};

// The answer, whatever its status. kUnavailable "idp_unreachable" when the exchange fails
// (resolution, connection, certificate, timeout, oversized answer); kInvalidArgument for a URL
// that is malformed or breaks the transport rule.
Result<FetchResponse> Fetch(const FetchRequest& request, const FetchOptions& options = {});

}  // namespace agora::oidc
