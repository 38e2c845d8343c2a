#include "server/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace agora::server {
namespace {

struct Address {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
};

// IPv4-mapped IPv6 addresses (a dual-stack listener's peers) count as IPv4.
std::optional<Address> ParseAddress(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string z(text);
  Address a;
  if (inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) {
    a.v4 = true;
    return a;
  }
  if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) != 1) return std::nullopt;
  constexpr std::array<uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), a.bytes.begin())) {
    std::copy(a.bytes.begin() + 12, a.bytes.end(), a.bytes.begin());
    std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
    a.v4 = true;
  }
  return a;
}

std::string Text(const Address& a) {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.v4 ? AF_INET : AF_INET6, a.bytes.data(), out, sizeof out);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One hop of a chain: `1.2.3.4`, `1.2.3.4:80`, `[2001:db8::1]:4711`, `2001:db8::1`, quoted
// or not.
std::optional<Address> ParseHop(std::string_view hop) {
  hop = Trim(hop);
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"') {
    hop = hop.substr(1, hop.size() - 2);
  }
  if (hop.starts_with('[')) {
    size_t end = hop.find(']');
    if (end == std::string_view::npos) return std::nullopt;
    return ParseAddress(hop.substr(1, end - 1));
  }
  if (std::count(hop.begin(), hop.end(), ':') == 1) hop = hop.substr(0, hop.find(':'));
  return ParseAddress(hop);
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = s.find(separator);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// The `for=` values of a Forwarded header, in order; an element without one is an unknown hop.
std::vector<std::string_view> ForwardedFor(std::string_view forwarded) {
  std::vector<std::string_view> hops;
  for (std::string_view element : Split(forwarded, ',')) {
    std::string_view hop;
    for (std::string_view pair : Split(element, ';')) {
      pair = Trim(pair);
      std::string name(pair.substr(0, 4));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (pair.size() > 4 && name == "for=") {
        hop = pair.substr(4);
      }
    }
    hops.push_back(hop);
  }
  return hops;
}

bool Trusted(const Address& a, const TrustedProxies& proxies) {
  std::string text = Text(a);
  return std::any_of(proxies.begin(), proxies.end(),
                     [&](const Cidr& cidr) { return cidr.contains(text); });
}

}  // namespace

Result<Cidr> Cidr::Parse(std::string_view text) {
  auto invalid = [&] {
    return Status::InvalidArgument("invalid_trusted_proxy",
                                   "not an IPv4 or IPv6 address or network: " + std::string(text));
  };
  size_t slash = text.find('/');
  auto address = ParseAddress(text.substr(0, slash));
  if (!address) return invalid();
  Cidr cidr;
  cidr.v4_ = address->v4;
  cidr.prefix_bits_ = cidr.v4_ ? 32 : 128;
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), cidr.prefix_bits_);
    if (ec != std::errc() || end != bits.data() + bits.size() || cidr.prefix_bits_ < 0 ||
        cidr.prefix_bits_ > (cidr.v4_ ? 32 : 128)) {
      return invalid();
    }
  }
  cidr.network_ = address->bytes;
  return cidr;
}

bool Cidr::contains(std::string_view text) const {
  auto address = ParseAddress(text);
  if (!address || address->v4 != v4_) return false;
  int bits = prefix_bits_;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address->bytes[i] & mask) != (network_[i] & mask)) return false;
  }
  return true;
}

std::string ClientAddress(const std::string& peer, std::string_view forwarded,
                          std::string_view x_forwarded_for, const TrustedProxies& proxies) {
  auto nearest = ParseAddress(peer);
  if (!nearest) return peer;
  if (!Trusted(*nearest, proxies)) return Text(*nearest);
  std::vector<std::string_view> hops =
      !Trim(forwarded).empty() ? ForwardedFor(forwarded) : Split(x_forwarded_for, ',');
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    auto address = ParseHop(*hop);
    // A hop that is not an address ("unknown", garbage) ends what can be believed.
    if (!address) break;
    nearest = address;
    if (!Trusted(*address, proxies)) break;
  }
  return Text(*nearest);
}

}  // namespace agora::server
