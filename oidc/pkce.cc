#include "oidc/pkce.h"

#include <sodium.h>

#include "oidc/base64url.h"

namespace agora::oidc {

std::string RandomToken() {
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

std::string S256Challenge(std::string_view verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace agora::oidc
