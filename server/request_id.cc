#include "server/request_id.h"

#include <algorithm>
#include <cstdint>
#include <random>

namespace agora::server {
namespace {

bool IsRequestIdCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._:/+=@-").find(c) != std::string_view::npos;
}

}  // namespace

std::string AcceptedRequestId(std::string_view header) {
  if (header.empty() || header.size() > kMaxRequestIdLength ||
      !std::all_of(header.begin(), header.end(), IsRequestIdCharacter)) {
    return NewRequestId();
  }
  return std::string(header);
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t value = generator();
  constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (char& digit : id) {
    digit = kHex[value & 0xf];
    value >>= 4;
  }
  return id;
}

}  // namespace agora::server
