#include "server/render.h"

#include "core/clock.h"
#include "server/render_live.h"

namespace agora::server {
namespace {

// One value as a JSON document, through its writer function.
template <typename T, typename WriteValue>
std::string RenderOne(const T& value, WriteValue write_value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_value(w, value);
  return buffer.GetString();
}

// {"items": [...], "next_cursor": ...} around any item writer.
template <typename T, typename WriteItem>
std::string RenderItems(const Page<T>& page, WriteItem write_item) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const auto& item : page.items) write_item(w, item);
  w.EndArray();
  if (page.next_cursor) {
    w.Key("next_cursor");
    WriteString(w, *page.next_cursor);
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

void WriteUser(JsonWriter& w, const profiles::User& u, const Viewer& viewer) {
  w.StartObject();
  w.Key("id");
  WriteString(w, IdToString(u.id));
  w.Key("username");
  WriteString(w, u.username);
  w.Key("display_name");
  WriteString(w, u.display_name);
  w.Key("title");
  WriteString(w, u.title);
  w.Key("department");
  WriteString(w, u.department);
  w.Key("location");
  WriteString(w, u.location);
  w.Key("manager_id");
  if (u.manager_id) {
    WriteString(w, IdToString(*u.manager_id));
  } else {
    w.Null();
  }
  w.Key("skills");
  w.StartArray();
  for (const auto& s : u.skills) WriteString(w, s);
  w.EndArray();
  w.Key("languages");
  w.StartArray();
  for (const auto& l : u.languages) WriteString(w, l);
  w.EndArray();
  w.Key("bio");
  WriteString(w, u.bio);
  w.Key("followers_count");
  w.Int64(u.followers_count);
  w.Key("following_count");
  w.Int64(u.following_count);
  w.Key("active");
  w.Bool(u.active);
  w.Key("created_at");
  WriteString(w, FormatRfc3339(u.created_at));
  if (viewer.user_id == u.id || viewer.is_admin) {
    w.Key("email");
    WriteString(w, u.email);
    w.Key("roles");
    w.StartArray();
    WriteString(w, profiles::RoleName(u.role));
    w.EndArray();
  }
  w.EndObject();
}

std::string RenderUser(const profiles::User& user, const Viewer& viewer) {
  return RenderOne(user,
                   [&viewer](JsonWriter& w, const profiles::User& u) { WriteUser(w, u, viewer); });
}

std::string RenderUserPage(const Page<profiles::User>& page, const Viewer& viewer) {
  return RenderItems(
      page, [&viewer](JsonWriter& w, const profiles::User& u) { WriteUser(w, u, viewer); });
}

std::string RenderRelationship(const profiles::Relationship& r) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("following");
  w.Bool(r.following);
  w.Key("followed_by");
  w.Bool(r.followed_by);
  w.EndObject();
  return buffer.GetString();
}

void WriteUserSummary(JsonWriter& w, const profiles::UserSummary& u) {
  w.StartObject();
  w.Key("id");
  WriteString(w, IdToString(u.id));
  w.Key("username");
  WriteString(w, u.username);
  w.Key("display_name");
  WriteString(w, u.display_name);
  w.Key("title");
  WriteString(w, u.title);
  w.Key("active");
  w.Bool(u.active);
  w.EndObject();
}

namespace {

void WriteOptionalId(JsonWriter& w, const std::optional<Id>& id) {
  if (id) {
    WriteString(w, IdToString(*id));
  } else {
    w.Null();
  }
}

void WriteDeal(JsonWriter& w, const posts::Deal& d) {
  w.StartObject();
  w.Key("customer");
  WriteString(w, d.customer);
  w.Key("sector");
  WriteString(w, d.sector);
  w.Key("product");
  WriteString(w, d.product);
  w.Key("region");
  WriteString(w, d.region);
  w.Key("amount");
  w.Double(d.amount);
  w.Key("currency");
  WriteString(w, d.currency);
  w.Key("closed_on");
  WriteString(w, d.closed_on);
  w.Key("outcome");
  WriteString(w, posts::OutcomeName(d.outcome));
  w.EndObject();
}

}  // namespace

void WritePost(JsonWriter& w, const services::PostView& view) {
  const posts::Post& p = view.post;
  w.StartObject();
  w.Key("id");
  WriteString(w, IdToString(p.id));
  w.Key("author");
  WriteUserSummary(w, view.author);
  w.Key("text");
  WriteString(w, p.text);
  w.Key("kind");
  WriteString(w, posts::KindName(p.kind));
  w.Key("community_id");
  WriteOptionalId(w, p.community_id);
  w.Key("in_reply_to");
  WriteOptionalId(w, p.in_reply_to);
  w.Key("mentions");
  w.StartArray();
  for (const auto& m : p.mentions) {
    w.StartObject();
    w.Key("id");
    WriteString(w, IdToString(m.user_id));
    w.Key("username");
    WriteString(w, m.username);
    w.EndObject();
  }
  w.EndArray();
  w.Key("hashtags");
  w.StartArray();
  for (const auto& tag : p.hashtags) WriteString(w, tag);
  w.EndArray();
  w.Key("reactions_count");
  w.Int64(p.reactions_count);
  w.Key("replies_count");
  w.Int64(p.replies_count);
  w.Key("created_at");
  WriteString(w, FormatRfc3339(p.created_at));
  w.Key("edited_at");
  if (p.edited_at) {
    WriteString(w, FormatRfc3339(*p.edited_at));
  } else {
    w.Null();
  }
  w.Key("deal");
  if (p.deal) {
    WriteDeal(w, *p.deal);
  } else {
    w.Null();
  }
  if (view.pinned) {
    w.Key("pinned");
    w.Bool(true);
  }
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
  w.Key("type");
  WriteString(w, "Create");
  w.Key("id");
  WriteString(w, IdToString(p.id) + "/create");
  w.Key("actor");
  WriteUserSummary(w, view.author);
  w.Key("published");
  WriteString(w, published);
  w.Key("object");
  w.StartObject();
  w.Key("type");
  WriteString(w, "Note");
  w.Key("id");
  WriteString(w, IdToString(p.id));
  w.Key("content");
  WriteString(w, p.text);
  w.Key("attributedTo");
  WriteString(w, IdToString(p.author_id));
  w.Key("published");
  WriteString(w, published);
  w.Key("agora:post");
  WritePost(w, view);
  w.EndObject();
  w.EndObject();
}

void WriteNotification(JsonWriter& w, const services::NotificationView& view) {
  const notifications::Notification& n = view.notification;
  w.StartObject();
  w.Key("id");
  WriteString(w, IdToString(n.id));
  w.Key("type");
  WriteString(w, notifications::TypeName(n.type));
  w.Key("actor");
  WriteUserSummary(w, view.actor);
  if (view.post) {
    w.Key("post");
    WritePost(w, *view.post);
  }
  if (view.community) {
    w.Key("community");
    w.StartObject();
    w.Key("id");
    WriteString(w, IdToString(view.community->id));
    w.Key("name");
    WriteString(w, view.community->name);
    w.Key("visibility");
    WriteString(w, communities::VisibilityName(view.community->visibility));
    w.EndObject();
  }
  w.Key("count");
  w.Int64(n.count);
  w.Key("created_at");
  WriteString(w, FormatRfc3339(n.created_at));
  w.Key("read");
  w.Bool(n.read);
  w.EndObject();
}

std::string RenderNotificationPage(const Page<services::NotificationView>& page) {
  return RenderItems(page, WriteNotification);
}

std::string RenderCount(int64_t count) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("count");
  w.Int64(count);
  w.EndObject();
  return buffer.GetString();
}

