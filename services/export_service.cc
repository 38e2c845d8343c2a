#include "services/export_service.h"

#include <span>

#include "profiles/account_records.h"
#include "profiles/user_repository.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

using storage::Connection;
using storage::Statement;

enum class Kind { kId, kInt, kReal, kBool, kText, kTime, kList };

struct Column {
  std::string_view name;
  Kind kind;
};

// What one table contributes: its record type, the query and how to read each column.
struct Section {
  std::string_view type;
  const char* sql;
  std::span<const Column> columns;
};

ExportValue ReadValue(const Statement& s, int index, Kind kind) {
  if (s.column_is_null(index)) {
    return kind == Kind::kList ? ExportValue(std::vector<std::string>()) : std::monostate();
  }
  switch (kind) {
    case Kind::kId:
      return ExportId{s.column_int64(index)};
    case Kind::kInt:
      return s.column_int64(index);
    case Kind::kReal:
      return s.column_double(index);
    case Kind::kBool:
      return s.column_int64(index) != 0;
    case Kind::kText:
      return s.column_text(index);
    case Kind::kTime:
      return ExportTime{s.column_int64(index)};
    case Kind::kList: {
      // group_concat(..., '\x1f'): a separator no profile text may hold.
      std::vector<std::string> items;
      std::string joined = s.column_text(index);
      size_t start = 0;
      while (start <= joined.size()) {
        size_t end = joined.find('\x1f', start);
        if (end == std::string::npos) end = joined.size();
        if (end > start) items.push_back(joined.substr(start, end - start));
        start = end + 1;
      }
      return items;
    }
  }
  return std::monostate();
}

template <typename... Args>
Status Emit(Connection& c, const Section& section, const ExportSink& sink, const Args&... args) {
  auto stmt = c.prepare(section.sql);
  if (!stmt.ok()) return stmt.status();
  storage::BindAll(**stmt, args...);
  ExportRecord record{section.type, {}};
  for (;;) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    record.fields.clear();
    for (size_t i = 0; i < section.columns.size(); ++i) {
      record.fields.emplace_back(section.columns[i].name,
                                 ReadValue(**stmt, static_cast<int>(i), section.columns[i].kind));
    }
    AGORA_RETURN_IF_ERROR(sink(record));
  }
}

// A read transaction on a reader connection: every query sees the same snapshot.
template <typename Fn>
Status InSnapshot(Connection& c, Fn&& fn) {
  AGORA_RETURN_IF_ERROR(c.exec("BEGIN"));
  Status status = fn();
  Status ended = c.exec(status.ok() ? "COMMIT" : "ROLLBACK");
  return status.ok() ? ended : status;
}

// The columns of a user, private fields included; never the password hash.
#define AGORA_USER_SELECT                                                                        \
  "SELECT id, username, display_name, email, title, department, location, bio, manager_id, "     \
  "(SELECT group_concat(skill, '\x1f') FROM (SELECT skill FROM user_skills "                     \
  "WHERE user_id = users.id ORDER BY position) AS s), "                                          \
  "(SELECT group_concat(language, '\x1f') FROM (SELECT language FROM user_languages "            \
  "WHERE user_id = users.id ORDER BY position) AS l), "                                          \
  "role, sales_ops, active, external_id, NULLIF(employee_number, ''), guest_until, created_at, " \
  "updated_at FROM users "

constexpr Column kUserColumns[] = {{"id", Kind::kId},
                                   {"username", Kind::kText},
                                   {"display_name", Kind::kText},
                                   {"email", Kind::kText},
                                   {"title", Kind::kText},
                                   {"department", Kind::kText},
                                   {"location", Kind::kText},
                                   {"bio", Kind::kText},
                                   {"manager_id", Kind::kId},
                                   {"skills", Kind::kList},
                                   {"languages", Kind::kList},
                                   {"role", Kind::kText},
                                   {"sales_ops", Kind::kBool},
                                   {"active", Kind::kBool},
                                   {"external_id", Kind::kText},
                                   {"employee_number", Kind::kText},
                                   {"guest_until", Kind::kTime},
                                   {"created_at", Kind::kTime},
                                   {"updated_at", Kind::kTime}};
