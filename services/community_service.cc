#include "services/community_service.h"

#include <algorithm>
#include <unordered_map>

#include "profiles/user_repository.h"
#include "services/audience.h"
#include "storage/outbox.h"

namespace agora::services {
namespace {

using communities::Membership;
using communities::MembershipSource;
using communities::MembershipState;
using communities::Role;
using communities::Visibility;

bool IsMember(const std::optional<Membership>& m) {
  return m && m->state == MembershipState::kMember;
}

bool IsModerator(const std::optional<Membership>& m) {
  return IsMember(m) && communities::Moderates(m->role);
}

Status NotFound() { return Status::NotFound("no such community"); }

bool IsRuleMember(const std::optional<Membership>& m) {
  return IsMember(m) && m->source == MembershipSource::kRule;
}

// Members that the rules or the identity provider keep are not removed by hand.
Status RefuseManaged(const std::optional<Membership>& m) {
  if (IsRuleMember(m)) {
    return Status::Conflict("rule_managed",
                            "this membership comes from the community's membership rules; its "
                            "owners change the rules");
  }
  if (IsMember(m) && m->source == MembershipSource::kScim) {
    return Status::Conflict("idp_managed",
                            "this membership comes from the company's identity provider; it is "
                            "changed in the group there");
  }
  return Status::Ok();
}

using PeopleFacts = std::vector<std::pair<Id, communities::PersonFacts>>;

communities::PersonFacts FactsOf(const profiles::OrgEntry& entry, std::vector<Id> chain) {
  return {entry.department, entry.location, entry.title, std::move(chain), entry.eligible};
}

// The people membership rules are evaluated for, with what the rules look at: everyone, or
// `person` and everyone under them. Without `org_chart` (no rule tests a manager) the manager
// chains are not needed, so `person` alone is read.
Result<PeopleFacts> LoadFacts(storage::Connection& c, bool org_chart, std::optional<Id> person) {
  PeopleFacts out;
  if (!org_chart && person) {
    AGORA_ASSIGN_OR_RETURN(auto entry, profiles::OrgEntryOf(c, *person));
    if (entry) out.push_back({entry->id, FactsOf(*entry, {entry->id})});
    return out;
  }
  AGORA_ASSIGN_OR_RETURN(auto entries, profiles::OrgEntries(c));
  std::unordered_map<Id, const profiles::OrgEntry*> by_id;
  for (const auto& entry : entries) by_id.emplace(entry.id, &entry);
  for (const auto& entry : entries) {
    std::vector<Id> chain{entry.id};
    // UpdateUser refuses a cycle in the org chart; the bound guards against one anyway.
    for (auto it = by_id.find(entry.id);
         it != by_id.end() && it->second->manager_id && chain.size() <= entries.size();
         it = by_id.find(chain.back())) {
      chain.push_back(*it->second->manager_id);
    }
    if (!person || std::find(chain.begin(), chain.end(), *person) != chain.end()) {
      out.push_back({entry.id, FactsOf(entry, std::move(chain))});
    }
  }
  return out;
}

int Rank(Role role) {
  switch (role) {
    case Role::kMember:
      return 0;
    case Role::kModerator:
      return 1;
    case Role::kOwner:
      return 2;
  }
  return 0;
}

}  // namespace

CommunityService::CommunityService(storage::Store& store, IdGenerator& ids,
                                   profiles::UserRepository& users,
                                   communities::CommunityRepository& repo, FeedService& feed,
                                   NotificationService& notifications, Quotas& quotas)
    : store_(store),
      ids_(ids),
      users_(users),
      repo_(repo),
      feed_(feed),
      notifications_(notifications),
      quotas_(quotas) {}

Result<Membership> CommunityService::Transition(
    storage::Transaction& tx, Id id, Id user_id, Role role, MembershipState state,
    const std::optional<Membership>& before, const std::optional<communities::AuditRecord>& audit,
    MembershipSource source) {
  storage::Connection& c = tx.connection();
  AGORA_RETURN_IF_ERROR(repo_.SetMembership(c, id, user_id, role, state, audit, source));
  bool was_member = IsMember(before);
  bool is_member = state == MembershipState::kMember;
  // A failed timeline load is repaired by the next rebuild; the membership stands.
  if (is_member != was_member) {
    // The other nodes move their own timelines of this person (services/outbox_tailer.h).
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(
        c, storage::OutboxTopic::kMembership, id,
        is_member ? storage::OutboxKind::kCreated : storage::OutboxKind::kRemoved, user_id));
  }
  if (is_member && !was_member) tx.AfterCommit([=, this] { feed_.OnJoined(user_id, id).ok(); });
  if (was_member && !is_member) tx.AfterCommit([=, this] { feed_.OnLeft(user_id, id); });
  AGORA_ASSIGN_OR_RETURN(auto written, repo_.MembershipOf(c, id, user_id));
  return *written;
}

