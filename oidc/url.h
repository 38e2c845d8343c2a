// Absolute http(s) URLs as the OpenID Connect client needs them: split into parts, checked
// against the transport rule (HTTPS, or plain HTTP to a loopback host only), and query strings
// built with percent-encoding.
//
// Written by hand because Boost.URL's compiled part lives in server/, above this folder; the
// grammar needed here (scheme, host, optional port, path and query) is small.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace agora::oidc {

struct HttpUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  std::string port;    // explicit or the scheme's default
  std::string target;  // path and query, at least "/"

  bool tls() const { return scheme == "https"; }
};

// kInvalidArgument "invalid_url" for anything but http(s)://host[:port][/path][?query] (no user
// info, no fragment).
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// "localhost", 127.0.0.0/8 or ::1.
bool IsLoopbackHost(std::string_view host);

// Ok for https, and for http to a loopback host (tests, a local identity provider);
// kInvalidArgument "insecure_url" otherwise.
Status CheckTransport(const HttpUrl& url);

// RFC 3986 unreserved characters kept, every other byte as %XX.
std::string PercentEncode(std::string_view text);

// "a=1&b=2" with names and values percent-encoded (also the form body encoding).
std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& params);

// `base` with `params` appended to its query (after '?' or '&').
std::string AppendQuery(const std::string& base,
                        const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace agora::oidc