constexpr Column kFollowColumns[] = {{"follower_id", Kind::kId}, {"followee_id", Kind::kId}};
constexpr Column kPostColumns[] = {
    {"id", Kind::kId},      {"author_id", Kind::kId},    {"community_id", Kind::kId},
    {"kind", Kind::kText},  {"text", Kind::kText},       {"in_reply_to", Kind::kId},
    {"deal_id", Kind::kId}, {"created_at", Kind::kTime}, {"edited_at", Kind::kTime}};
constexpr Column kReactionColumns[] = {{"post_id", Kind::kId},
                                       {"user_id", Kind::kId},
                                       {"type", Kind::kText},
                                       {"created_at", Kind::kTime}};
constexpr Column kDealColumns[] = {
    {"id", Kind::kId},           {"external_id", Kind::kText}, {"owner_id", Kind::kId},
    {"customer", Kind::kText},   {"sector", Kind::kText},      {"product", Kind::kText},
    {"region", Kind::kText},     {"amount_minor", Kind::kInt}, {"currency", Kind::kText},
    {"outcome", Kind::kText},    {"closed_on", Kind::kText},   {"new_customer", Kind::kBool},
    {"created_at", Kind::kTime}, {"updated_at", Kind::kTime}};
constexpr Column kQuizAttemptColumns[] = {{"id", Kind::kId},       {"quiz_id", Kind::kId},
                                          {"user_id", Kind::kId},  {"score", Kind::kReal},
                                          {"passed", Kind::kBool}, {"created_at", Kind::kTime}};
constexpr Column kVerifiedSkillColumns[] = {{"user_id", Kind::kId},
                                            {"skill", Kind::kText},
                                            {"quiz_id", Kind::kId},
                                            {"passed_at", Kind::kTime},
                                            {"community_id", Kind::kId}};
#define AGORA_POST_SELECT \
  "SELECT id, author_id, community_id, kind, text, in_reply_to, deal_id, created_at, edited_at "
#define AGORA_DEAL_SELECT                                                               \
  "SELECT id, external_id, owner_id, customer, sector, product, region, amount_minor, " \
  "currency, outcome, closed_on, new_customer, created_at, updated_at FROM sales_deals "

// Whether the person ?1 may read post `p` now: the rule of services/audience.cc (company-wide,
// an open community, or a community they are a member of), in SQL so the export filters in
// its one snapshot.
#define AGORA_READABLE_POST                                                                 \
  "(p.community_id IS NULL OR EXISTS (SELECT 1 FROM communities c WHERE c.id = "            \
  "p.community_id AND c.visibility = 'open') OR EXISTS (SELECT 1 FROM memberships m WHERE " \
  "m.community_id = p.community_id AND m.user_id = ?1 AND m.state = 'member'))"

// One person's sections, each bound to the person's id (as often as its query names it).
const Section kPersonUser{"user", AGORA_USER_SELECT "WHERE id = ?1", kUserColumns};
const Section kPersonFollows{
    "follow",
    "SELECT follower_id, followee_id FROM follows WHERE follower_id = ?1 OR followee_id = ?1 "
    "ORDER BY id",
    kFollowColumns};
constexpr Column kPersonMembershipColumns[] = {{"community_id", Kind::kId},
                                               {"community_name", Kind::kText},
                                               {"role", Kind::kText},
                                               {"state", Kind::kText},
                                               {"since", Kind::kTime}};
const Section kPersonMemberships{
    "membership",
    "SELECT m.community_id, c.name, m.role, m.state, m.since FROM memberships m "
    "JOIN communities c ON c.id = m.community_id WHERE m.user_id = ?1 "
    // A ban from a secret community hides it, as from anyone outside.
    "AND NOT (m.state = 'banned' AND c.visibility = 'secret') ORDER BY m.community_id",
    kPersonMembershipColumns};
