#include "server/conditional_requests.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <utility>
#include <vector>

#include "core/id.h"
#include "server/errors.h"
#include "storage/write_guard.h"

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

// Records an Idempotency-Key in the transaction of the request's first write. A second
// request racing with the same key fails on the unique (account, key) and writes nothing.
class IdempotencyClaim final : public storage::WriteGuard {
 public:
  IdempotencyClaim(Id account, std::string key, std::string request_hash, UnixMillis now,
                   UnixMillis expired_before)
      : account_(account),
        key_(std::move(key)),
        request_hash_(std::move(request_hash)),
        now_(now),
        expired_before_(expired_before) {}

  Status Before(storage::Connection& c) override {
    auto sweep = c.prepare("DELETE FROM idempotency_keys WHERE created_at < ?");
    if (!sweep.ok()) return sweep.status();
    AGORA_RETURN_IF_ERROR((*sweep)->bind(1, expired_before_).run());
    auto claim = c.prepare(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!claim.ok()) return claim.status();
    AGORA_RETURN_IF_ERROR(
        (*claim)->bind(1, account_).bind(2, key_).bind(3, request_hash_).bind(4, now_).run());
    if (c.changes() == 0) return KeyInUse();
    return Status::Ok();
  }
  Status After(storage::Connection&) override { return Status::Ok(); }

  static Status KeyInUse() {
    return Status::Conflict("idempotency_key_in_use",
                            "a request with this Idempotency-Key has not been answered yet; "
                            "retry it shortly");
  }

 private:
  const Id account_;
  const std::string key_;
  const std::string request_hash_;
  const UnixMillis now_;
  const UnixMillis expired_before_;
};

// The answer stored for a key, as the first request got it.
struct StoredAnswer {
  std::string request_hash;
  std::optional<int64_t> status;  // absent until answered
  std::string content_type;
  std::string headers;  // "Name: value\n" lines
  std::string body;
};

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

// Where a versioned resource's revision is read, by the route pattern that names it.
struct VersionedRoute {
  std::string_view pattern;
  const char* revision_sql;
};
constexpr VersionedRoute kVersionedRoutes[] = {
    {"/api/v1/posts/{id}", "SELECT revision FROM posts WHERE id = ?"},
    {"/api/v1/communities/{id}", "SELECT revision FROM communities WHERE id = ?"},
    {"/api/v1/deals/{id}", "SELECT revision FROM sales_deals WHERE id = ?"},
};

// The revision SQL and the id of the resource a request names, when it is versioned.
std::optional<std::pair<const char*, Id>> VersionedResource(const Route& route,
                                                            const RouteContext& ctx) {
  for (const auto& versioned : kVersionedRoutes) {
    if (route.pattern != versioned.pattern) continue;
    std::optional<Id> id = ParseId(ctx.param("id"));
    if (!id) return std::nullopt;
    return std::pair{versioned.revision_sql, *id};
  }
  return std::nullopt;
}

Result<std::optional<int64_t>> ReadRevision(storage::Connection& c, const char* sql, Id id) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->bind(1, id).step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>((*stmt)->column_int64(0));
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
struct RevisionCondition {
  bool any = false;
  std::vector<int64_t> revisions;

  static RevisionCondition Parse(std::string_view if_match) {
    RevisionCondition condition;
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

  bool Accepts(int64_t revision) const {
    if (any) return true;
    for (int64_t listed : revisions) {
      if (listed == revision) return true;
    }
    return false;
  }
};

// Checks an If-Match against the revision the write's own transaction reads, once the use
// case passed its access checks, and reads the revision the write leaves.
class RevisionPrecondition final : public storage::WriteGuard {
 public:
  RevisionPrecondition(const char* revision_sql, Id id, RevisionCondition condition)
      : revision_sql_(revision_sql), id_(id), condition_(std::move(condition)) {}

  Status Before(storage::Connection& c) override {
    auto revision = ReadRevision(c, revision_sql_, id_);
    if (!revision.ok()) return revision.status();
    before_ = *revision;
    return Status::Ok();
  }

  Status After(storage::Connection& c) override {
    if (!before_ || !condition_.Accepts(*before_)) {
      refused_ = true;  // answered 412 by RunIfMatch; the status only rolls the edit back
      return Status::Conflict("precondition_failed", "If-Match names a past revision");
    }
    auto revision = ReadRevision(c, revision_sql_, id_);
    if (!revision.ok()) return revision.status();
    after_ = *revision;
    return Status::Ok();
  }

