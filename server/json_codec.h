// The shared part of the API's JSON writing: what several resources (and the live hub) render
// alike. The renderers of one resource live next to its routes, in server/api_<resource>.cc;
// here are only the member writers and document builders every renderer uses, the user and
// the post (embedded in many answers). ActivityStreams documents are server/as2.h's. Error
// bodies are written by server/errors.h alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/json.h"
#include "core/page.h"
#include "core/viewer.h"
#include "profiles/user.h"
#include "services/feed_service.h"
#include "services/notification_service.h"
#include "services/post_view.h"

namespace agora::server {

// One member of an object: its key, then its value. Separate names rather than overloads, so
// that a string literal never turns into a bool and an id never into a number.
void StringMember(JsonWriter& w, const char* key, std::string_view value);
void IntMember(JsonWriter& w, const char* key, int64_t value);
void BoolMember(JsonWriter& w, const char* key, bool value);
void DoubleMember(JsonWriter& w, const char* key, double value);
// Ids as decimal strings, so JavaScript clients keep them exact; an absent one is null.
void IdMember(JsonWriter& w, const char* key, Id id);
void IdMember(JsonWriter& w, const char* key, const std::optional<Id>& id);
// RFC 3339 times; an absent one is null.
void TimeMember(JsonWriter& w, const char* key, UnixMillis at);
void TimeMember(JsonWriter& w, const char* key, const std::optional<UnixMillis>& at);
void StringsMember(JsonWriter& w, const char* key, const std::vector<std::string>& values);

// A JSON document made by `write`, which writes one value.
template <typename Write>
std::string RenderDocument(Write write) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write(w);
  return buffer.GetString();
}

// A JSON object whose members `write_members` writes.
template <typename WriteMembers>
std::string RenderObject(WriteMembers write_members) {
  return RenderDocument([&](JsonWriter& w) {
    w.StartObject();
    write_members(w);
    w.EndObject();
  });
}

// One value as a JSON document, through its writer function.
template <typename T, typename WriteValue>
std::string RenderOne(const T& value, WriteValue write_value) {
  return RenderDocument([&](JsonWriter& w) { write_value(w, value); });
}

// {"items": [...], "next_cursor": ...} around any item writer.
template <typename T, typename WriteItem>
std::string RenderItems(const Page<T>& page, WriteItem write_item) {
  return RenderObject([&](JsonWriter& w) {
    w.Key("items");
    w.StartArray();
    for (const auto& item : page.items) write_item(w, item);
    w.EndArray();
    if (page.next_cursor) StringMember(w, "next_cursor", *page.next_cursor);
  });
}

// Email and roles are shown to the person themselves and to admins only.
// `guest_communities`, when given (a guest as admins manage them), is written as ids.
void WriteUser(JsonWriter& w, const profiles::User& user, const Viewer& viewer,
               const std::vector<Id>* guest_communities = nullptr);
// The same members, inside an object the caller opened (to add members of its own).
void WriteUserMembers(JsonWriter& w, const profiles::User& user, const Viewer& viewer,
                      const std::vector<Id>* guest_communities = nullptr);
std::string RenderUser(const profiles::User& user, const Viewer& viewer);

// A compact user for embedding in posts: id, username, display_name, title, active.
void WriteUserSummary(JsonWriter& w, const profiles::UserSummary& user);
void WritePost(JsonWriter& w, const services::PostView& view);

// {id, type, actor, post?, community?, deal_id?, count, created_at, read}: a notifications page's
// item and the body of the live hub's notification message.
void WriteNotification(JsonWriter& w, const services::NotificationView& view);

}  // namespace agora::server