namespace {

// {"event_id": ..., "type": ..., <body>}
template <typename WriteBody>
std::string RenderLive(Id event_id, const char* type, WriteBody write_body) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("event_id");
  WriteString(w, IdToString(event_id));
  w.Key("type");
  WriteString(w, type);
  write_body(w);
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

std::string RenderLivePost(Id event_id, const services::PostView& view) {
  return RenderLive(event_id, "post", [&](JsonWriter& w) {
    w.Key("item");
    WriteStreamItem(w, view);
  });
}

std::string RenderLiveDelete(Id event_id, Id post_id) {
  return RenderLive(event_id, "delete", [&](JsonWriter& w) {
    w.Key("post_id");
    WriteString(w, IdToString(post_id));
  });
}

std::string RenderLiveNotification(Id event_id, const services::NotificationView& view) {
  return RenderLive(event_id, "notification", [&](JsonWriter& w) {
    w.Key("notification");
    WriteNotification(w, view);
  });
}

std::string RenderLiveNotice(std::string_view type, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("type");
  WriteString(w, type);
  w.Key("message");
  WriteString(w, message);
  w.EndObject();
  return buffer.GetString();
}

std::string RenderStreamPage(const services::StreamPage& page, const std::string& base_path,
                             size_t limit) {
  auto link = [&](const char* cursor, Id id) {
    return base_path + "?" + cursor + "=" + IdToString(id) + "&limit=" + std::to_string(limit);
  };
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("@context");
  WriteString(w, "https://www.w3.org/ns/activitystreams");
  w.Key("type");
  WriteString(w, "OrderedCollectionPage");
  w.Key("orderedItems");
  w.StartArray();
  for (const auto& view : page.items) WriteStreamItem(w, view);
  w.EndArray();
  if (page.older_than) {
    w.Key("next");
    WriteString(w, link("before", *page.older_than));
  }
  if (!page.items.empty()) {
    // The newest item shown: pinned posts lead a page without being its newest.
    Id newest = 0;
    for (const auto& view : page.items) newest = std::max(newest, view.post.id);
    w.Key("prev");
    WriteString(w, link("after", newest));
  }
  w.EndObject();
  return buffer.GetString();
}

namespace {

void WriteMembershipFields(JsonWriter& w, const communities::Membership& m) {
  w.Key("role");
  WriteString(w, communities::RoleName(m.role));
  w.Key("state");
  WriteString(w, communities::StateName(m.state));
  w.Key("since");
  WriteString(w, FormatRfc3339(m.since));
}

void WriteCommunity(JsonWriter& w, const services::CommunityView& view) {
  const communities::Community& c = view.community;
  w.StartObject();
  w.Key("id");
  WriteString(w, IdToString(c.id));
  w.Key("name");
  WriteString(w, c.name);
  w.Key("description");
  WriteString(w, c.description);
  w.Key("visibility");
  WriteString(w, communities::VisibilityName(c.visibility));
  w.Key("members_count");
  w.Int64(c.members_count);
  w.Key("created_by");
  WriteString(w, IdToString(c.created_by));
  w.Key("created_at");
  WriteString(w, FormatRfc3339(c.created_at));
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
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("community_id");
  WriteString(w, IdToString(m.community_id));
  w.Key("user_id");
  WriteString(w, IdToString(m.user_id));
  WriteMembershipFields(w, m);
  w.EndObject();
  return buffer.GetString();
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
  w.Key("id");
  WriteString(w, IdToString(r.id));
  w.Key("post_id");
  WriteString(w, IdToString(r.post_id));
  w.Key("community_id");
  WriteOptionalId(w, r.community_id);
  w.Key("reporter_id");
  WriteString(w, IdToString(r.reporter_id));
  w.Key("reason");
  WriteString(w, r.reason);
  w.Key("status");
  WriteString(w, r.open ? "open" : "resolved");
  w.Key("action");
  if (r.action) {
    WriteString(w, communities::ActionName(*r.action));
  } else {
    w.Null();
  }
  w.Key("note");
  WriteString(w, r.note);
  w.Key("resolved_by");
  WriteOptionalId(w, r.resolved_by);
  w.Key("created_at");
  WriteString(w, FormatRfc3339(r.created_at));
  w.Key("resolved_at");
  if (r.resolved_at) {
    WriteString(w, FormatRfc3339(*r.resolved_at));
  } else {
    w.Null();
  }
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
    w.Key("id");
    WriteString(w, IdToString(e.record.id));
    w.Key("community_id");
    WriteString(w, IdToString(e.community_id));
    w.Key("actor_id");
    WriteString(w, IdToString(e.record.actor_id));
    w.Key("action");
    WriteString(w, e.record.action);
    w.Key("target_user_id");
    WriteOptionalId(w, e.record.target_user);
    w.Key("note");
    WriteString(w, e.record.note);
    w.Key("created_at");
    WriteString(w, FormatRfc3339(e.at));
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
    w.Key("score");
    w.Double(hit.score);
    w.Key("highlight");
    WriteString(w, hit.highlight);
    w.EndObject();
  }
  w.EndArray();
}

// "total", and "next_offset" when the page does not reach the last result.
void WriteTotal(JsonWriter& w, int64_t total, size_t offset, size_t returned) {
  w.Key("total");
  w.Int64(total);
  if (returned > 0 && static_cast<int64_t>(offset + returned) < total) {
    w.Key("next_offset");
    w.Uint64(offset + returned);
  }
}

}  // namespace

