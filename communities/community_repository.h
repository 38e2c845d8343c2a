// CommunityRepository: communities, memberships and the audit log in SQLite.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Every change made by
// a moderator or owner on someone's behalf is written to the audit log in the same transaction.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "communities/community.h"
#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::communities {

// One line of a community's audit log, written with the change it records.
struct AuditRecord {
  Id id = 0;
  Id actor_id = 0;
  std::string action;  // e.g. "create", "invite", "approve_request", "ban", "set_role"
  std::optional<Id> target_user;
  std::string note;
};

// What the read-time audience check needs of one community for one person.
struct CommunityAudience {
  Visibility visibility = Visibility::kSecret;
  std::optional<Membership> membership;  // nullopt: no membership row
};

struct AuditEntry {
  AuditRecord record;
  Id community_id = 0;
  UnixMillis at = 0;
};

class CommunityRepository {
 public:
  // `store` and `clock` must outlive the repository.
  CommunityRepository(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Methods taking a Connection run inside the caller's transaction (a use case's, or a
  // read); the others read on a reader connection of their own.

  // Creates the community with `owner` as its first member and owner. kConflict "name_taken"
  // when a community `owner` can see has the same NameKey (core/name_key.h).
  Result<Community> Create(storage::Connection& c, Id id, Id owner, const CommunityChanges& fields,
                           const AuditRecord& audit);
  Result<Community> Find(Id id);
  Result<Community> Find(storage::Connection& c, Id id);
  Result<Community> Update(storage::Connection& c, Id id, const CommunityChanges& changes,
                           const AuditRecord& audit);

  // Appends one entry to the community's audit log, for actions recorded elsewhere.
  Status Record(storage::Connection& c, Id community_id, const AuditRecord& audit);

  // nullopt when `user` has no membership row.
  Result<std::optional<Membership>> MembershipOf(Id community_id, Id user_id);
  Result<std::optional<Membership>> MembershipOf(storage::Connection& c, Id community_id,
                                                 Id user_id);

  // The visibility of each of `community_ids` that exists, with `user_id`'s membership, in
  // one read (a page of posts from many communities costs one query, not two per community).
  // Communities that do not exist are absent.
  Result<std::unordered_map<Id, CommunityAudience>> AudiencesOf(std::span<const Id> community_ids,
                                                                Id user_id);

  // Communities whose NameKey contains `q`'s, by id. Secret ones only when
  // `viewer` is a member or invited, or when `include_secret`; with `joined_only` (a guest's
  // list), only those where `viewer` is a member or invited.
  Result<Page<Community>> List(const std::string& q, Id viewer, bool include_secret,
                               const PageRequest& page, bool joined_only = false);

  // Sets `user`'s membership row (creating it) and keeps members_count right. `source` is
  // written when the row is new or changes state; a row that keeps its state keeps its source.
  Status SetMembership(storage::Connection& c, Id community_id, Id user_id, Role role,
                       MembershipState state, const std::optional<AuditRecord>& audit,
                       MembershipSource source = MembershipSource::kManual);
  // Changes who manages `user`'s membership (state and role stay), with `audit`.
  Status SetSource(storage::Connection& c, Id community_id, Id user_id, MembershipSource source,
                   const AuditRecord& audit);
  // Deletes `user`'s membership row, if any.
  Status RemoveMembership(storage::Connection& c, Id community_id, Id user_id,
                          const std::optional<AuditRecord>& audit);
  // Owners of the community in state member.
  Result<int64_t> CountOwners(storage::Connection& c, Id community_id);
  // Members of the community in `role`, at most `limit`, by user id.
  Result<std::vector<Id>> MembersInRole(storage::Connection& c, Id community_id, Role role,
                                        int limit);

  // Every membership row of the community, in any state.
  Result<std::vector<Membership>> AllMemberships(storage::Connection& c, Id community_id);
  // Communities where `user` is the one and only owner, by id.
  Result<std::vector<Id>> OwnedAlone(storage::Connection& c, Id user_id);

  // Memberships in `state`, optionally of one role, by user id.
  Result<Page<Membership>> Memberships(Id community_id, MembershipState state,
                                       std::optional<Role> role, const PageRequest& page);

  // Communities where `user` is a member (state member).
  Result<std::vector<Id>> MemberCommunityIds(Id user_id);
  Result<std::vector<Id>> MemberCommunityIds(storage::Connection& c, Id user_id);
  // The ones among `people` who are members of a community where `user` is a member too, in
  // the order given (`user` themself only when they are a member somewhere).
  Result<std::vector<Id>> CoMembersAmong(Id user_id, const std::vector<Id>& people);
  // Every open community: content anyone may read.
  Result<std::vector<Id>> OpenCommunityIds();
  // Communities with more than `threshold` members.
  Result<std::vector<Id>> CommunitiesWithMoreMembersThan(int64_t threshold);

  // The audit log, newest first.
  Result<Page<AuditEntry>> Audit(Id community_id, const PageRequest& page);

 private:
  storage::Store& store_;
  const Clock& clock_;
};

// Inside a write transaction: appends `audit` to the community's log.
Status WriteAudit(storage::Connection& c, Id community_id, const AuditRecord& audit,
                  UnixMillis now);

// Inside a write transaction: the members of `community_id`, unless there are more than
// `threshold` (then nullopt: too large to fan out).
Result<std::optional<std::vector<Id>>> MembersUnlessLarge(storage::Connection& c, Id community_id,
                                                          int64_t threshold);

}  // namespace agora::communities
