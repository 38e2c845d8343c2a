// base64url without padding (RFC 7515 section 2), over libsodium's codec.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agora::oidc {

std::string Base64UrlEncode(std::string_view bytes);
// nullopt when `text` is not unpadded base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace agora::oidc