Status CommunityService::Drop(storage::Transaction& tx, Id id, Id user_id,
                              const std::optional<Membership>& before,
                              const std::optional<communities::AuditRecord>& audit) {
  AGORA_RETURN_IF_ERROR(repo_.RemoveMembership(tx.connection(), id, user_id, audit));
  if (IsMember(before)) {
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(tx.connection(), storage::OutboxTopic::kMembership,
                                                id, storage::OutboxKind::kRemoved, user_id));
    tx.AfterCommit([=, this] { feed_.OnLeft(user_id, id); });
  }
  return Status::Ok();
}

communities::AuditRecord CommunityService::Record(const Viewer& viewer, std::string action,
                                                  std::optional<Id> target, std::string note) {
  return {ids_.next(), viewer.user_id, std::move(action), target, std::move(note)};
}

Result<CommunityView> CommunityService::Visible(storage::Connection& c, const Viewer& viewer,
                                                Id id) {
  AGORA_ASSIGN_OR_RETURN(auto community, repo_.Find(c, id));
  AGORA_ASSIGN_OR_RETURN(auto membership, repo_.MembershipOf(c, id, viewer.user_id));
  if (!MayKnowCommunity(viewer, community.visibility, membership)) return NotFound();
  return CommunityView{std::move(community), membership};
}

Result<CommunityView> CommunityService::Moderated(storage::Connection& c, const Viewer& viewer,
                                                  Id id) {
  AGORA_ASSIGN_OR_RETURN(auto view, Visible(c, viewer, id));
  if (!IsModerator(view.membership)) {
    return Status::PermissionDenied("only this community's moderators may do that");
  }
  return view;
}

Result<std::optional<Membership>> CommunityService::Outranked(storage::Connection& c,
                                                              const CommunityView& acting,
                                                              Id target) {
  if (target == acting.membership->user_id) {
    return Status::Unprocessable("self_target", "moderators cannot do that to themselves");
  }
  AGORA_RETURN_IF_ERROR(profiles::LoadUser(c, target).status());
  AGORA_ASSIGN_OR_RETURN(auto membership, repo_.MembershipOf(c, acting.community.id, target));
  bool outranks = !IsMember(membership) || acting.membership->role == Role::kOwner ||
                  Rank(acting.membership->role) > Rank(membership->role);
  if (!outranks) {
    return Status::PermissionDenied("moderators cannot act on moderators or owners");
  }
  return membership;
}

Status CommunityService::KeepAnOwner(storage::Connection& c, Id id,
                                     const std::optional<Membership>& target) {
  if (!IsMember(target) || target->role != Role::kOwner) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(int64_t owners, repo_.CountOwners(c, id));
  if (owners <= 1) return Status::Conflict("last_owner", "a community keeps at least one owner");
  return Status::Ok();
}

Result<Membership> CommunityService::InState(storage::Connection& c, Id id, Id user_id,
                                             MembershipState state, const char* missing) {
  AGORA_ASSIGN_OR_RETURN(auto current, repo_.MembershipOf(c, id, user_id));
  if (!current || current->state != state) return Status::NotFound(missing);
  return *current;
}

Result<CommunityView> CommunityService::Create(const Viewer& viewer,
                                               const communities::CommunityChanges& fields) {
  if (!fields.name) return Status::Unprocessable("missing_field", "field 'name' is required");
  if (!fields.visibility) {
    return Status::Unprocessable("missing_field", "field 'visibility' is required");
  }
  AGORA_RETURN_IF_ERROR(communities::ValidateChanges(fields));
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kCreateCommunity));
  return store_.Transact<CommunityView>([&](storage::Transaction& tx) -> Result<CommunityView> {
    Id id = ids_.next();
    AGORA_RETURN_IF_ERROR(repo_
                              .Create(tx.connection(), id, viewer.user_id, fields,
                                      Record(viewer, "create", std::nullopt))
                              .status());
    return Visible(tx.connection(), viewer, id);
  });
}

