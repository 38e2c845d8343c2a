#include "posts/post.h"

#include <algorithm>
#include <cctype>

#include "core/enum_names.h"
#include "core/text.h"
#include "posts/text_entities.h"

namespace agora::posts {
namespace {

Status Invalid(std::string code, std::string message) {
  return Status::Unprocessable(std::move(code), std::move(message));
}

}  // namespace

namespace {

constexpr EnumName<PostKind> kKinds[] = {{PostKind::kStatus, "status"},
                                         {PostKind::kQuestion, "question"},
                                         {PostKind::kAnnouncement, "announcement"},
                                         {PostKind::kDealStory, "deal_story"}};
constexpr EnumName<DealOutcome> kOutcomes[] = {
    {DealOutcome::kWon, "won"}, {DealOutcome::kLost, "lost"}, {DealOutcome::kOpen, "open"}};

}  // namespace

const char* KindName(PostKind kind) { return NameOf(kKinds, kind); }
std::optional<PostKind> ParseKind(std::string_view name) { return ParseName(kKinds, name); }
const char* OutcomeName(DealOutcome outcome) { return NameOf(kOutcomes, outcome); }
std::optional<DealOutcome> ParseOutcome(std::string_view name) {
  return ParseName(kOutcomes, name);
}

const std::vector<std::string>& ReactionTypes() {
  static const std::vector<std::string> kTypes = {"like", "celebrate", "insightful", "support",
                                                  "curious"};
  return kTypes;
}

Status ValidateText(std::string_view text) {
  if (HasForbiddenControl(text)) {
    return Invalid("invalid_text", "text must not contain control characters");
  }
  size_t length = Utf8Length(text);
  if (IsBlankText(text)) {
    return Invalid("invalid_text", "text must not be empty");
  }
  if (length > PostLimits::kTextMax) {
    return Invalid("invalid_text", "text is limited to 5000 characters");
  }
  if (ExtractHashtags(text).size() > PostLimits::kHashtagsMax) {
    return Invalid("invalid_text", "a post carries at most 30 hashtags");
  }
  if (ExtractMentions(text).size() > PostLimits::kMentionsMax) {
    return Invalid("invalid_text", "a post mentions at most 50 people");
  }
  return Status::Ok();
}

Status ValidateDeal(const Deal& d) {
  struct Field {
    const char* name;
    const std::string& value;
  };
  for (const Field& f : {Field{"customer", d.customer}, Field{"sector", d.sector},
                         Field{"product", d.product}, Field{"region", d.region}}) {
    size_t length = Utf8Length(f.value);
    if (IsBlankText(f.value) || length > PostLimits::kDealFieldMax ||
        HasForbiddenControl(f.value)) {
      return Invalid("invalid_deal",
                     std::string("deal.") + f.name + " must be 1 to 200 characters");
    }
  }
  if (!(d.amount >= 0) || d.amount > 1e15) {
    return Invalid("invalid_deal", "deal.amount must be a number from 0 to 1e15");
  }
  bool currency_shaped =
      d.currency.size() == 3 && std::all_of(d.currency.begin(), d.currency.end(),
                                            [](unsigned char c) { return c >= 'A' && c <= 'Z'; });
  if (!currency_shaped) {
    return Invalid("invalid_deal", "deal.currency must be an ISO 4217 code such as EUR");
  }
  if (!agora::IsIsoDate(d.closed_on)) {
    return Invalid("invalid_deal", "deal.closed_on must be a date such as 2026-11-22");
  }
  return Status::Ok();
}

Status ValidateNewPost(const NewPost& post) {
  AGORA_RETURN_IF_ERROR(ValidateText(post.text));
  if (post.kind == PostKind::kDealStory) {
    if (!post.deal && !post.deal_id) {
      return Invalid("invalid_deal", "a deal_story needs a deal or a deal_id");
    }
    if (post.deal) AGORA_RETURN_IF_ERROR(ValidateDeal(*post.deal));
  } else if (post.deal || post.deal_id) {
    return Invalid("invalid_deal", "only a deal_story carries a deal");
  }
  if (post.in_reply_to && post.kind != PostKind::kStatus && post.kind != PostKind::kQuestion) {
    return Invalid("invalid_kind", "a reply is a status or a question");
  }
  return Status::Ok();
}

}  // namespace agora::posts
