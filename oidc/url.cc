#include "oidc/url.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

namespace agora::oidc {
namespace {

Status InvalidUrl(std::string_view url) {
  return Status::InvalidArgument("invalid_url", "not an absolute http(s) URL: " + std::string(url));
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  HttpUrl out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return InvalidUrl(url);
  out.scheme = std::string(url.substr(0, scheme_end));
  for (auto& ch : out.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (out.scheme != "http" && out.scheme != "https") return InvalidUrl(url);
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return InvalidUrl(url);
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  out.target =
      authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.empty() || authority.find('@') != std::string_view::npos) return InvalidUrl(url);
  std::string_view port;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidUrl(url);
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidUrl(url);
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return InvalidUrl(url);
  for (auto& ch : out.host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (port.empty()) {
    out.port = out.tls() ? "443" : "80";
  } else {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535) {
      return InvalidUrl(url);
    }
    out.port = std::string(port);
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr address{};
  std::string text(host);
  return inet_pton(AF_INET, text.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

Status CheckTransport(const HttpUrl& url) {
  if (url.tls() || IsLoopbackHost(url.host)) return Status::Ok();
  return Status::InvalidArgument("insecure_url",
                                 "plain http is allowed only to a loopback host, not " + url.host);
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 0xF];
    }
  }
  return out;
}

std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

std::string AppendQuery(const std::string& base,
                        const std::vector<std::pair<std::string, std::string>>& params) {
  return base + (base.find('?') == std::string::npos ? '?' : '&') + EncodeQuery(params);
}

}  // namespace agora::oidc