const Section kPersonPosts{
    "post", AGORA_POST_SELECT "FROM posts WHERE author_id = ?1 AND deleted_at IS NULL ORDER BY id",
    kPostColumns};
const Section kPersonReactions{"reaction",
                               "SELECT r.post_id, r.user_id, r.type, r.created_at FROM reactions r "
                               "JOIN posts p ON p.id = r.post_id WHERE r.user_id = ?1 AND "
                               "p.deleted_at IS NULL AND " AGORA_READABLE_POST
                               " ORDER BY r.created_at",
                               kReactionColumns};
constexpr Column kNotificationColumns[] = {
    {"id", Kind::kId},      {"type", Kind::kText},       {"actor_id", Kind::kId},
    {"post_id", Kind::kId}, {"community_id", Kind::kId}, {"deal_id", Kind::kId},
    {"count", Kind::kInt},  {"created_at", Kind::kTime}, {"read_at", Kind::kTime}};
const Section kPersonNotifications{
    "notification",
    "SELECT n.id, n.type, n.actor_id, n.post_id, n.community_id, n.deal_id, n.count, "
    "n.created_at, n.read_at FROM notifications n LEFT JOIN posts p ON p.id = n.post_id "
    "WHERE n.recipient_id = ?1 AND (n.post_id IS NULL OR (p.deleted_at IS NULL "
    "AND " AGORA_READABLE_POST
    ")) AND (n.community_id IS NULL OR "
    "EXISTS (SELECT 1 FROM communities c WHERE c.id = n.community_id AND c.visibility != "
    "'secret') OR EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = n.community_id "
    "AND m.user_id = ?1 AND m.state IN ('member', 'invited'))) ORDER BY n.id",
    kNotificationColumns};
const Section kPersonDeals{"deal",
                           AGORA_DEAL_SELECT
                           "WHERE owner_id = ?1 OR id IN (SELECT deal_id FROM sales_deal_team "
                           "WHERE user_id = ?1) ORDER BY id",
                           kDealColumns};
constexpr Column kDealMemberColumns[] = {
    {"deal_id", Kind::kId}, {"user_id", Kind::kId}, {"share_bp", Kind::kInt}};
const Section kPersonDealShares{
    "deal_member",
    "SELECT deal_id, user_id, share_bp FROM sales_deal_team WHERE user_id = ?1 ORDER BY deal_id",
    kDealMemberColumns};
const Section kPersonQuizAttempts{
    "quiz_attempt",
    "SELECT id, quiz_id, user_id, score, passed, created_at FROM quiz_attempts "
    "WHERE user_id = ?1 ORDER BY id",
    kQuizAttemptColumns};
const Section kPersonVerifiedSkills{
    "verified_skill",
    "SELECT user_id, skill, quiz_id, passed_at, community_id FROM verified_skills "
    "WHERE user_id = ?1 ORDER BY skill",
    kVerifiedSkillColumns};

// The whole network, table by table, in a stable order.
constexpr Column kCommunityColumns[] = {
    {"id", Kind::kId},           {"name", Kind::kText},     {"description", Kind::kText},
    {"visibility", Kind::kText}, {"created_by", Kind::kId}, {"created_at", Kind::kTime}};
constexpr Column kMembershipColumns[] = {{"community_id", Kind::kId},
                                         {"user_id", Kind::kId},
                                         {"role", Kind::kText},
                                         {"state", Kind::kText},
                                         {"since", Kind::kTime}};
