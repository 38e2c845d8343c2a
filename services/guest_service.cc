#include "services/guest_service.h"

#include <algorithm>
#include <string>

#include "profiles/account_records.h"
#include "storage/outbox.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

using communities::MembershipState;
using communities::Role;

Status AdminsOnly() { return Status::PermissionDenied("only admins manage guests"); }

Status InvalidCommunities(std::string message) {
  return Status::Unprocessable("invalid_communities", std::move(message));
}

// Community ids, sorted and without repeats.
std::vector<Id> Distinct(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string Note(UnixMillis guest_until, const std::vector<Id>& communities) {
  std::string note = "until " + std::to_string(guest_until) + "; communities";
  for (Id id : communities) note += " " + IdToString(id);
  return note;
}

}  // namespace

GuestService::GuestService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                           profiles::UserRepository& users,
                           communities::CommunityRepository& communities, AccountService& accounts,
                           FeedService& feed)
    : store_(store),
      clock_(clock),
      ids_(ids),
      users_(users),
      communities_(communities),
      accounts_(accounts),
      feed_(feed) {}

Status GuestService::ValidateEnd(UnixMillis guest_until) const {
  UnixMillis now = clock_.now_ms();
  if (guest_until <= now || guest_until - now > GuestLimits::kLongestTermMs) {
    return Status::Unprocessable("invalid_guest_until",
                                 "guest_until is a time in the future, at most a year away");
  }
  return Status::Ok();
}

Status GuestService::ValidateCommunities(storage::Connection& c,
                                         const std::vector<Id>& community_ids) {
  if (community_ids.empty()) return InvalidCommunities("a guest belongs to at least one community");
  if (community_ids.size() > GuestLimits::kCommunitiesMax) {
    return InvalidCommunities("a guest belongs to at most 20 communities");
  }
  for (Id id : community_ids) {
    auto community = communities_.Find(c, id);
    if (!community.ok()) {
      if (community.status().code() != StatusCode::kNotFound) return community.status();
      return InvalidCommunities("no community has the id " + IdToString(id));
    }
  }
  return Status::Ok();
}

Status GuestService::Add(storage::Transaction& tx, const Viewer& viewer, Id guest,
                         Id community_id) {
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto current, communities_.MembershipOf(c, community_id, guest));
  if (current && current->state == MembershipState::kMember) return Status::Ok();
  // An admin's decision outweighs a moderator's ban: the guest is let in, and the log says so.
  AGORA_RETURN_IF_ERROR(communities_.SetMembership(
      c, community_id, guest, Role::kMember, MembershipState::kMember,
      communities::AuditRecord{ids_.next(), viewer.user_id, "add_guest", guest, ""}));
  AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kMembership, community_id,
                                              storage::OutboxKind::kCreated, guest));
  // A failed timeline load is repaired by the next rebuild; the membership stands.
  tx.AfterCommit([this, guest, community_id] { feed_.OnJoined(guest, community_id).ok(); });
  return Status::Ok();
}

Result<GuestAccount> GuestService::Invite(const Viewer& viewer, const profiles::NewUser& user,
                                          const std::vector<Id>& community_ids) {
  if (!viewer.is_admin) return AdminsOnly();
  if (!user.guest_until) {
    return Status::Unprocessable("missing_field", "field 'guest_until' is required");
  }
  if (user.role != profiles::Role::kMember) {
    return Status::Unprocessable("guest_confined", "a guest cannot be an admin");
  }
  AGORA_RETURN_IF_ERROR(ValidateEnd(*user.guest_until));
  AGORA_RETURN_IF_ERROR(profiles::ValidateUsername(user.username));
  AGORA_RETURN_IF_ERROR(profiles::ValidatePassword(user.password));
  if (!user.profile.display_name) {
    return Status::Unprocessable("missing_field", "field 'display_name' is required");
  }
  if (!user.profile.email) {
    return Status::Unprocessable("missing_field", "field 'email' is required");
  }
  AGORA_RETURN_IF_ERROR(profiles::ValidateProfile(user.profile));
  std::vector<Id> communities = Distinct(community_ids);
  AGORA_ASSIGN_OR_RETURN(std::string hash, accounts_.HashPassword(user.password));
  UnixMillis now = clock_.now_ms();
  auto created =
      store_.Transact<profiles::User>([&](storage::Transaction& tx) -> Result<profiles::User> {
        storage::Connection& c = tx.connection();
        AGORA_RETURN_IF_ERROR(ValidateCommunities(c, communities));
        AGORA_ASSIGN_OR_RETURN(auto inserted,
                               profiles::InsertUser(c, ids_.next(), user, hash, now));
        for (Id community_id : communities) {
          AGORA_RETURN_IF_ERROR(Add(tx, viewer, inserted.id, community_id));
        }
        AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(
            c, ids_.next(), viewer.user_id, inserted.id, "invite_guest",
            Note(*user.guest_until, communities), now));
        tx.AfterCommitInOrder([this, inserted] { users_.Committed(inserted, false); });
        return inserted;
      });
  if (!created.ok()) return created.status();
  return GuestAccount{std::move(created).value(), std::move(communities)};
}

