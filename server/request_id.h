// Request ids: the X-Request-Id a client or proxy sends is kept, so one id follows a request
// through every tier's log; a missing or unusable one is replaced by a fresh id. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace agora::server {

// At most this many characters of a client's id are taken; a longer one is replaced.
inline constexpr size_t kMaxRequestIdLength = 128;

// `header` when it is 1..128 characters of [A-Za-z0-9._:/+=@-], else NewRequestId().
std::string AcceptedRequestId(std::string_view header);

// 16 random hexadecimal digits.
std::string NewRequestId();

}  // namespace agora::server
