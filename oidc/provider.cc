#include "oidc/provider.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "core/json.h"
#include "core/logfmt.h"
#include "oidc/url.h"

namespace agora::oidc {
namespace {

Status Misconfigured(const std::string& message) {
  return {StatusCode::kUnavailable, "idp_misconfigured", message};
}

std::string Member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return {it->value.GetString(), it->value.GetStringLength()};
}

bool ListHas(const rapidjson::Value& object, const char* name, std::string_view value) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsArray()) return false;
  for (const auto& item : it->value.GetArray()) {
    if (item.IsString() && value == item.GetString()) return true;
  }
  return false;
}

// RFC 6749 section 2.3.1: form-encode the id and secret, then base64 "id:secret".
std::string BasicCredentials(const std::string& id, const std::string& secret) {
  std::string pair = PercentEncode(id) + ":" + PercentEncode(secret);
  std::string out(sodium_base64_ENCODED_LEN(pair.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(pair.data()),
                    pair.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return "Basic " + out;
}

FetchRequest Get(std::string url) {
  FetchRequest request;
  request.url = std::move(url);
  return request;
}

}  // namespace

OidcClient::OidcClient(OidcClientOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

Result<ProviderMetadata> OidcClient::Metadata() {
  UnixMillis now = clock_.now_ms();
  {
    MutexLock lock(&mu_);
    if (metadata_ && now - metadata_fetched_at_ < options_.discovery_ttl_s * 1000) {
      return *metadata_;
    }
  }
  std::string issuer = options_.issuer;
  if (issuer.ends_with('/')) issuer.pop_back();
  AGORA_ASSIGN_OR_RETURN(FetchResponse response,
                         Fetch(Get(issuer + "/.well-known/openid-configuration"), options_.fetch));
  if (response.status != 200) {
    return Misconfigured("the issuer's discovery document answered " +
                         std::to_string(response.status));
  }
  rapidjson::Document doc;
  if (!ParseJson(response.body, doc).ok() || !doc.IsObject()) {
    return Misconfigured("the issuer's discovery document is not JSON");
  }
  if (Member(doc, "issuer") != options_.issuer) {
    return Misconfigured("the discovery document names issuer '" + Member(doc, "issuer") +
                         "', not '" + options_.issuer + "'");
  }
  ProviderMetadata metadata{.authorization_endpoint = Member(doc, "authorization_endpoint"),
                            .token_endpoint = Member(doc, "token_endpoint"),
                            .jwks_uri = Member(doc, "jwks_uri"),
                            .client_secret_post = false};
  for (const std::string* url :
       {&metadata.authorization_endpoint, &metadata.token_endpoint, &metadata.jwks_uri}) {
    auto parsed = ParseHttpUrl(*url);
    if (!parsed.ok()) return Misconfigured("the discovery document lacks an endpoint");
    if (Status s = CheckTransport(*parsed); !s.ok()) return Misconfigured(s.message());
  }
  // Without the list, client_secret_basic is the default (OpenID Connect Discovery 1.0).
  metadata.client_secret_post =
      doc.HasMember("token_endpoint_auth_methods_supported") &&
      !ListHas(doc, "token_endpoint_auth_methods_supported", "client_secret_basic") &&
      ListHas(doc, "token_endpoint_auth_methods_supported", "client_secret_post");
  MutexLock lock(&mu_);
  metadata_ = metadata;
  metadata_fetched_at_ = now;
  return metadata;
}

std::string OidcClient::AuthorizationUrl(const ProviderMetadata& metadata,
                                         const std::string& redirect_uri, const std::string& state,
                                         const std::string& nonce,
                                         const std::string& code_challenge) const {
  std::string scope;
  for (const auto& s : options_.scopes) scope += (scope.empty() ? "" : " ") + s;
  return AppendQuery(metadata.authorization_endpoint, {{"response_type", "code"},
                                                       {"client_id", options_.client_id},
                                                       {"redirect_uri", redirect_uri},
                                                       {"scope", scope},
                                                       {"state", state},
                                                       {"nonce", nonce},
                                                       {"code_challenge", code_challenge},
                                                       {"code_challenge_method", "S256"}});
}

Result<IdTokenClaims> OidcClient::Redeem(const std::string& code, const std::string& code_verifier,
                                         const std::string& redirect_uri,
                                         const std::string& nonce) {
  AGORA_ASSIGN_OR_RETURN(ProviderMetadata metadata, Metadata());
  std::vector<std::pair<std::string, std::string>> form = {{"grant_type", "authorization_code"},
                                                           {"code", code},
                                                           {"redirect_uri", redirect_uri},
                                                           {"code_verifier", code_verifier}};
  FetchRequest request{.method = "POST",
                       .url = metadata.token_endpoint,
                       .headers = {},
                       .body = "",
                       .content_type = "application/x-www-form-urlencoded"};
  if (metadata.client_secret_post) {
    form.emplace_back("client_id", options_.client_id);
    form.emplace_back("client_secret", options_.client_secret);
  } else {
    request.headers.emplace_back("Authorization",
                                 BasicCredentials(options_.client_id, options_.client_secret));
  }
  request.body = EncodeQuery(form);
  AGORA_ASSIGN_OR_RETURN(FetchResponse response, Fetch(request, options_.fetch));
  rapidjson::Document doc;
  bool json = ParseJson(response.body, doc).ok() && doc.IsObject();
  if (response.status != 200) {
    std::string error = json ? Member(doc, "error") : "";
    spdlog::warn("event=oidc_token_refused status={} error={}", response.status, LogValue(error));
    if (response.status == 400) {
      return Status(StatusCode::kUnauthenticated, "code_rejected",
                    "the identity provider refused the authorization code (" + error + ")");
    }
    return Misconfigured("the token endpoint answered " + std::to_string(response.status));
  }
  std::string id_token = json ? Member(doc, "id_token") : "";
  if (id_token.empty()) return Misconfigured("the token endpoint returned no ID token");
  return VerifyIdToken(id_token, nonce);
}

Result<IdTokenClaims> OidcClient::VerifyIdToken(const std::string& id_token,
                                                const std::string& nonce) {
  AGORA_ASSIGN_OR_RETURN(SignedIdToken token, ParseIdToken(id_token));
  AGORA_ASSIGN_OR_RETURN(Jwk key, KeyFor(token));
  AGORA_RETURN_IF_ERROR(VerifySignature(token, key));
  AGORA_RETURN_IF_ERROR(ValidateClaims(token.claims, {.issuer = options_.issuer,
                                                      .client_id = options_.client_id,
                                                      .nonce = nonce,
                                                      .now_s = clock_.now_ms() / 1000,
                                                      .skew_s = options_.clock_skew_s,
                                                      .max_age_s = 600}));
  return std::move(token.claims);
}

Result<Jwk> OidcClient::KeyFor(const SignedIdToken& token) {
  UnixMillis now = clock_.now_ms();
  {
    MutexLock lock(&mu_);
    if (const Jwk* key = SelectKey(token, keys_)) return *key;
    if (keys_fetched_at_ && now - *keys_fetched_at_ < options_.jwks_refetch_interval_s * 1000) {
      return Status(StatusCode::kUnauthenticated, "unknown_key",
                    "the ID token is signed with a key the issuer does not publish");
    }
    // Claimed before fetching, so concurrent sign-ins with an unknown key fetch once.
    keys_fetched_at_ = now;
  }
  AGORA_ASSIGN_OR_RETURN(ProviderMetadata metadata, Metadata());
  auto keys = FetchKeys(metadata.jwks_uri);
  MutexLock lock(&mu_);
  if (!keys.ok()) {
    keys_fetched_at_.reset();  // a failed fetch does not hold back the next attempt
    return keys.status();
  }
  keys_ = std::move(*keys);
  spdlog::info("event=oidc_jwks_fetched keys={}", keys_.size());
  if (const Jwk* key = SelectKey(token, keys_)) return *key;
  return Status(StatusCode::kUnauthenticated, "unknown_key",
                "the ID token is signed with a key the issuer does not publish");
}

Result<std::vector<Jwk>> OidcClient::FetchKeys(const std::string& jwks_uri) {
  AGORA_ASSIGN_OR_RETURN(FetchResponse response, Fetch(Get(jwks_uri), options_.fetch));
  if (response.status != 200) {
    return Misconfigured("the issuer's JWKS answered " + std::to_string(response.status));
  }
  auto keys = ParseJwks(response.body);
  if (!keys.ok()) return Misconfigured(keys.status().message());
  return keys;
}

}  // namespace agora::oidc