Result<GuestAccount> GuestService::Change(const Viewer& viewer, const profiles::UserRef& ref,
                                          std::optional<UnixMillis> guest_until,
                                          const std::optional<std::vector<Id>>& community_ids) {
  if (!viewer.is_admin) return AdminsOnly();
  if (guest_until) AGORA_RETURN_IF_ERROR(ValidateEnd(*guest_until));
  AGORA_ASSIGN_OR_RETURN(auto before,
                         ref.id ? users_.FindById(*ref.id) : users_.FindByUsername(ref.username));
  std::optional<std::vector<Id>> wanted;
  if (community_ids) wanted = Distinct(*community_ids);
  UnixMillis now = clock_.now_ms();
  return store_.Transact<GuestAccount>([&](storage::Transaction& tx) -> Result<GuestAccount> {
    storage::Connection& c = tx.connection();
    // Re-read in the transaction: the account may have changed since.
    AGORA_ASSIGN_OR_RETURN(auto user, profiles::LoadUser(c, before.id));
    if (!user.guest_until) return Status::NotFound("no such guest");
    if (guest_until) {
      AGORA_RETURN_IF_ERROR(profiles::SetGuestUntil(c, user.id, *guest_until, now));
      user.guest_until = guest_until;
    }
    AGORA_ASSIGN_OR_RETURN(auto current, communities_.MemberCommunityIds(c, user.id));
    if (wanted) {
      AGORA_RETURN_IF_ERROR(ValidateCommunities(c, *wanted));
      for (Id community_id : *wanted) AGORA_RETURN_IF_ERROR(Add(tx, viewer, user.id, community_id));
      for (Id community_id : current) {
        if (std::binary_search(wanted->begin(), wanted->end(), community_id)) continue;
        AGORA_ASSIGN_OR_RETURN(auto membership,
                               communities_.MembershipOf(c, community_id, user.id));
        if (membership && membership->role == Role::kOwner) {
          AGORA_ASSIGN_OR_RETURN(int64_t owners, communities_.CountOwners(c, community_id));
          if (owners <= 1) {
            return Status::Conflict("last_owner", "a community keeps at least one owner");
          }
        }
        AGORA_RETURN_IF_ERROR(communities_.RemoveMembership(
            c, community_id, user.id,
            communities::AuditRecord{ids_.next(), viewer.user_id, "remove_guest", user.id, ""}));
        AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kMembership,
                                                    community_id, storage::OutboxKind::kRemoved,
                                                    user.id));
        tx.AfterCommit([this, id = user.id, community_id] { feed_.OnLeft(id, community_id); });
      }
      current = *wanted;
    }
    AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(c, ids_.next(), viewer.user_id, user.id,
                                                       "change_guest",
                                                       Note(*user.guest_until, current), now));
    // Sessions carry the end date: the next request reads the new one.
    tx.AfterCommitInOrder([this, user] {
      users_.Committed(user, false);
      accounts_.ForgetCachedSessions(user.id);
    });
    std::sort(current.begin(), current.end());
    return GuestAccount{std::move(user), std::move(current)};
  });
}

Result<GuestAccount> GuestService::Get(const Viewer& viewer, const profiles::UserRef& ref) {
  if (!viewer.is_admin) return AdminsOnly();
  AGORA_ASSIGN_OR_RETURN(auto user,
                         ref.id ? users_.FindById(*ref.id) : users_.FindByUsername(ref.username));
  if (!user.guest_until) return Status::NotFound("no such guest");
  AGORA_ASSIGN_OR_RETURN(auto communities, communities_.MemberCommunityIds(user.id));
  std::sort(communities.begin(), communities.end());
  return GuestAccount{std::move(user), std::move(communities)};
}

}  // namespace agora::services
