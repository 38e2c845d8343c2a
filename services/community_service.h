// CommunityService: communities, membership and moderation, with their access rules.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Every change is one
// transaction on the store's writer: the rule (visibility, rank, owners, ban) is re-read
// there, and the change, its audit record and its notifications are written together.
// Access: a secret community is kNotFound to anyone who is not a member or invited (admins
// excepted, for oversight); a private one is listed but its members are for members only.
// Moderators act within their own community only; owners outrank moderators, who outrank
// members, and nobody acts on someone of higher or equal rank except owners on owners.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "communities/community.h"
#include "communities/community_repository.h"
#include "communities/membership_rules.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user_repository.h"
#include "services/feed_service.h"
#include "services/notification_service.h"
#include "services/quotas.h"
#include "storage/store.h"

namespace agora::services {

struct CommunityView {
  communities::Community community;
  std::optional<communities::Membership> membership;  // the viewer's
};

struct MemberView {
  communities::Membership membership;
  profiles::UserSummary user;
};

// A community's membership rules, and who joined or left when they were last set.
struct MembershipRulesView {
  communities::MembershipRules rules;
  int64_t joined = 0;
  int64_t left = 0;
};

class CommunityService {
 public:
  // Every reference must outlive the service.
  CommunityService(storage::Store& store, IdGenerator& ids, profiles::UserRepository& users,
                   communities::CommunityRepository& repo, FeedService& feed,
                   NotificationService& notifications, Quotas& quotas);

  // The creator becomes owner. name and visibility are required.
  Result<CommunityView> Create(const Viewer& viewer, const communities::CommunityChanges& fields);
  Result<Page<CommunityView>> List(const Viewer& viewer, const std::string& q,
                                   const PageRequest& page);
  Result<CommunityView> Get(const Viewer& viewer, Id id);
  // Moderators; visibility by owners only.
  Result<CommunityView> Update(const Viewer& viewer, Id id,
                               const communities::CommunityChanges& changes);

  // open: member at once; private: a pending request (or member, when invited);
  // secret: only with an invitation. kPermissionDenied "banned" for the banned.
  Result<communities::Membership> Join(const Viewer& viewer, Id id);
  // Members, requesters and the invited may leave; kConflict "last_owner" for the only owner,
  // "rule_managed" for a member the community's rules keep, "idp_managed" for one the
  // identity provider keeps.
  Status Leave(const Viewer& viewer, Id id);
  Result<Page<MemberView>> Members(const Viewer& viewer, Id id,
                                   std::optional<communities::Role> role, const PageRequest& page);

  // Moderators.
  Result<communities::Membership> Invite(const Viewer& viewer, Id id, Id user_id);
  Result<communities::Membership> AcceptInvitation(const Viewer& viewer, Id id);
  Result<Page<MemberView>> Requests(const Viewer& viewer, Id id, const PageRequest& page);
  Result<communities::Membership> Approve(const Viewer& viewer, Id id, Id user_id);
  Status Reject(const Viewer& viewer, Id id, Id user_id);
  // Owners set any role; moderators may make a member a moderator.
  Result<communities::Membership> SetRole(const Viewer& viewer, Id id, Id user_id,
                                          communities::Role role);
  // kConflict "rule_managed" for a member the community's rules keep (change the rules),
  // "idp_managed" for one the identity provider keeps (change the group there).
  Status Remove(const Viewer& viewer, Id id, Id user_id);
  Status Ban(const Viewer& viewer, Id id, Id user_id, const std::string& reason);
  // The same, inside a larger use case's transaction (resolving a report by a ban).
  Status Ban(storage::Transaction& tx, const Viewer& viewer, Id id, Id user_id,
             const std::string& reason);
  Status Unban(const Viewer& viewer, Id id, Id user_id);
  // Membership rules (communities/membership_rules.h). Read by whoever may list the members
  // (anyone for an open community; members and admins otherwise). Owners and admins set them
  // (kPermissionDenied for others); setting them, in one transaction, adds everyone who matches (a
  // pending request or an invitation becomes a membership; a ban stands) and removes the
  // rule-managed members who no longer match, each with a "rule_join" or "rule_leave" audit record
  // by the viewer. Members who joined by hand stay. An empty list removes the rules and every
  // rule-managed member.
  Result<communities::MembershipRules> Rules(const Viewer& viewer, Id id);
  Result<MembershipRulesView> SetRules(const Viewer& viewer, Id id,
                                       const communities::MembershipRules& rules);

