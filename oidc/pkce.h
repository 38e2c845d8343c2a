// Random values of the authorization code flow: PKCE (RFC 7636, S256), `state` and `nonce`.
#pragma once

#include <string>
#include <string_view>

namespace agora::oidc {

// 256 random bits as base64url (43 characters): a PKCE verifier, a state, a nonce, a handle.
std::string RandomToken();
// BASE64URL(SHA-256(verifier)), the S256 code challenge.
std::string S256Challenge(std::string_view verifier);

}  // namespace agora::oidc