Result<Page<CommunityView>> CommunityService::List(const Viewer& viewer, const std::string& q,
                                                   const PageRequest& page) {
  AGORA_ASSIGN_OR_RETURN(auto list,
                         repo_.List(q, viewer.user_id, viewer.is_admin, page, viewer.is_guest()));
  Page<CommunityView> out;
  out.next_cursor = std::move(list.next_cursor);
  for (auto& community : list.items) {
    AGORA_ASSIGN_OR_RETURN(auto membership, repo_.MembershipOf(community.id, viewer.user_id));
    out.items.push_back({std::move(community), membership});
  }
  return out;
}

Result<CommunityView> CommunityService::Get(const Viewer& viewer, Id id) {
  return store_.read([&](storage::Connection& c) { return Visible(c, viewer, id); });
}

Result<CommunityView> CommunityService::Update(const Viewer& viewer, Id id,
                                               const communities::CommunityChanges& changes) {
  AGORA_RETURN_IF_ERROR(communities::ValidateChanges(changes));
  return store_.Transact<CommunityView>([&](storage::Transaction& tx) -> Result<CommunityView> {
    storage::Connection& c = tx.connection();
    AGORA_ASSIGN_OR_RETURN(auto view, Moderated(c, viewer, id));
    if (changes.visibility && view.membership->role != Role::kOwner) {
      return Status::PermissionDenied("only owners change a community's visibility");
    }
    AGORA_ASSIGN_OR_RETURN(view.community,
                           repo_.Update(c, id, changes, Record(viewer, "update", std::nullopt)));
    return view;
  });
}

Result<Membership> CommunityService::Join(const Viewer& viewer, Id id) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kJoinRequest));
  return store_.Transact<Membership>([&](storage::Transaction& tx) -> Result<Membership> {
    if (viewer.is_guest()) {
      // A guest knows no community they were not added to; an open one, which anyone may
      // know of, answers that guests cannot join it.
      AGORA_ASSIGN_OR_RETURN(auto community, repo_.Find(tx.connection(), id));
      AGORA_ASSIGN_OR_RETURN(auto current, repo_.MembershipOf(tx.connection(), id, viewer.user_id));
      if (IsMember(current)) return *current;
      if (community.visibility != Visibility::kOpen) return NotFound();
      return GuestConfined("join communities; an admin adds them");
    }
    AGORA_ASSIGN_OR_RETURN(auto view, Visible(tx.connection(), viewer, id));
    const auto& current = view.membership;
    if (current && current->state == MembershipState::kBanned) {
      return Status(StatusCode::kPermissionDenied, "banned", "you are banned from this community");
    }
    if (current && (current->state == MembershipState::kMember ||
                    current->state == MembershipState::kPending)) {
      return *current;  // idempotent
    }
    bool invited = current && current->state == MembershipState::kInvited;
    Visibility visibility = view.community.visibility;
    if (visibility == Visibility::kSecret && !invited) return NotFound();
    MembershipState state = visibility == Visibility::kPrivate && !invited
                                ? MembershipState::kPending
                                : MembershipState::kMember;
    AGORA_ASSIGN_OR_RETURN(auto joined, Transition(tx, id, viewer.user_id, Role::kMember, state,
                                                   current, std::nullopt));
    if (state == MembershipState::kPending) {
      AGORA_RETURN_IF_ERROR(notifications_.OnJoinRequest(tx, viewer.user_id, id));
    }
    return joined;
  });
}

Status CommunityService::Leave(const Viewer& viewer, Id id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_ASSIGN_OR_RETURN(auto view, Visible(tx.connection(), viewer, id));
    const auto& current = view.membership;
    if (!current || current->state == MembershipState::kBanned) {
      return Status::Conflict("not_a_member", "you are not a member of this community");
    }
    AGORA_RETURN_IF_ERROR(RefuseManaged(current));
    AGORA_RETURN_IF_ERROR(KeepAnOwner(tx.connection(), id, current));
    return Drop(tx, id, viewer.user_id, current, std::nullopt);
  });
}