const Section kNetwork[] = {
    {"user", AGORA_USER_SELECT "ORDER BY id", kUserColumns},
    {"follow", "SELECT follower_id, followee_id FROM follows ORDER BY id", kFollowColumns},
    {"community",
     "SELECT id, name, description, visibility, created_by, created_at FROM communities "
     "ORDER BY id",
     kCommunityColumns},
    {"membership",
     "SELECT community_id, user_id, role, state, since FROM memberships "
     "ORDER BY community_id, user_id",
     kMembershipColumns},
    {"post", AGORA_POST_SELECT "FROM posts WHERE deleted_at IS NULL ORDER BY id", kPostColumns},
    {"reaction",
     "SELECT r.post_id, r.user_id, r.type, r.created_at FROM reactions r "
     "JOIN posts p ON p.id = r.post_id WHERE p.deleted_at IS NULL ORDER BY r.post_id, r.user_id",
     kReactionColumns},
    {"deal", AGORA_DEAL_SELECT "ORDER BY id", kDealColumns},
    {"deal_member", "SELECT deal_id, user_id, share_bp FROM sales_deal_team ORDER BY deal_id",
     kDealMemberColumns},
    {"quiz_attempt",
     "SELECT id, quiz_id, user_id, score, passed, created_at FROM quiz_attempts ORDER BY id",
     kQuizAttemptColumns},
    {"verified_skill",
     "SELECT user_id, skill, quiz_id, passed_at, community_id FROM verified_skills "
     "ORDER BY user_id, skill",
     kVerifiedSkillColumns},
};

#undef AGORA_USER_SELECT
#undef AGORA_POST_SELECT
#undef AGORA_DEAL_SELECT
#undef AGORA_READABLE_POST

}  // namespace

ExportService::ExportService(storage::Store& store, IdGenerator& ids, const Clock& clock)
    : store_(store), ids_(ids), clock_(clock) {}

Status ExportService::Audit(const Viewer& viewer, Id user_id, std::string_view action) {
  return store_.write([&](Connection& c) {
    return profiles::AppendAccountAudit(c, ids_.next(), viewer.user_id, user_id, action, "",
                                        clock_.now_ms());
  });
}

Status ExportService::ExportPerson(const Viewer& viewer, const profiles::UserRef& target,
                                   const ExportSink& sink) {
  auto id = store_.read([&](Connection& c) -> Result<std::optional<Id>> {
    if (target.id) {
      AGORA_ASSIGN_OR_RETURN(bool exists, profiles::UserExists(c, *target.id));
      return exists ? target.id : std::nullopt;
    }
    return storage::ReadOne(
        c, "SELECT id FROM users WHERE username = ?",
        [](Statement& s) { return s.column_int64(0); },
        profiles::NormalizeUsername(target.username));
  });
  if (!id.ok()) return id.status();
  if (!*id) return Status::NotFound("no such user");
  Id person = **id;
  if (person != viewer.user_id) {
    if (!viewer.is_admin) return Status::PermissionDenied("only admins export other people");
    AGORA_RETURN_IF_ERROR(Audit(viewer, person, "export_person"));
  }
  return store_.read([&](Connection& c) {
    return InSnapshot(c, [&]() -> Status {
      // In the order of kPersonRecordTypes.
      for (const Section* section :
           {&kPersonUser, &kPersonVerifiedSkills, &kPersonFollows, &kPersonMemberships,
            &kPersonPosts, &kPersonReactions, &kPersonNotifications, &kPersonDeals,
            &kPersonDealShares, &kPersonQuizAttempts}) {
        AGORA_RETURN_IF_ERROR(Emit(c, *section, sink, person));
      }
      return Status::Ok();
    });
  });
}

Status ExportService::ExportNetwork(const Viewer& viewer, const ExportSink& sink) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins export the network");
  AGORA_RETURN_IF_ERROR(Audit(viewer, viewer.user_id, "export_network"));
  return store_.read([&](Connection& c) {
    return InSnapshot(c, [&]() -> Status {
      for (const Section& section : kNetwork) AGORA_RETURN_IF_ERROR(Emit(c, section, sink));
      return Status::Ok();
    });
  });
}

}  // namespace agora::services
