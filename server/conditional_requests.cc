#include "server/conditional_requests.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <utility>
#include <vector>

#include "core/id.h"
#include "server/errors.h"

namespace agora::server {
namespace {

std::string Hex(const unsigned char* bytes, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

// SHA-256 over the parts of a request that make it "the same request", each length-prefixed
// so that no two different requests hash alike by moving bytes between parts.
std::string RequestHash(const ApiRequest& request) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  auto add = [&state](std::string_view part) {
    std::string length = std::to_string(part.size()) + ":";
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(length.data()),
                              length.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  };
  add(request.method);
  for (const auto& segment : request.path) add(segment);
  for (const auto& [key, value] : request.query) {
    add(key);
    add(value);
  }
  add(request.content_type);
  add(request.body);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return Hex(digest, sizeof digest);
}

std::string EncodeHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\n");
  return out;
}

std::vector<std::pair<std::string, std::string>> DecodeHeaders(std::string_view encoded) {
  std::vector<std::pair<std::string, std::string>> headers;
  while (!encoded.empty()) {
    size_t end = encoded.find('\n');
    std::string_view line = encoded.substr(0, end);
    encoded = end == std::string_view::npos ? std::string_view() : encoded.substr(end + 1);
    size_t colon = line.find(": ");
    if (colon != std::string_view::npos) {
      headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  return headers;
}

// The versioned resource a route names, by its pattern.
struct VersionedRoute {
  std::string_view pattern;
  services::VersionedKind kind;
};
constexpr VersionedRoute kVersionedRoutes[] = {
    {"/api/v1/posts/{id}", services::VersionedKind::kPost},
    {"/api/v1/communities/{id}", services::VersionedKind::kCommunity},
    {"/api/v1/deals/{id}", services::VersionedKind::kDeal},
};

// The kind and id of the versioned resource a request names, when it names one.
std::optional<std::pair<services::VersionedKind, Id>> VersionedResource(const Route& route,
                                                                        const RouteContext& ctx) {
  for (const auto& versioned : kVersionedRoutes) {
    if (route.pattern != versioned.pattern) continue;
    std::optional<Id> id = ParseId(ctx.param("id"));
    if (!id) return std::nullopt;
    return std::pair{versioned.kind, *id};
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The entity tags of a comma-separated If-Match or If-None-Match value.
std::vector<std::string_view> ListedTags(std::string_view header) {
  std::vector<std::string_view> tags;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (!tag.empty()) tags.push_back(tag);
  }
  return tags;
}

// What an If-Match value accepts: any revision ("*") or the revisions its strong tags name.
services::RevisionCondition ParseIfMatch(std::string_view if_match) {
  services::RevisionCondition condition;
  for (std::string_view tag : ListedTags(if_match)) {
    if (tag == "*") condition.any = true;
    // Strong comparison: a weak tag never matches. Ours read "r<revision>-<hash>".
    if (!tag.starts_with("\"r")) continue;
    size_t dash = tag.find('-');
    if (dash == std::string_view::npos) continue;
    std::string_view digits = tag.substr(2, dash - 2);
    int64_t revision = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), revision);
    if (error == std::errc() && end == digits.data() + digits.size()) {
      condition.revisions.push_back(revision);
    }
  }
  return condition;
}

// POSTs whose request or answer holds a secret: a stored body or a fast hash of one would
// keep a password or a shown-once token in the store, so these ignore Idempotency-Key (a
// retried account creation is refused as username_taken anyway).
constexpr std::string_view kSecretBearingPosts[] = {
    "/api/v1/users",                      // the new account's password
    "/api/v1/me/password",                // the current and new passwords
    "/api/v1/me/tokens",                  // the token, shown once
    "/api/v1/users/{id}/password_reset",  // the reset token, shown once
};

bool BearsSecret(const Route& route) {
  for (std::string_view pattern : kSecretBearingPosts) {
    if (route.pattern == pattern) return true;
  }
  return false;
}

}  // namespace

bool ValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string EntityTag(std::optional<int64_t> revision, std::string_view body) {
  // A tag only has to change when the body does, so it takes SipHash (128-bit output, fixed
  // key: tags stay the same across restarts) rather than SHA-256, which cost a third of a home
  // page's CPU for its 30 KB (docs/performance.md).
  static constexpr unsigned char kKey[crypto_shorthash_siphashx24_KEYBYTES] = {};
  unsigned char digest[crypto_shorthash_siphashx24_BYTES];
  crypto_shorthash_siphashx24(digest, reinterpret_cast<const unsigned char*>(body.data()),
                              body.size(), kKey);
  std::string hash = Hex(digest, sizeof digest);
  if (!revision) return "\"" + hash + "\"";
  return "\"r" + std::to_string(*revision) + "-" + hash + "\"";
}

bool NoneMatchHits(std::string_view if_none_match, std::string_view tag) {
  for (std::string_view listed : ListedTags(if_none_match)) {
    if (listed.starts_with("W/")) listed.remove_prefix(2);  // weak comparison
    if (listed == "*" || listed == tag) return true;
  }
  return false;
}

ConditionalRequests::ConditionalRequests(services::ConditionalWrites& writes) : writes_(writes) {}

ApiResponse ConditionalRequests::Run(const Route& route, const RouteContext& ctx,
                                     const std::function<ApiResponse()>& handle) {
  const ApiRequest& request = ctx.request;
  bool signed_in = ctx.viewer.user_id != 0;
  if (request.method == "POST" && request.idempotency_key && signed_in && !BearsSecret(route)) {
    return RunIdempotent(ctx, handle);
  }
  if (request.method == "GET") return RunGet(route, ctx, handle);
  if (request.method == "PATCH" && !request.if_match.empty()) {
    return RunIfMatch(route, ctx, handle);
  }
  return handle();
}

ApiResponse ConditionalRequests::RunIdempotent(const RouteContext& ctx,
                                               const std::function<ApiResponse()>& handle) {
  const std::string& key = *ctx.request.idempotency_key;
  if (!ValidIdempotencyKey(key)) {
    return ErrorResponse(Status::InvalidArgument(
        "invalid_idempotency_key", "Idempotency-Key takes 1 to 255 printable ASCII characters"));
  }
  const Id account = ctx.viewer.user_id;
  const std::string hash = RequestHash(ctx.request);
  auto stored = writes_.FindKey(account, key);
  if (!stored.ok()) return ErrorResponse(stored.status());
  if (*stored) {
    const services::StoredAnswer& first = **stored;
    if (first.request_hash != hash) {
      return ErrorResponse(Status::Unprocessable(
          "idempotency_key_reused", "this Idempotency-Key was used for another request"));
    }
    if (!first.status) return ErrorResponse(services::ConditionalWrites::KeyInUse());
    ApiResponse replay(static_cast<int>(*first.status), first.body, first.content_type);
    replay.headers = DecodeHeaders(first.headers);
    replay.headers.emplace_back("Idempotent-Replayed", "true");
    return replay;
  }

  ApiResponse response;
  bool claimed = writes_.RunClaimed(account, key, hash, [&] { response = handle(); });
  if (!claimed) return response;  // nothing was written: a retry runs afresh
  Status remembered = writes_.Remember(account, key, response.status, response.content_type,
                                       EncodeHeaders(response.headers), response.body);
  if (!remembered.ok()) {
    // The write itself committed; a retry gets 409 until the key expires, never a duplicate.
    spdlog::warn("event=idempotency_answer_not_stored message=\"{}\"", remembered.message());
  }
  return response;
}

ApiResponse ConditionalRequests::RunGet(const Route& route, const RouteContext& ctx,
                                        const std::function<ApiResponse()>& handle) {
  // The revision is read before the answer is made, so a tag never names a newer revision
  // than its body shows (an If-Match with it can only fail, never overwrite unseen changes).
  std::optional<int64_t> revision;
  if (auto versioned = VersionedResource(route, ctx)) {
    auto read = writes_.Revision(versioned->first, versioned->second);
    if (read.ok()) revision = *read;
  }
  ApiResponse response = handle();
  if (response.status != 200) return response;
  std::string tag = EntityTag(revision, response.body);
  if (NoneMatchHits(ctx.request.if_none_match, tag)) {
    response.status = 304;
    response.body.clear();
  }
  // Cache-Control stays no-store: a browser must not keep private content on disk, so tags
  // serve clients that keep their own copies.
  response.headers.emplace_back("ETag", std::move(tag));
  return response;
}

ApiResponse ConditionalRequests::RunIfMatch(const Route& route, const RouteContext& ctx,
                                            const std::function<ApiResponse()>& handle) {
  auto versioned = VersionedResource(route, ctx);
  if (!versioned) return handle();  // not a versioned resource: If-Match is not evaluated
  ApiResponse response;
  services::ConditionalEdit edit =
      writes_.RunIfRevision(versioned->first, versioned->second, ParseIfMatch(ctx.request.if_match),
                            [&] { response = handle(); });
  if (edit.refused) {
    return ErrorResponse(ProtocolError::kPreconditionFailed,
                         "the resource changed since the ETag in If-Match; fetch it again");
  }
  if (response.status == 200 && edit.committed) {
    response.headers.emplace_back("ETag", EntityTag(edit.revision_after, response.body));
  }
  return response;
}

}  // namespace agora::server
