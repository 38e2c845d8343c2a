#include "server/render_live.h"

#include "server/json_codec.h"
#include "server/sales_json.h"

namespace agora::server {

namespace {

// {"event_id": ..., "type": ..., <body>}
template <typename WriteBody>
std::string RenderLive(Id event_id, const char* type, WriteBody write_body) {
  return RenderObject([&](JsonWriter& w) {
    IdMember(w, "event_id", event_id);
    StringMember(w, "type", type);
    write_body(w);
  });
}

}  // namespace

std::string RenderLivePost(Id event_id, const services::PostView& view, const As2Iris& iris) {
  return RenderLive(event_id, "post", [&](JsonWriter& w) {
    w.Key("item");
    WriteStreamItem(w, view, iris);
  });
}

std::string RenderLiveDelete(Id event_id, Id post_id) {
  return RenderLive(event_id, "delete", [&](JsonWriter& w) { IdMember(w, "post_id", post_id); });
}

std::string RenderLiveNotification(Id event_id, const services::NotificationView& view) {
  return RenderLive(event_id, "notification", [&](JsonWriter& w) {
    w.Key("notification");
    WriteNotification(w, view);
  });
}

std::string RenderLeaderboardTop(const services::LeaderboardEvent& event) {
  static const std::unordered_map<Id, profiles::UserSummary> kNoSummaries;
  return RenderDocument([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& s : event.top) {
      WriteStanding(w, s, event.campaign.metric, event.currency, kNoSummaries);
    }
    w.EndArray();
  });
}

std::string RenderLiveLeaderboard(Id event_id, const services::LeaderboardEvent& event,
                                  const std::optional<sales::Standing>& me,
                                  const std::string& top_json) {
  static const std::unordered_map<Id, profiles::UserSummary> kNoSummaries;
  const sales::Metric metric = event.campaign.metric;
  return RenderLive(event_id, "leaderboard", [&](JsonWriter& w) {
    IdMember(w, "campaign_id", event.campaign.id);
    StringMember(w, "metric", sales::MetricName(metric));
    StringMember(w, "currency", event.currency.code);
    if (me) {
      w.Key("me");
      WriteStanding(w, *me, metric, event.currency, kNoSummaries);
    }
    w.Key("top");
    w.RawValue(top_json.data(), top_json.size(), rapidjson::kArrayType);
  });
}

std::string RenderLiveDealWon(Id event_id, const services::DealWonEvent& event,
                              const std::vector<Id>& campaign_ids) {
  return RenderLive(event_id, "deal_won", [&](JsonWriter& w) {
    w.Key("deal");
    WriteDealSummary(w, event.deal, event.currency);
    w.Key("campaign_ids");
    w.StartArray();
    for (Id id : campaign_ids) WriteString(w, IdToString(id));
    w.EndArray();
  });
}

std::string RenderLiveNotice(std::string_view type, std::string_view message) {
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "type", type);
    StringMember(w, "message", message);
  });
}

}  // namespace agora::server
