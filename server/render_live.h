// JSON of the live stream's messages (GET /api/v1/stream), written in server/render_live.cc
// with the shared writers of server/json_codec.h. A header of its own so the hub depends on
// what it shows (posts, notifications) and not on the feed engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "server/as2.h"
#include "services/live_events.h"
#include "services/notification_service.h"
#include "services/post_view.h"

namespace agora::server {

// {"event_id", "type": "post", "item": <a stream page's orderedItems element>}
std::string RenderLivePost(Id event_id, const services::PostView& view, const As2Iris& iris);
// {"event_id", "type": "delete", "post_id"}
std::string RenderLiveDelete(Id event_id, Id post_id);
// {"event_id", "type": "notification", "notification": {...}}
std::string RenderLiveNotification(Id event_id, const services::NotificationView& view);
// The `top` array of a leaderboard event: the same for every reader, rendered once.
std::string RenderLeaderboardTop(const services::LeaderboardEvent& event);
// {"event_id", "type": "leaderboard", "campaign_id", "metric", "currency", "me"?, "top"},
// with `top_json` from RenderLeaderboardTop.
std::string RenderLiveLeaderboard(Id event_id, const services::LeaderboardEvent& event,
                                  const std::optional<sales::Standing>& me,
                                  const std::string& top_json);
// {"event_id", "type": "deal_won", "deal": {...}, "campaign_ids"}
std::string RenderLiveDealWon(Id event_id, const services::DealWonEvent& event,
                              const std::vector<Id>& campaign_ids);
// A message that is not an event (no event_id), e.g. {"type":"gap","message":...}.
std::string RenderLiveNotice(std::string_view type, std::string_view message);

}  // namespace agora::server
