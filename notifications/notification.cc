#include "notifications/notification.h"

#include "core/enum_names.h"

namespace agora::notifications {
namespace {

constexpr EnumName<NotificationType> kNames[] = {
    {NotificationType::kMention, "mention"},
    {NotificationType::kReply, "reply"},
    {NotificationType::kReaction, "reaction"},
    {NotificationType::kFollow, "follow"},
    {NotificationType::kJoinRequest, "join_request"},
    {NotificationType::kInvitation, "invitation"},
    {NotificationType::kReport, "report"},
    {NotificationType::kAnnouncement, "announcement"},
    {NotificationType::kStoryRequested, "story_requested"},
    {NotificationType::kCommunityHandedOver, "community_handed_over"},
    {NotificationType::kDealHandedOver, "deal_handed_over"},
    {NotificationType::kAnswerAccepted, "answer_accepted"},
};

}  // namespace

const char* TypeName(NotificationType type) { return NameOf(kNames, type); }
std::optional<NotificationType> ParseType(std::string_view name) { return ParseName(kNames, name); }

}  // namespace agora::notifications
