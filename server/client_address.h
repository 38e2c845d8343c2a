// The address a request came from, when reverse proxies stand in front of the server.
//
// `--trusted-proxy CIDR` names the proxies whose forwarding headers are believed. A request
// whose TCP peer is one of them comes from the nearest address in its `Forwarded` (RFC 7239)
// or else `X-Forwarded-For` chain that is not itself a trusted proxy, read right to left; any
// other request comes from its TCP peer, whatever it sends. Pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace agora::server {

// An IPv4 or IPv6 network ("10.0.0.0/8", "::1/128", or one address).
class Cidr {
 public:
  // kInvalidArgument "invalid_trusted_proxy" for anything else.
  static Result<Cidr> Parse(std::string_view text);
  // Whether `address` (IPv4, IPv6, or IPv4-mapped IPv6 text) is inside.
  bool contains(std::string_view address) const;

 private:
  std::array<uint8_t, 16> network_{};
  int prefix_bits_ = 0;
  bool v4_ = false;
};

using TrustedProxies = std::vector<Cidr>;

// `peer` is the TCP peer's address; `forwarded` and `x_forwarded_for` the headers' values
// (every instance joined with ", "). Returns the client's address in canonical text.
std::string ClientAddress(const std::string& peer, std::string_view forwarded,
                          std::string_view x_forwarded_for, const TrustedProxies& proxies);

}  // namespace agora::server