Result<Page<MemberView>> CommunityService::WithUsers(Result<Page<Membership>> page) {
  if (!page.ok()) return page.status();
  std::vector<Id> ids;
  for (const auto& m : page->items) ids.push_back(m.user_id);
  auto users = users_.Summaries(ids);
  if (!users.ok()) return users.status();
  std::unordered_map<Id, profiles::UserSummary> by_id;
  for (auto& u : *users) by_id.emplace(u.id, std::move(u));
  Page<MemberView> out;
  out.next_cursor = std::move(page->next_cursor);
  for (auto& m : page->items) {
    auto it = by_id.find(m.user_id);
    if (it != by_id.end()) out.items.push_back({m, it->second});
  }
  return out;
}

Result<Page<MemberView>> CommunityService::Members(const Viewer& viewer, Id id,
                                                   std::optional<Role> role,
                                                   const PageRequest& page) {
  AGORA_ASSIGN_OR_RETURN(auto view, Get(viewer, id));
  if (view.community.visibility != Visibility::kOpen && !IsMember(view.membership) &&
      !viewer.is_admin) {
    return Status::PermissionDenied("members of a private community are listed to members only");
  }
  return WithUsers(repo_.Memberships(id, MembershipState::kMember, role, page));
}

Result<Membership> CommunityService::Invite(const Viewer& viewer, Id id, Id user_id) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kInvite));
  return store_.Transact<Membership>([&](storage::Transaction& tx) -> Result<Membership> {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(Moderated(c, viewer, id).status());
    AGORA_ASSIGN_OR_RETURN(auto user, profiles::LoadUser(c, user_id));
    if (!user.active) return Status::NotFound("no such user");
    if (user.guest_until && !viewer.is_admin) {
      return GuestConfined("be invited by moderators; an admin adds them to communities");
    }
    AGORA_ASSIGN_OR_RETURN(auto current, repo_.MembershipOf(c, id, user_id));
    if (current && current->state == MembershipState::kBanned) {
      return Status::Conflict("banned", "that person is banned; unban them first");
    }
    if (current && current->state == MembershipState::kMember) {
      return Status::Conflict("already_member", "that person is already a member");
    }
    // Someone who already asked to join is simply let in.
    MembershipState state = current && current->state == MembershipState::kPending
                                ? MembershipState::kMember
                                : MembershipState::kInvited;
    AGORA_ASSIGN_OR_RETURN(auto invited, Transition(tx, id, user_id, Role::kMember, state, current,
                                                    Record(viewer, "invite", user_id)));
    if (state == MembershipState::kInvited) {
      AGORA_RETURN_IF_ERROR(notifications_.OnInvitation(tx, viewer.user_id, user_id, id));
    }
    return invited;
  });
}

Result<Membership> CommunityService::AcceptInvitation(const Viewer& viewer, Id id) {
  return store_.Transact<Membership>([&](storage::Transaction& tx) -> Result<Membership> {
    AGORA_ASSIGN_OR_RETURN(auto view, Visible(tx.connection(), viewer, id));
    if (!view.membership || view.membership->state != MembershipState::kInvited) {
      if (IsMember(view.membership)) return *view.membership;
      return Status::Conflict("no_invitation", "you have no invitation to this community");
    }
    return Transition(tx, id, viewer.user_id, Role::kMember, MembershipState::kMember,
                      view.membership, std::nullopt);
  });
}

Result<Page<MemberView>> CommunityService::Requests(const Viewer& viewer, Id id,
                                                    const PageRequest& page) {
  AGORA_RETURN_IF_ERROR(
      store_.read([&](storage::Connection& c) { return Moderated(c, viewer, id).status(); }));
  return WithUsers(repo_.Memberships(id, MembershipState::kPending, std::nullopt, page));
}

Result<Membership> CommunityService::Approve(const Viewer& viewer, Id id, Id user_id) {
  return store_.Transact<Membership>([&](storage::Transaction& tx) -> Result<Membership> {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(Moderated(c, viewer, id).status());
    AGORA_ASSIGN_OR_RETURN(
        auto current, InState(c, id, user_id, MembershipState::kPending, "no such join request"));
    return Transition(tx, id, user_id, Role::kMember, MembershipState::kMember, current,
                      Record(viewer, "approve_request", user_id));
  });
}

