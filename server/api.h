// The server's own request and response values: what a handler sees and returns.
//
// Deliberately free of Beast so that handlers and their tests compile quickly; only the
// HTTP session translation unit converts to and from Beast's types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agora::server {

struct ApiRequest {
  std::string method;                                      // "GET", "POST", ...
  std::vector<std::string> path;                           // percent-decoded segments
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string authorization;                               // the Authorization header, as sent
  std::string content_type;
  std::string accept;  // the Accept header: tells a browser from an API client
  std::string cookie;  // the Cookie header, as sent
  std::string host;    // the Host header, as sent
  std::string body;
  // Conditional and retry headers (server/conditional_requests.h), as sent.
  std::optional<std::string> idempotency_key;  // absent when the header was not sent
  std::string if_match;
  std::string if_none_match;
  // The TCP peer's address; the Dispatcher replaces it with the client's when the peer is a
  // trusted proxy (server/client_address.h).
  std::string client_address;
  std::string forwarded;        // every Forwarded header, joined with ", "
  std::string x_forwarded_for;  // every X-Forwarded-For header, joined with ", "
  std::string origin;           // the Origin header a browser sends cross-origin (CORS)
  std::string access_control_request_method;  // set on a CORS preflight
  // The client's X-Request-Id when it is a usable one, else one made here (server/request_id.h);
  // it comes back in the response's X-Request-Id and names the request in the access log.
  std::string request_id;

  // The first value of a query parameter.
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

  // The value of cookie `name` in the Cookie header.
  std::optional<std::string_view> cookie_value(std::string_view name) const {
    std::string_view rest = cookie;
    while (!rest.empty()) {
      size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
        return pair.substr(name.size() + 1);
      }
    }
    return std::nullopt;
  }
};

struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int status, std::string body, std::string content_type = "application/json")
      : status(status), body(std::move(body)), content_type(std::move(content_type)) {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace agora::server
