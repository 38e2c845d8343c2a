#include "server/json_codec.h"

namespace agora::server {

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

void WriteUser(JsonWriter& w, const profiles::User& u, const Viewer& viewer,
               const std::vector<Id>* guest_communities) {
  w.StartObject();
  WriteUserMembers(w, u, viewer, guest_communities);
  w.EndObject();
}

void WriteUserMembers(JsonWriter& w, const profiles::User& u, const Viewer& viewer,
                      const std::vector<Id>* guest_communities) {
  IdMember(w, "id", u.id);
  StringMember(w, "username", u.username);
  StringMember(w, "display_name", u.display_name);
  StringMember(w, "title", u.title);
  StringMember(w, "department", u.department);
  StringMember(w, "location", u.location);
  IdMember(w, "manager_id", u.manager_id);
  StringsMember(w, "skills", u.skills);
  StringsMember(w, "languages", u.languages);
  w.Key("verified_skills");
  w.StartArray();
  for (const auto& v : u.verified_skills) {
    if (v.community_id && viewer.user_id != u.id) continue;  // see profiles::VerifiedSkill
    w.StartObject();
    StringMember(w, "skill", v.skill);
    IdMember(w, "quiz_id", v.quiz_id);
    TimeMember(w, "passed_at", v.passed_at);
    w.EndObject();
  }
  w.EndArray();
  StringMember(w, "bio", u.bio);
  IntMember(w, "followers_count", u.followers_count);
  IntMember(w, "following_count", u.following_count);
  BoolMember(w, "active", u.active);
  BoolMember(w, "guest", u.guest_until.has_value());
  if (u.guest_until) TimeMember(w, "guest_until", *u.guest_until);
  if (guest_communities) {
    w.Key("guest_communities");
    w.StartArray();
    for (Id id : *guest_communities) w.String(IdToString(id).c_str());
    w.EndArray();
  }
  TimeMember(w, "created_at", u.created_at);
  if (viewer.user_id == u.id || viewer.is_admin) {
    StringMember(w, "email", u.email);
    std::vector<std::string> roles{profiles::RoleName(u.role)};
    if (u.sales_ops) roles.emplace_back("sales_ops");
    StringsMember(w, "roles", roles);
    if (!u.external_id.empty()) StringMember(w, "external_id", u.external_id);
    if (!u.employee_number.empty()) StringMember(w, "employee_number", u.employee_number);
  }
}

std::string RenderUser(const profiles::User& user, const Viewer& viewer) {
  return RenderDocument([&](JsonWriter& w) { WriteUser(w, user, viewer); });
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
  IdMember(w, "deal_id", p.deal_id);
  if (p.kind == posts::PostKind::kQuestion && !p.in_reply_to) {
    IdMember(w, "accepted_answer_id", p.accepted_answer_id);
  }
  if (view.pinned) BoolMember(w, "pinned", true);
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
  if (n.deal_id) IdMember(w, "deal_id", *n.deal_id);
  IntMember(w, "count", n.count);
  TimeMember(w, "created_at", n.created_at);
  BoolMember(w, "read", n.read);
  w.EndObject();
}

}  // namespace agora::server
