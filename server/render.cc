#include "server/render.h"

#include "core/clock.h"
#include "server/render_live.h"

namespace agora::server {
namespace {

// One member of an object: its key, then its value. Separate names rather than overloads, so
// that a string literal never turns into a bool and an id never into a number.
void StringMember(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  WriteString(w, value);
}

void IntMember(JsonWriter& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}

void BoolMember(JsonWriter& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}

void DoubleMember(JsonWriter& w, const char* key, double value) {
  w.Key(key);
  w.Double(value);
}

// Ids as decimal strings, so JavaScript clients keep them exact; an absent one is null.
void IdMember(JsonWriter& w, const char* key, Id id) { StringMember(w, key, IdToString(id)); }

void IdMember(JsonWriter& w, const char* key, const std::optional<Id>& id) {
  w.Key(key);
  if (id) {
    WriteString(w, IdToString(*id));
  } else {
    w.Null();
  }
}

// RFC 3339 times; an absent one is null.
void TimeMember(JsonWriter& w, const char* key, UnixMillis at) {
  StringMember(w, key, FormatRfc3339(at));
}

void TimeMember(JsonWriter& w, const char* key, const std::optional<UnixMillis>& at) {
  w.Key(key);
  if (at) {
    WriteString(w, FormatRfc3339(*at));
  } else {
    w.Null();
  }
}

void StringsMember(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& value : values) WriteString(w, value);
  w.EndArray();
}

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

}  // namespace

void WriteUser(JsonWriter& w, const profiles::User& u, const Viewer& viewer) {
  w.StartObject();
  IdMember(w, "id", u.id);
  StringMember(w, "username", u.username);
  StringMember(w, "display_name", u.display_name);
  StringMember(w, "title", u.title);
  StringMember(w, "department", u.department);
  StringMember(w, "location", u.location);
  IdMember(w, "manager_id", u.manager_id);
  StringsMember(w, "skills", u.skills);
  StringsMember(w, "languages", u.languages);
  StringMember(w, "bio", u.bio);
  IntMember(w, "followers_count", u.followers_count);
  IntMember(w, "following_count", u.following_count);
  BoolMember(w, "active", u.active);
  TimeMember(w, "created_at", u.created_at);
  if (viewer.user_id == u.id || viewer.is_admin) {
    StringMember(w, "email", u.email);
    StringsMember(w, "roles", {std::string(profiles::RoleName(u.role))});
  }
  w.EndObject();
}

std::string RenderUser(const profiles::User& user, const Viewer& viewer) {
  return RenderDocument([&](JsonWriter& w) { WriteUser(w, user, viewer); });
}

std::string RenderUserPage(const Page<profiles::User>& page, const Viewer& viewer) {
  return RenderItems(
      page, [&viewer](JsonWriter& w, const profiles::User& u) { WriteUser(w, u, viewer); });
}

std::string RenderLogin(const services::LoginResult& login) {
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "token", login.token.token);
    TimeMember(w, "expires_at", login.token.expires_at);
    w.Key("user");
    WriteUser(w, login.user, Viewer{login.user.id, login.user.role == profiles::Role::kAdmin});
  });
}

std::string RenderRelationship(const profiles::Relationship& r) {
  return RenderObject([&](JsonWriter& w) {
    BoolMember(w, "following", r.following);
    BoolMember(w, "followed_by", r.followed_by);
  });
}

void WriteUserSummary(JsonWriter& w, const profiles::UserSummary& u) {
  w.StartObject();
  IdMember(w, "id", u.id);
  StringMember(w, "username", u.username);
  StringMember(w, "display_name", u.display_name);
  StringMember(w, "title", u.title);
  BoolMember(w, "active", u.active);
  w.EndObject();
}

namespace {

void WriteDeal(JsonWriter& w, const posts::Deal& d) {
  w.StartObject();
  StringMember(w, "customer", d.customer);
  StringMember(w, "sector", d.sector);
  StringMember(w, "product", d.product);
  StringMember(w, "region", d.region);
  DoubleMember(w, "amount", d.amount);
  StringMember(w, "currency", d.currency);
  StringMember(w, "closed_on", d.closed_on);
  StringMember(w, "outcome", posts::OutcomeName(d.outcome));
  w.EndObject();
}

}  // namespace

void WritePost(JsonWriter& w, const services::PostView& view) {
  const posts::Post& p = view.post;
  w.StartObject();
  IdMember(w, "id", p.id);
  w.Key("author");
  WriteUserSummary(w, view.author);
  StringMember(w, "text", p.text);
  StringMember(w, "kind", posts::KindName(p.kind));
  IdMember(w, "community_id", p.community_id);
  IdMember(w, "in_reply_to", p.in_reply_to);
  w.Key("mentions");
  w.StartArray();
  for (const auto& m : p.mentions) {
    w.StartObject();
    IdMember(w, "id", m.user_id);
    StringMember(w, "username", m.username);
    w.EndObject();
  }
  w.EndArray();
  StringsMember(w, "hashtags", p.hashtags);
  IntMember(w, "reactions_count", p.reactions_count);
  IntMember(w, "replies_count", p.replies_count);
  TimeMember(w, "created_at", p.created_at);
  TimeMember(w, "edited_at", p.edited_at);
  w.Key("deal");
  if (p.deal) {
    WriteDeal(w, *p.deal);
  } else {
    w.Null();
  }
  if (view.pinned) BoolMember(w, "pinned", true);
  w.EndObject();
}

