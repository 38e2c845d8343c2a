// UserRepository: people and the org chart in SQLite, with the summaries that posts show
// kept in memory.
//
// Thread-safe. Reads run on reader connections; writes go through the group commit writer and
// return after their commit. Every method blocks: call from worker threads. One instance per
// process, shared by the services, so its summary cache sees every change.
#pragma once

#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/read_through_cache.h"
#include "core/status.h"
#include "profiles/user.h"
#include "storage/store.h"

namespace agora::profiles {

struct Credentials {
  Id user_id = 0;
  std::string password_hash;
  Role role = Role::kMember;
  bool sales_ops = false;
  bool active = false;
  std::optional<UnixMillis> guest_until = std::nullopt;  // set for a guest: no login from then on
};

// Summaries by id; every change Put()s the committed value, and a reader that filled a miss
// Offer()s it only if nothing changed in between (as PostCache does). People are few enough
// (100,000 summaries are about 10 MB) that nothing is evicted.
using UserSummaryCache = ReadThroughCache<Id, UserSummary>;

class UserRepository {
 public:
  // `store` and `clock` must outlive the repository.
  UserRepository(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Inserts a validated user with the given id. kConflict with "username_taken" or
  // "email_taken"; kUnprocessable "invalid_manager" when the manager does not exist.
  Result<User> Insert(Id id, const NewUser& user, const std::string& password_hash);

  // kNotFound when absent.
  Result<User> FindById(Id id);
  Result<User> FindByUsername(std::string_view username);
  Result<Credentials> FindCredentials(std::string_view username);

  // Direct reports of `manager_id`, by id.
  Result<Page<User>> DirectReports(Id manager_id, const PageRequest& page);

  // Full profiles for many ids at once, in the order given; unknown ids are skipped.
  Result<std::vector<User>> FindMany(const std::vector<Id>& ids);
  // Ids of every account past `after`, in id order: for rebuilding derived data.
  Result<std::vector<Id>> IdsAfter(Id after, int limit);
  Result<int64_t> Count();
  // Summaries for many ids, from memory when possible, in the order given; unknown ids are
  // skipped.
  Result<std::vector<UserSummary>> Summaries(const std::vector<Id>& ids);

  // Counts committed changes of anyone's manager or roles: what is derived from the org chart
  // (a map of managers, who sees every deal) stays valid while this does not move. Read it
  // before reading the chart.
  uint64_t org_chart_version() const { return org_chart_changes_.load(); }
  // After a commit that changed roles (SetRoles runs in another use case's transaction).
  void RolesChanged() { ++org_chart_changes_; }
  // After a commit that wrote `user` through one of the functions below: the summary cache
  // and, when the manager changed, the org chart version.
  void Committed(const User& user, bool manager_changed);

 private:
  storage::Store& store_;
  const Clock& clock_;
  UserSummaryCache summaries_;
  std::atomic<uint64_t> org_chart_changes_{0};
};

// Loads one user by id on an open connection (used inside other repositories' reads).
Result<User> LoadUser(storage::Connection& c, Id id);
// On an open connection: whether an account (active or not) has this id.
Result<bool> UserExists(storage::Connection& c, Id id);
// The org chart on an open connection (a reader's, or a use case's transaction):
// everyone under `root` at any depth (not `root`), by id; and whether `manager` is above
// `person` at any depth (false for the person themselves).
Result<std::vector<Id>> PeopleUnder(storage::Connection& c, Id root);
Result<bool> IsAbove(storage::Connection& c, Id manager, Id person);
// Inside a transaction: replaces the account's roles. kNotFound when absent.
Status SetRoles(storage::Connection& c, Id id, Role role, bool sales_ops, UnixMillis now);
// Inside a transaction: the ones among `ids` whose account is active (unknown ids are not).
Result<std::vector<Id>> ActiveAmong(storage::Connection& c, const std::vector<Id>& ids);
// Inside a transaction: every active account (admins only, when `admins_only`), by id: whom
// announcements and reports of company-wide posts notify.
Result<std::vector<Id>> ActiveIds(storage::Connection& c, bool admins_only);

// Inside a use case's transaction (call UserRepository::Committed after the commit):
// inserts a validated user (kConflict "username_taken", "email_taken", "external_id_taken";
// kUnprocessable "invalid_manager"); applies validated profile changes (the same, and kNotFound);
// marks the account active or not, with its outbox entry (kNotFound when absent).
Result<User> InsertUser(storage::Connection& c, Id id, const NewUser& user,
                        const std::string& password_hash, UnixMillis now);
Result<User> UpdateUser(storage::Connection& c, Id id, const ProfileChanges& changes,
                        UnixMillis now);
Status SetActive(storage::Connection& c, Id id, bool active, UnixMillis now);
// What membership rules look at of one account: the profile fields they test, the manager,
// and whether the account is an active employee (not deactivated, not a guest).
struct OrgEntry {
  Id id = 0;
  std::optional<Id> manager_id;
  std::string department;
  std::string location;
  std::string title;
  bool eligible = false;
};
// On an open connection: every account's entry, by id; one account's (nullopt when absent).
Result<std::vector<OrgEntry>> OrgEntries(storage::Connection& c);
Result<std::optional<OrgEntry>> OrgEntryOf(storage::Connection& c, Id id);
// On an open connection: the ones among `ids` who are guests (unknown ids are not), in the
// order given.
Result<std::vector<Id>> GuestsAmong(storage::Connection& c, const std::vector<Id>& ids);
// Inside a transaction: sets when a guest account ends (kNotFound when absent, or when the
// account is no guest).
Status SetGuestUntil(storage::Connection& c, Id id, UnixMillis guest_until, UnixMillis now);
// On an open connection: the account the identity provider knows by `external_id`, and the
// account with this email, compared without case.
Result<std::optional<Id>> FindIdByExternalId(storage::Connection& c, std::string_view external_id);
Result<std::optional<Id>> FindIdByEmail(storage::Connection& c, std::string_view email);

}  // namespace agora::profiles