Status CommunityService::Reject(const Viewer& viewer, Id id, Id user_id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(Moderated(c, viewer, id).status());
    AGORA_ASSIGN_OR_RETURN(
        auto current, InState(c, id, user_id, MembershipState::kPending, "no such join request"));
    return Drop(tx, id, user_id, current, Record(viewer, "reject_request", user_id));
  });
}

Result<Membership> CommunityService::SetRole(const Viewer& viewer, Id id, Id user_id, Role role) {
  return store_.Transact<Membership>([&](storage::Transaction& tx) -> Result<Membership> {
    storage::Connection& c = tx.connection();
    AGORA_ASSIGN_OR_RETURN(auto view, Moderated(c, viewer, id));
    bool owner = view.membership->role == Role::kOwner;
    if (!owner && role != Role::kModerator) {
      return Status::PermissionDenied("moderators may only make members moderators");
    }
    std::optional<Membership> target;
    if (user_id == viewer.user_id) {
      if (!owner) return Status::PermissionDenied("moderators cannot change their own role");
      target = view.membership;
    } else {
      AGORA_ASSIGN_OR_RETURN(target, Outranked(c, view, user_id));
    }
    if (!IsMember(target)) return Status::NotFound("that person is not a member");
    if (role != Role::kOwner) AGORA_RETURN_IF_ERROR(KeepAnOwner(c, id, target));
    return Transition(tx, id, user_id, role, MembershipState::kMember, target,
                      Record(viewer, "set_role", user_id, communities::RoleName(role)));
  });
}

Status CommunityService::Remove(const Viewer& viewer, Id id, Id user_id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    storage::Connection& c = tx.connection();
    AGORA_ASSIGN_OR_RETURN(auto view, Moderated(c, viewer, id));
    AGORA_ASSIGN_OR_RETURN(auto target, Outranked(c, view, user_id));
    if (!IsMember(target)) return Status::NotFound("that person is not a member");
    AGORA_RETURN_IF_ERROR(RefuseManaged(target));
    AGORA_RETURN_IF_ERROR(KeepAnOwner(c, id, target));
    return Drop(tx, id, user_id, target, Record(viewer, "remove_member", user_id));
  });
}

Status CommunityService::Ban(storage::Transaction& tx, const Viewer& viewer, Id id, Id user_id,
                             const std::string& reason) {
  AGORA_RETURN_IF_ERROR(communities::ValidateReason(reason));
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto view, Moderated(c, viewer, id));
  AGORA_ASSIGN_OR_RETURN(auto target, Outranked(c, view, user_id));
  AGORA_RETURN_IF_ERROR(KeepAnOwner(c, id, target));
  return Transition(tx, id, user_id, Role::kMember, MembershipState::kBanned, target,
                    Record(viewer, "ban", user_id, reason))
      .status();
}

Status CommunityService::Ban(const Viewer& viewer, Id id, Id user_id, const std::string& reason) {
  return store_.Transact(
      [&](storage::Transaction& tx) { return Ban(tx, viewer, id, user_id, reason); });
}

Status CommunityService::Unban(const Viewer& viewer, Id id, Id user_id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(Moderated(c, viewer, id).status());
    AGORA_ASSIGN_OR_RETURN(auto current, InState(c, id, user_id, MembershipState::kBanned,
                                                 "that person is not banned"));
    return Drop(tx, id, user_id, current, Record(viewer, "unban", user_id));
  });
}

Status CommunityService::Reconcile(storage::Transaction& tx, Id id,
                                   const communities::MembershipRules& rules,
                                   const PeopleFacts& people, Id actor, MembershipRulesView& view) {
  storage::Connection& c = tx.connection();
  for (const auto& [user_id, facts] : people) {
    AGORA_ASSIGN_OR_RETURN(auto current, repo_.MembershipOf(c, id, user_id));
    if (communities::Matches(rules, facts)) {
      // Members stay as they came; a ban stands against the rules.
      if (current && (current->state == MembershipState::kMember ||
                      current->state == MembershipState::kBanned)) {
        continue;
      }
      AGORA_RETURN_IF_ERROR(
          Transition(tx, id, user_id, Role::kMember, MembershipState::kMember, current,
                     communities::AuditRecord{ids_.next(), actor, "rule_join", user_id, ""},
                     MembershipSource::kRule)
              .status());
      ++view.joined;
    } else if (IsRuleMember(current)) {
      if (current->role == Role::kOwner) {
        AGORA_ASSIGN_OR_RETURN(int64_t owners, repo_.CountOwners(c, id));
        if (owners <= 1) continue;  // a community keeps an owner
      }
      AGORA_RETURN_IF_ERROR(
          Drop(tx, id, user_id, current,
               communities::AuditRecord{ids_.next(), actor, "rule_leave", user_id, ""}));
      ++view.left;
    }
  }
  return Status::Ok();
}