  // Inside the transaction that changed `user_id`'s profile, manager, or active state: brings
  // their rule-managed memberships, and those of everyone under them in the org chart (a
  // manager change moves the whole subtree), in line with every community's rules. People who
  // match join (source "rule"); rule-managed members who no longer match leave, deactivated
  // accounts and guests included; a community's only owner is never removed. Audit records
  // ("rule_join", "rule_leave") name `user_id` as the actor, and feed effects follow the
  // commit. Self-contained: call it once per changed person, after writing the change.
  Status ApplyMembershipRules(storage::Transaction& tx, Id user_id);

  // Inside a leaver's deactivation: every community where `leaver` is the only owner gets
  // `receiver` as owner (the leaver stays a plain member), with a "handover" audit record by
  // `actor` and a notification to the receiver. Returns those communities' ids.
  Result<std::vector<Id>> HandOverOwnership(storage::Transaction& tx, Id leaver, Id receiver,
                                            Id actor);

  // SCIM Groups (services/provisioning_service.h), each inside the provisioning use case's
  // transaction; audit records carry `note` (the provisioning token that acted).
  // A community the identity provider made: `owner` is its owner and the actor of its
  // "create" record. kConflict "name_taken", kUnprocessable "invalid_name".
  Result<communities::Community> CreateProvisioned(storage::Transaction& tx, Id owner,
                                                   const communities::CommunityChanges& fields,
                                                   const std::string& note);
  // Renames it; the "update" record names its creator as actor.
  Status RenameProvisioned(storage::Transaction& tx, Id id, const std::string& name,
                           const std::string& note);
  // Makes the members the identity provider manages (source "scim") exactly `members`:
  // those missing join (a pending request or an invitation becomes a membership; a member
  // who came by hand or by a rule is handed to the IdP; a ban stands), the others leave (a
  // community's only owner stays, handed back to the community). Records "scim_join" and
  // "scim_leave" with the member as actor. kInvalidArgument "invalidValue" for an id that
  // names no account.
  Status SetProvisionedMembers(storage::Transaction& tx, Id id, const std::vector<Id>& members,
                               const std::string& note);
  // The IdP lets go of the community ("scim_unlink" by its creator): its members stay, as
  // members by hand ("scim_release").
  Status UnlinkProvisioned(storage::Transaction& tx, Id id, const std::string& note);

  // Moderators of the community, and admins.
  Result<Page<communities::AuditEntry>> Audit(const Viewer& viewer, Id id, const PageRequest& page);

 private:
  // The community as `viewer` may know it: kNotFound for a secret one they may not see.
  Result<CommunityView> Visible(storage::Connection& c, const Viewer& viewer, Id id);
  // Visible, and the viewer moderates it.
  Result<CommunityView> Moderated(storage::Connection& c, const Viewer& viewer, Id id);
  // The target's membership, checked against the acting moderator's rank.
  Result<std::optional<communities::Membership>> Outranked(storage::Connection& c,
                                                           const CommunityView& acting, Id target);
  communities::AuditRecord Record(const Viewer& viewer, std::string action,
                                  std::optional<Id> target, std::string note = {});
  Result<Page<MemberView>> WithUsers(Result<Page<communities::Membership>> page);
  // Sets a membership and, after commit, tells the feed when someone became or stopped being
  // a member. Returns the membership as written.
  Result<communities::Membership> Transition(
      storage::Transaction& tx, Id id, Id user_id, communities::Role role,
      communities::MembershipState state, const std::optional<communities::Membership>& before,
      const std::optional<communities::AuditRecord>& audit,
      communities::MembershipSource source = communities::MembershipSource::kManual);
  // Brings the memberships of `people` in community `id` in line with `rules`; counts the
  // joins and leaves into `view`.
  Status Reconcile(storage::Transaction& tx, Id id, const communities::MembershipRules& rules,
                   const std::vector<std::pair<Id, communities::PersonFacts>>& people, Id actor,
                   MembershipRulesView& view);
  Status Drop(storage::Transaction& tx, Id id, Id user_id,
              const std::optional<communities::Membership>& before,
              const std::optional<communities::AuditRecord>& audit);
  // kConflict "last_owner" when `target` is the community's only owner.
  Status KeepAnOwner(storage::Connection& c, Id id,
                     const std::optional<communities::Membership>& target);
  // `user`'s membership when it is in `state`; kNotFound with `missing` otherwise.
  Result<communities::Membership> InState(storage::Connection& c, Id id, Id user_id,
                                          communities::MembershipState state, const char* missing);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& repo_;
  FeedService& feed_;
  NotificationService& notifications_;
  Quotas& quotas_;
};

}  // namespace agora::services
