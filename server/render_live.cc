#include "server/render_live.h"

#include "server/json_codec.h"

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

std::string RenderLivePost(Id event_id, const services::PostView& view) {
  return RenderLive(event_id, "post", [&](JsonWriter& w) {
    w.Key("item");
    WriteStreamItem(w, view);
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

std::string RenderLiveNotice(std::string_view type, std::string_view message) {
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "type", type);
    StringMember(w, "message", message);
  });
}

}  // namespace agora::server