  std::optional<int64_t> revision_after() const { return after_; }
  // Whether the edit was rolled back because If-Match named another revision.
  bool refused() const { return refused_; }

 private:
  const char* revision_sql_;
  const Id id_;
  const RevisionCondition condition_;
  std::optional<int64_t> before_;
  std::optional<int64_t> after_;
  bool refused_ = false;
};

}  // namespace

bool ValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string EntityTag(std::optional<int64_t> revision, std::string_view body) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  std::string hash = Hex(digest, 16);
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

ConditionalRequests::ConditionalRequests(storage::Store& store, const Clock& clock,
                                         ConditionalRequestOptions options)
    : store_(store), clock_(clock), options_(options) {}

ApiResponse ConditionalRequests::Run(const Route& route, const RouteContext& ctx,
                                     const std::function<ApiResponse()>& handle) {
  const ApiRequest& request = ctx.request;
  bool signed_in = ctx.viewer.user_id != 0;
  if (request.method == "POST" && request.idempotency_key && signed_in) {
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
  const UnixMillis now = clock_.now_ms();
  const UnixMillis expired_before = now - options_.idempotency_window_ms;
  auto stored = store_.read([&](storage::Connection& c) -> Result<std::optional<StoredAnswer>> {
    auto stmt = c.prepare(
        "SELECT request_hash, status, content_type, headers, body FROM idempotency_keys "
        "WHERE account_id = ? AND key = ? AND created_at >= ?");
    if (!stmt.ok()) return stmt.status();
    auto row = (*stmt)->bind(1, account).bind(2, key).bind(3, expired_before).step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<StoredAnswer>();
    return std::optional<StoredAnswer>(
        StoredAnswer{(*stmt)->column_text(0), (*stmt)->column_optional_int64(1),
                     (*stmt)->column_text(2), (*stmt)->column_text(3), (*stmt)->column_text(4)});
  });
  if (!stored.ok()) return ErrorResponse(stored.status());
  if (*stored) {
    const StoredAnswer& first = **stored;
    if (first.request_hash != hash) {
      return ErrorResponse(Status::Unprocessable(
          "idempotency_key_reused", "this Idempotency-Key was used for another request"));
    }
    if (!first.status) return ErrorResponse(IdempotencyClaim::KeyInUse());
    ApiResponse replay(static_cast<int>(*first.status), first.body, first.content_type);
    replay.headers = DecodeHeaders(first.headers);
    replay.headers.emplace_back("Idempotent-Replayed", "true");
    return replay;
  }

  IdempotencyClaim claim(account, key, hash, now, expired_before);
  ApiResponse response;
  {
    storage::ScopedWriteGuard scope(claim);
    response = handle();
  }
  if (!claim.committed()) return response;  // nothing was written: a retry runs afresh
  Status remembered = store_.write([&](storage::Connection& c) -> Status {
    auto stmt = c.prepare(
        "UPDATE idempotency_keys SET status = ?, content_type = ?, headers = ?, body = ? "
        "WHERE account_id = ? AND key = ?");
    if (!stmt.ok()) return stmt.status();
    return (*stmt)
        ->bind(1, int64_t{response.status})
        .bind(2, response.content_type)
        .bind(3, EncodeHeaders(response.headers))
        .bind(4, response.body)
        .bind(5, account)
        .bind(6, key)
        .run();
  });
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
    auto read = store_.read([&](storage::Connection& c) {
      return ReadRevision(c, versioned->first, versioned->second);
    });
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
  RevisionPrecondition precondition(versioned->first, versioned->second,
                                    RevisionCondition::Parse(ctx.request.if_match));
  ApiResponse response;
  {
    storage::ScopedWriteGuard scope(precondition);
    response = handle();
  }
  if (precondition.refused()) {
    return ErrorResponse(ProtocolError::kPreconditionFailed,
                         "the resource changed since the ETag in If-Match; fetch it again");
  }
  if (response.status == 200 && precondition.committed()) {
    response.headers.emplace_back("ETag", EntityTag(precondition.revision_after(), response.body));
  }
  return response;
}

}  // namespace agora::server