std::string RenderPost(const services::PostView& view) { return RenderOne(view, WritePost); }

std::string RenderPostPage(const Page<services::PostView>& page) {
  return RenderItems(page, WritePost);
}

void WriteStreamItem(JsonWriter& w, const services::PostView& view) {
  const posts::Post& p = view.post;
  std::string published = FormatRfc3339(p.created_at);
  w.StartObject();
  StringMember(w, "type", "Create");
  StringMember(w, "id", IdToString(p.id) + "/create");
  w.Key("actor");
  WriteUserSummary(w, view.author);
  StringMember(w, "published", published);
  w.Key("object");
  w.StartObject();
  StringMember(w, "type", "Note");
  IdMember(w, "id", p.id);
  StringMember(w, "content", p.text);
  IdMember(w, "attributedTo", p.author_id);
  StringMember(w, "published", published);
  w.Key("agora:post");
  WritePost(w, view);
  w.EndObject();
  w.EndObject();
}

void WriteNotification(JsonWriter& w, const services::NotificationView& view) {
  const notifications::Notification& n = view.notification;
  w.StartObject();
  IdMember(w, "id", n.id);
  StringMember(w, "type", notifications::TypeName(n.type));
  w.Key("actor");
  WriteUserSummary(w, view.actor);
  if (view.post) {
    w.Key("post");
    WritePost(w, *view.post);
  }
  if (view.community) {
    w.Key("community");
    w.StartObject();
    IdMember(w, "id", view.community->id);
    StringMember(w, "name", view.community->name);
    StringMember(w, "visibility", communities::VisibilityName(view.community->visibility));
    w.EndObject();
  }
  IntMember(w, "count", n.count);
  TimeMember(w, "created_at", n.created_at);
  BoolMember(w, "read", n.read);
  w.EndObject();
}

std::string RenderNotificationPage(const Page<services::NotificationView>& page) {
  return RenderItems(page, WriteNotification);
}

std::string RenderCount(int64_t count) {
  return RenderObject([&](JsonWriter& w) { IntMember(w, "count", count); });
}

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

std::string RenderStreamPage(const services::StreamPage& page, const std::string& base_path,
                             size_t limit) {
  auto link = [&](const char* cursor, Id id) {
    return base_path + "?" + cursor + "=" + IdToString(id) + "&limit=" + std::to_string(limit);
  };
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "@context", "https://www.w3.org/ns/activitystreams");
    StringMember(w, "type", "OrderedCollectionPage");
    w.Key("orderedItems");
    w.StartArray();
    for (const auto& view : page.items) WriteStreamItem(w, view);
    w.EndArray();
    if (page.older_than) StringMember(w, "next", link("before", *page.older_than));
    if (!page.items.empty()) {
      // The newest item shown: pinned posts lead a page without being its newest.
      Id newest = 0;
      for (const auto& view : page.items) newest = std::max(newest, view.post.id);
      StringMember(w, "prev", link("after", newest));
    }
  });
}