Result<communities::MembershipRules> CommunityService::Rules(const Viewer& viewer, Id id) {
  return store_.read([&](storage::Connection& c) -> Result<communities::MembershipRules> {
    // As the members list: the rules say who is in.
    AGORA_ASSIGN_OR_RETURN(auto view, Visible(c, viewer, id));
    if (view.community.visibility != Visibility::kOpen && !IsMember(view.membership) &&
        !viewer.is_admin) {
      return Status::PermissionDenied("the rules of a private community are for its members");
    }
    return communities::LoadRules(c, id);
  });
}

Result<MembershipRulesView> CommunityService::SetRules(const Viewer& viewer, Id id,
                                                       const communities::MembershipRules& rules) {
  AGORA_RETURN_IF_ERROR(communities::ValidateRules(rules));
  return store_.Transact<MembershipRulesView>(
      [&](storage::Transaction& tx) -> Result<MembershipRulesView> {
        storage::Connection& c = tx.connection();
        AGORA_ASSIGN_OR_RETURN(auto view, Visible(c, viewer, id));
        bool owner = IsMember(view.membership) && view.membership->role == Role::kOwner;
        if (!owner && !viewer.is_admin) {
          return Status::PermissionDenied("only owners and admins set membership rules");
        }
        for (const auto& rule : rules) {
          if (!rule.manager_id) continue;
          AGORA_ASSIGN_OR_RETURN(bool exists, profiles::UserExists(c, *rule.manager_id));
          if (!exists) return Status::Unprocessable("invalid_rules", "a rule names no manager");
        }
        AGORA_RETURN_IF_ERROR(communities::ReplaceRules(c, id, rules));
        AGORA_RETURN_IF_ERROR(repo_.Record(
            c, id, Record(viewer, "set_rules", std::nullopt, std::to_string(rules.size()))));
        AGORA_ASSIGN_OR_RETURN(auto people,
                               LoadFacts(c, communities::NeedsOrgChart(rules), std::nullopt));
        MembershipRulesView out{rules};
        AGORA_RETURN_IF_ERROR(Reconcile(tx, id, rules, people, viewer.user_id, out));
        return out;
      });
}

Status CommunityService::ApplyMembershipRules(storage::Transaction& tx, Id user_id) {
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto all, communities::AllRules(c));
  if (all.empty()) return Status::Ok();
  bool org_chart = std::any_of(all.begin(), all.end(), [](const auto& community) {
    return communities::NeedsOrgChart(community.second);
  });
  AGORA_ASSIGN_OR_RETURN(auto people, LoadFacts(c, org_chart, user_id));
  MembershipRulesView counts;
  for (const auto& [id, rules] : all) {
    AGORA_RETURN_IF_ERROR(Reconcile(tx, id, rules, people, user_id, counts));
  }
  return Status::Ok();
}

Result<communities::Community> CommunityService::CreateProvisioned(
    storage::Transaction& tx, Id owner, const communities::CommunityChanges& fields,
    const std::string& note) {
  AGORA_RETURN_IF_ERROR(communities::ValidateChanges(fields));
  return repo_.Create(tx.connection(), ids_.next(), owner, fields,
                      {ids_.next(), owner, "create", std::nullopt, note});
}

Status CommunityService::RenameProvisioned(storage::Transaction& tx, Id id, const std::string& name,
                                           const std::string& note) {
  communities::CommunityChanges changes;
  changes.name = name;
  AGORA_RETURN_IF_ERROR(communities::ValidateChanges(changes));
  AGORA_ASSIGN_OR_RETURN(auto community, repo_.Find(tx.connection(), id));
  if (community.name == name) return Status::Ok();
  return repo_
      .Update(tx.connection(), id, changes,
              {ids_.next(), community.created_by, "update", std::nullopt, note})
      .status();
}

