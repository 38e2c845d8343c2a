// Bearer secrets: the random strings that sessions, personal access tokens and password resets
// hand out once, and the SHA-256 they are stored as (a leaked database reveals no usable token).
#pragma once

#include <string>
#include <string_view>

namespace agora::profiles {

// `prefix` followed by 256 random bits in URL-safe base64 (libsodium's randombytes_buf).
std::string NewBearerSecret(std::string_view prefix);
// The SHA-256 of `secret`, as raw bytes: what the store keeps and looks up by.
std::string HashBearerSecret(std::string_view secret);

}  // namespace agora::profiles
