// GuestService: guest accounts, which end at a set time and are confined to the communities an
// admin names (what confinement lets them reach is decided in services/audience.h).
//
// Thread-safe; every method blocks (SQLite, Argon2id): call from worker threads.
#pragma once

#include <optional>
#include <vector>

#include "communities/community_repository.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/account_service.h"
#include "services/feed_service.h"
#include "storage/store.h"

namespace agora::services {

struct GuestLimits {
  static constexpr int64_t kLongestTermMs = 366LL * 24 * 3600 * 1000;  // a year, leap or not
  static constexpr size_t kCommunitiesMax = 20;
};

// A guest as admins see it: the account and the communities it is confined to, by id.
struct GuestAccount {
  profiles::User user;
  std::vector<Id> communities;
};

class GuestService {
 public:
  // Every reference must outlive the service.
  GuestService(storage::Store& store, const Clock& clock, IdGenerator& ids,
               profiles::UserRepository& users, communities::CommunityRepository& communities,
               AccountService& accounts, FeedService& feed);

  // Admins only (kPermissionDenied otherwise). Creates the account (validated as any account;
  // `user.guest_until` required) and makes it a member of each community, in one transaction
  // with its audit rows. kUnprocessable "invalid_guest_until" for an end date that is not in
  // the future or more than a year away, "invalid_communities" for none, too many or an
  // unknown one, "guest_confined" for an admin role.
  Result<GuestAccount> Invite(const Viewer& viewer, const profiles::NewUser& user,
                              const std::vector<Id>& community_ids);

  // Admins only. Sets a guest's end date and/or replaces their communities (joining the new
  // ones, leaving the others), in one transaction with its audit rows. kNotFound when the
  // account is no guest; the same kUnprocessable answers as Invite; kConflict "last_owner"
  // when leaving a community would leave it without an owner.
  Result<GuestAccount> Change(const Viewer& viewer, const profiles::UserRef& ref,
                              std::optional<UnixMillis> guest_until,
                              const std::optional<std::vector<Id>>& community_ids);

  // Admins only: a guest with their communities (kNotFound when the account is no guest).
  Result<GuestAccount> Get(const Viewer& viewer, const profiles::UserRef& ref);

 private:
  Status ValidateEnd(UnixMillis guest_until) const;
  // Inside the transaction: every id names a community (kUnprocessable otherwise).
  Status ValidateCommunities(storage::Connection& c, const std::vector<Id>& community_ids);
  // Inside the transaction: makes `guest` a member of `community_id`, with its audit row.
  Status Add(storage::Transaction& tx, const Viewer& viewer, Id guest, Id community_id);

  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& communities_;
  AccountService& accounts_;
  FeedService& feed_;
};

}  // namespace agora::services