Status CommunityService::SetProvisionedMembers(storage::Transaction& tx, Id id,
                                               const std::vector<Id>& members,
                                               const std::string& note) {
  storage::Connection& c = tx.connection();
  std::vector<Id> wanted = members;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  auto audit = [&](Id user_id, const char* action) {
    return communities::AuditRecord{ids_.next(), user_id, action, user_id, note};
  };
  AGORA_ASSIGN_OR_RETURN(auto all, repo_.AllMemberships(c, id));
  for (const auto& m : all) {
    if (m.source != MembershipSource::kScim || m.state != MembershipState::kMember ||
        std::binary_search(wanted.begin(), wanted.end(), m.user_id)) {
      continue;
    }
    if (!KeepAnOwner(c, id, m).ok()) {
      AGORA_RETURN_IF_ERROR(repo_.SetSource(c, id, m.user_id, MembershipSource::kManual,
                                            audit(m.user_id, "scim_release")));
      continue;
    }
    AGORA_RETURN_IF_ERROR(Drop(tx, id, m.user_id, m, audit(m.user_id, "scim_leave")));
  }
  for (Id user_id : wanted) {
    AGORA_ASSIGN_OR_RETURN(bool exists, profiles::UserExists(c, user_id));
    if (!exists) {
      return Status::InvalidArgument("invalidValue",
                                     "members: no User has the id " + std::to_string(user_id));
    }
    AGORA_ASSIGN_OR_RETURN(auto current, repo_.MembershipOf(c, id, user_id));
    if (current && current->state == MembershipState::kBanned) continue;  // a ban stands
    if (IsMember(current)) {
      if (current->source == MembershipSource::kScim) continue;
      AGORA_RETURN_IF_ERROR(
          repo_.SetSource(c, id, user_id, MembershipSource::kScim, audit(user_id, "scim_join")));
      continue;
    }
    AGORA_RETURN_IF_ERROR(Transition(tx, id, user_id, Role::kMember, MembershipState::kMember,
                                     current, audit(user_id, "scim_join"), MembershipSource::kScim)
                              .status());
  }
  return Status::Ok();
}

Status CommunityService::UnlinkProvisioned(storage::Transaction& tx, Id id,
                                           const std::string& note) {
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto community, repo_.Find(c, id));
  AGORA_RETURN_IF_ERROR(
      repo_.Record(c, id, {ids_.next(), community.created_by, "scim_unlink", std::nullopt, note}));
  AGORA_ASSIGN_OR_RETURN(auto all, repo_.AllMemberships(c, id));
  for (const auto& m : all) {
    if (m.source != MembershipSource::kScim) continue;
    AGORA_RETURN_IF_ERROR(
        repo_.SetSource(c, id, m.user_id, MembershipSource::kManual,
                        {ids_.next(), m.user_id, "scim_release", m.user_id, note}));
  }
  return Status::Ok();
}

Result<std::vector<Id>> CommunityService::HandOverOwnership(storage::Transaction& tx, Id leaver,
                                                            Id receiver, Id actor) {
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto owned, repo_.OwnedAlone(c, leaver));
  for (Id id : owned) {
    AGORA_ASSIGN_OR_RETURN(auto current, repo_.MembershipOf(c, id, receiver));
    communities::AuditRecord audit{ids_.next(), actor, "handover", receiver,
                                   "from user " + std::to_string(leaver)};
    AGORA_RETURN_IF_ERROR(
        Transition(tx, id, receiver, Role::kOwner, MembershipState::kMember, current, audit)
            .status());
    AGORA_ASSIGN_OR_RETURN(auto leaving, repo_.MembershipOf(c, id, leaver));
    AGORA_RETURN_IF_ERROR(
        Transition(tx, id, leaver, Role::kMember, MembershipState::kMember, leaving, std::nullopt)
            .status());
    AGORA_RETURN_IF_ERROR(notifications_.OnCommunityHandedOver(tx, actor, receiver, id));
  }
  return owned;
}

Result<Page<communities::AuditEntry>> CommunityService::Audit(const Viewer& viewer, Id id,
                                                              const PageRequest& page) {
  AGORA_ASSIGN_OR_RETURN(auto view, Get(viewer, id));
  if (!IsModerator(view.membership) && !viewer.is_admin) {
    return Status::PermissionDenied("the audit log is for moderators and admins");
  }
  return repo_.Audit(id, page);
}

}  // namespace agora::services
