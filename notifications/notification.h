// Notifications: the value types of what people are told about (mentions, replies, reactions,
// follows, join requests, invitations, reports, announcements, requests for a deal story, and a
// leaver's communities and deals handed over).
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"
#include "core/id.h"

namespace agora::notifications {

enum class NotificationType {
  kMention,
  kReply,
  kReaction,
  kFollow,
  kJoinRequest,
  kInvitation,
  kReport,
  kAnnouncement,
  kStoryRequested,  // a won deal's owner is asked to tell how it was won
  kAnswerAccepted,
  kCommunityHandedOver,  // a leaver's community now has the recipient as owner
  kDealHandedOver,       // a leaver's open deal now belongs to the recipient
};

const char* TypeName(NotificationType type);
std::optional<NotificationType> ParseType(std::string_view name);

// One stored notification. Reactions are grouped: while a recipient has not read it, every
// new reaction to the same post folds into one notification (`count` reactions, `actor` the
// latest one), which moves to the top of the list (it takes a new id).
struct Notification {
  Id id = 0;
  Id recipient_id = 0;
  NotificationType type = NotificationType::kMention;
  Id actor_id = 0;
  std::optional<Id> post_id;       // the post it is about, if any
  std::optional<Id> community_id;  // the audience of that post, or the community concerned
  std::optional<Id> deal_id = std::nullopt;  // the deal it is about (story_requested)
  int64_t count = 1;                         // reactions folded into this one (1 for other types)
  UnixMillis created_at = 0;
  bool read = false;
};

struct NewNotification {
  Id recipient_id = 0;
  NotificationType type = NotificationType::kMention;
  Id actor_id = 0;
  std::optional<Id> post_id;
  std::optional<Id> community_id;
  std::optional<Id> deal_id = std::nullopt;  // story_requested, deal_handed_over
};

// How many unread notifications a recipient has per audience: the service keeps those whose
// audience the recipient may still read.
struct UnreadGroup {
  std::optional<Id> community_id;
  bool about_post = false;
  int64_t count = 0;
};

}  // namespace agora::notifications