std::string RenderPostSearch(const services::PostSearchPage& page, size_t offset) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteTotal(w, page.total, offset, page.results.size());
  WritePostHits(w, page.results);
  w.EndObject();
  return buffer.GetString();
}

std::string RenderPeopleSearch(const services::PeopleSearchPage& page, size_t offset,
                               const Viewer& viewer) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteTotal(w, page.total, offset, page.results.size());
  w.Key("results");
  w.StartArray();
  for (const services::PersonHit& hit : page.results) {
    w.StartObject();
    w.Key("user");
    WriteUser(w, hit.user, viewer);
    w.Key("score");
    w.Double(hit.score);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string RenderExperts(const std::vector<services::Expert>& experts, const Viewer& viewer) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (const services::Expert& expert : experts) {
    w.StartObject();
    w.Key("user");
    WriteUser(w, expert.user, viewer);
    w.Key("score");
    w.Double(expert.score);
    w.Key("evidence");
    w.StartObject();
    w.Key("skills");
    w.StartArray();
    for (const std::string& skill : expert.skills) WriteString(w, skill);
    w.EndArray();
    w.Key("posts");
    w.StartArray();
    for (const services::PostView& post : expert.posts) WritePost(w, post);
    w.EndArray();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string RenderDealSearch(const services::DealSearchPage& page, size_t offset) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
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
  w.EndObject();
  return buffer.GetString();
}

}  // namespace agora::server
