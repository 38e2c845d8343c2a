// Posts: the value types, their kinds, deal stories, and the rules they must meet.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"

namespace agora::posts {

enum class PostKind { kStatus, kQuestion, kAnnouncement, kDealStory };

const char* KindName(PostKind kind);
std::optional<PostKind> ParseKind(std::string_view name);

enum class DealOutcome { kWon, kLost, kOpen };
const char* OutcomeName(DealOutcome outcome);
std::optional<DealOutcome> ParseOutcome(std::string_view name);

struct Deal {
  std::string customer;
  std::string sector;
  std::string product;
  std::string region;
  double amount = 0;      // in `currency`; never negative
  std::string currency;   // ISO 4217, e.g. "EUR"
  std::string closed_on;  // ISO 8601 date, "2026-11-22"
  DealOutcome outcome = DealOutcome::kWon;

  bool operator==(const Deal&) const = default;
};

struct Mention {
  Id user_id = 0;
  std::string username;

  bool operator==(const Mention&) const = default;
};

struct Post {
  Id id = 0;
  Id author_id = 0;
  std::optional<Id> community_id;
  PostKind kind = PostKind::kStatus;
  std::string text;
  std::optional<Id> in_reply_to;
  std::vector<Mention> mentions;  // only usernames that name someone
  std::vector<std::string> hashtags;
  int64_t reactions_count = 0;
  int64_t replies_count = 0;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> edited_at;
  bool deleted = false;
  std::optional<Deal> deal;
  std::optional<Id> deal_id = std::nullopt;  // the deal record a deal story is attached to
  std::optional<Id> accepted_answer_id;      // a question's accepted direct reply
  bool accepted = false;                     // a live question accepted this reply

  bool operator==(const Post&) const = default;
};

// A post's id with its author and audience: what streams are built from.
struct PostRef {
  Id id = 0;
  Id author_id = 0;
  std::optional<Id> community_id;
};

// A window of post ids: older than `before`, or else newer than `after`.
struct IdRange {
  std::optional<Id> before;
  std::optional<Id> after;
};

struct NewPost {
  std::string text;
  PostKind kind = PostKind::kStatus;
  std::optional<Id> community_id;
  std::optional<Id> in_reply_to;
  std::optional<Deal> deal;
  std::optional<Id> deal_id = std::nullopt;
};

struct PostLimits {
  static constexpr size_t kTextMax = 5000;  // characters
  static constexpr size_t kDealFieldMax = 200;
  static constexpr size_t kHashtagsMax = 30;
  static constexpr size_t kMentionsMax = 50;
};

// The reactions a post accepts.
const std::vector<std::string>& ReactionTypes();

// kUnprocessable with codes such as "invalid_text" or "invalid_deal". A deal story needs an
// embedded deal, a deal_id, or both; other kinds carry neither.
Status ValidateText(std::string_view text);
Status ValidateNewPost(const NewPost& post);
Status ValidateDeal(const Deal& deal);

}  // namespace agora::posts