namespace {

void WriteMembershipFields(JsonWriter& w, const communities::Membership& m) {
  StringMember(w, "role", communities::RoleName(m.role));
  StringMember(w, "state", communities::StateName(m.state));
  TimeMember(w, "since", m.since);
}

void WriteCommunity(JsonWriter& w, const services::CommunityView& view) {
  const communities::Community& c = view.community;
  w.StartObject();
  IdMember(w, "id", c.id);
  StringMember(w, "name", c.name);
  StringMember(w, "description", c.description);
  StringMember(w, "visibility", communities::VisibilityName(c.visibility));
  IntMember(w, "members_count", c.members_count);
  IdMember(w, "created_by", c.created_by);
  TimeMember(w, "created_at", c.created_at);
  w.Key("membership");
  if (view.membership) {
    w.StartObject();
    WriteMembershipFields(w, *view.membership);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

}  // namespace

std::string RenderCommunity(const services::CommunityView& view) {
  return RenderOne(view, WriteCommunity);
}

std::string RenderCommunityPage(const Page<services::CommunityView>& page) {
  return RenderItems(page, WriteCommunity);
}

std::string RenderMembership(const communities::Membership& m) {
  return RenderObject([&](JsonWriter& w) {
    IdMember(w, "community_id", m.community_id);
    IdMember(w, "user_id", m.user_id);
    WriteMembershipFields(w, m);
  });
}

std::string RenderMemberPage(const Page<services::MemberView>& page) {
  return RenderItems(page, [](JsonWriter& w, const services::MemberView& member) {
    w.StartObject();
    w.Key("user");
    WriteUserSummary(w, member.user);
    WriteMembershipFields(w, member.membership);
    w.EndObject();
  });
}

namespace {

void WriteReport(JsonWriter& w, const communities::Report& r) {
  w.StartObject();
  IdMember(w, "id", r.id);
  IdMember(w, "post_id", r.post_id);
  IdMember(w, "community_id", r.community_id);
  IdMember(w, "reporter_id", r.reporter_id);
  StringMember(w, "reason", r.reason);
  StringMember(w, "status", r.open ? "open" : "resolved");
  w.Key("action");
  if (r.action) {
    WriteString(w, communities::ActionName(*r.action));
  } else {
    w.Null();
  }
  StringMember(w, "note", r.note);
  IdMember(w, "resolved_by", r.resolved_by);
  TimeMember(w, "created_at", r.created_at);
  TimeMember(w, "resolved_at", r.resolved_at);
  w.EndObject();
}

}  // namespace

std::string RenderReport(const communities::Report& report) {
  return RenderOne(report, WriteReport);
}

std::string RenderReportPage(const Page<communities::Report>& page) {
  return RenderItems(page, WriteReport);
}

std::string RenderAuditPage(const Page<communities::AuditEntry>& page) {
  return RenderItems(page, [](JsonWriter& w, const communities::AuditEntry& e) {
    w.StartObject();
    IdMember(w, "id", e.record.id);
    IdMember(w, "community_id", e.community_id);
    IdMember(w, "actor_id", e.record.actor_id);
    StringMember(w, "action", e.record.action);
    IdMember(w, "target_user_id", e.record.target_user);
    StringMember(w, "note", e.record.note);
    TimeMember(w, "created_at", e.at);
    w.EndObject();
  });
}

namespace {

void WritePostHits(JsonWriter& w, const std::vector<services::PostHit>& hits) {
  w.Key("results");
  w.StartArray();
  for (const services::PostHit& hit : hits) {
    w.StartObject();
    w.Key("post");
    WritePost(w, hit.view);
    DoubleMember(w, "score", hit.score);
    StringMember(w, "highlight", hit.highlight);
    w.EndObject();
  }
  w.EndArray();
}

// "total", and "next_offset" when the page does not reach the last result.
void WriteTotal(JsonWriter& w, int64_t total, size_t offset, size_t returned) {
  IntMember(w, "total", total);
  if (returned > 0 && static_cast<int64_t>(offset + returned) < total) {
    w.Key("next_offset");
    w.Uint64(offset + returned);
  }
}

// {"user": ..., "score": ...} and whatever `write_more` adds.
template <typename WriteMore>
void WriteUserHit(JsonWriter& w, const profiles::User& user, double score, const Viewer& viewer,
                  WriteMore write_more) {
  w.StartObject();
  w.Key("user");
  WriteUser(w, user, viewer);
  DoubleMember(w, "score", score);
  write_more(w);
  w.EndObject();
}

}  // namespace

std::string RenderPostSearch(const services::PostSearchPage& page, size_t offset) {
  return RenderObject([&](JsonWriter& w) {
    WriteTotal(w, page.total, offset, page.results.size());
    WritePostHits(w, page.results);
  });
}

std::string RenderPeopleSearch(const services::PeopleSearchPage& page, size_t offset,
                               const Viewer& viewer) {
  return RenderObject([&](JsonWriter& w) {
    WriteTotal(w, page.total, offset, page.results.size());
    w.Key("results");
    w.StartArray();
    for (const services::PersonHit& hit : page.results) {
      WriteUserHit(w, hit.user, hit.score, viewer, [](JsonWriter&) {});
    }
    w.EndArray();
  });
}

std::string RenderExperts(const std::vector<services::Expert>& experts, const Viewer& viewer) {
  return RenderObject([&](JsonWriter& w) {
    w.Key("results");
    w.StartArray();
    for (const services::Expert& expert : experts) {
      WriteUserHit(w, expert.user, expert.score, viewer, [&](JsonWriter& out) {
        out.Key("evidence");
        out.StartObject();
        StringsMember(out, "skills", expert.skills);
        out.Key("posts");
        out.StartArray();
        for (const services::PostView& post : expert.posts) WritePost(out, post);
        out.EndArray();
        out.EndObject();
      });
    }
    w.EndArray();
  });
}

std::string RenderDealSearch(const services::DealSearchPage& page, size_t offset) {
  return RenderObject([&](JsonWriter& w) {
    WriteTotal(w, page.total, offset, page.results.size());
    WritePostHits(w, page.results);
    w.Key("facets");
    w.StartObject();
    for (const auto& [facet, counts] : page.facets) {
      w.Key(facet.c_str());
      w.StartObject();
      for (const auto& [value, count] : counts) {
        WriteString(w, value);  // as a key
        w.Int64(count);
      }
      w.EndObject();
    }
    w.EndObject();
  });
}

}  // namespace agora::server
