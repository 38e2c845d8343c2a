#include "notifications/notification.h"

#include <array>
#include <utility>

namespace agora::notifications {
namespace {

constexpr std::array<std::pair<NotificationType, const char*>, 8> kNames = {{
    {NotificationType::kMention, "mention"},
    {NotificationType::kReply, "reply"},
    {NotificationType::kReaction, "reaction"},
    {NotificationType::kFollow, "follow"},
    {NotificationType::kJoinRequest, "join_request"},
    {NotificationType::kInvitation, "invitation"},
    {NotificationType::kReport, "report"},
    {NotificationType::kAnnouncement, "announcement"},
}};

}  // namespace

const char* TypeName(NotificationType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "mention";
}

std::optional<NotificationType> ParseType(std::string_view name) {
  for (const auto& [t, n] : kNames) {
    if (name == n) return t;
  }
  return std::nullopt;
}

}  // namespace agora::notifications
