// ProvisioningService: the use cases behind SCIM 2.0 (/scim/v2), as an identity provider
// (Okta, Microsoft Entra ID) drives them with a provisioning token.
//
// Every user write is one transaction on the store's writer: the account (profiles::InsertUser,
// UpdateUser, SetActive), what SCIM keeps beside it (the IdP's userName, the parts of the
// name) and an account_audit row naming the token. Each kind of write goes through one private
// function (WriteCreate, WriteUpdate, WriteActivation), the place where rules that follow
// a person's HR data (community membership, leaver handover) join the same transaction.
//
// Thread-safe. Every method blocks on SQLite: call from worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "communities/community.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "identity/provisioning_tokens.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/account_service.h"
#include "services/community_service.h"
#include "storage/store.h"
#include "storage/transaction.h"

namespace agora::services {

// A person as SCIM shows them: the account, and what only SCIM knows of them.
struct ScimUser {
  profiles::User user;
  std::string user_name;  // the IdP's userName as sent; the username for accounts made elsewhere
  std::string given_name;
  std::string family_name;
};

// A whole User resource as a POST or PUT carries it (after parsing); what is absent is empty.
struct ScimUserWrite {
  std::string user_name;
  std::string external_id;
  std::string display_name;  // already defaulted from name.formatted, the name parts or userName
  std::string given_name;
  std::string family_name;
  std::string email;
  std::string title;
  std::string department;
  std::string location;
  std::string employee_number;
  std::optional<Id> manager_id;
  bool active = true;
};

struct ScimUserPage {
  int64_t total = 0;        // matches in all
  int64_t start_index = 1;  // 1-based position of the first of `users`
  std::vector<ScimUser> users;
};

// A community as SCIM shows it (a Group): only communities the identity provider made are
// Groups, and their members are the ones it manages (membership source "scim").
struct ScimGroupMember {
  Id user_id = 0;
  std::string display_name;
};
struct ScimGroup {
  communities::Community community;
  std::string external_id;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;             // the last SCIM change
  std::vector<ScimGroupMember> members;  // by user id
};

// A whole Group resource as a POST or PUT carries it (after parsing).
struct ScimGroupWrite {
  std::string display_name;
  std::string external_id;
  std::vector<Id> members;
};

struct ScimGroupPage {
  int64_t total = 0;
  int64_t start_index = 1;
  std::vector<ScimGroup> groups;
};

struct ScimLimits {
  static constexpr int64_t kDefaultCount = 100;
  static constexpr int64_t kMaxCount = 200;
};

// Turns the resource as it is now into the resource as it must become (a PATCH); runs inside
// the transaction, so no other write lands in between. Errors pass through unchanged.
using ScimUserEdit = std::function<Result<ScimUserWrite>(const ScimUser& current)>;
using ScimGroupEdit = std::function<Result<ScimGroupWrite>(const ScimGroup& current)>;

class ProvisioningService {
 public:
  // Every reference must outlive the service. `accounts` ends the sessions and streams of
  // deactivated people.
  ProvisioningService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                      profiles::UserRepository& users, AccountService& accounts,
                      CommunityService& communities);

  // The live provisioning token behind `secret`; kUnauthenticated otherwise (a person's
  // session token included).
  Result<identity::ProvisioningToken> Authenticate(std::string_view secret);

  // Users matching `filter` (SCIM filter text; empty: everyone), in id order, `count` of them
  // from the 1-based `start_index`. kInvalidArgument "invalidFilter" for a bad filter.
  Result<ScimUserPage> ListUsers(std::string_view filter, int64_t start_index, int64_t count);
  // kNotFound when absent.
  Result<ScimUser> GetUser(Id id);

  // A new account with an unusable password (people sign in through the IdP, or after an
  // admin reset). kConflict "uniqueness" when the userName, externalId or email is taken;
  // kInvalidArgument "invalidValue" for a value the profile rules refuse.
  Result<ScimUser> CreateUser(const identity::ProvisioningToken& by, const ScimUserWrite& user);
  // PUT and PATCH: `edit` gives the whole new resource from the current one. `active` false
  // deactivates (sessions and streams end at once), true reactivates. kNotFound when absent.
  Result<ScimUser> EditUser(const identity::ProvisioningToken& by, Id id, const ScimUserEdit& edit);
  // DELETE: deactivates; the account and its content stay. kNotFound when absent.
  Status DeactivateUser(const identity::ProvisioningToken& by, Id id);

  // Groups: as ListUsers, on id, displayName, externalId and members.value. Without
  // `with_members` (excludedAttributes=members) the members are not loaded.
  Result<ScimGroupPage> ListGroups(std::string_view filter, int64_t start_index, int64_t count,
                                   bool with_members);
  // kNotFound when absent or not a Group.
  Result<ScimGroup> GetGroup(Id id);
  // A private community named displayName, owned by the first active admin (the lowest id);
  // kConflict "uniqueness" for a taken name, kFailedPrecondition when there is no admin.
  Result<ScimGroup> CreateGroup(const identity::ProvisioningToken& by, const ScimGroupWrite& group);
  // PUT and PATCH: `edit` gives the whole new Group from the current one, inside the
  // transaction (two PATCHes adding members at once both land).
  Result<ScimGroup> EditGroup(const identity::ProvisioningToken& by, Id id,
                              const ScimGroupEdit& edit);
  // DELETE: the community and its content stay, no longer a Group; its members stay as
  // members by hand, so its owners manage them from then on.
  Status DeleteGroup(const identity::ProvisioningToken& by, Id id);

 private:
  // The three kinds of write, each inside the caller's transaction; each registers what must
  // follow its commit.
  Result<ScimUser> WriteCreate(storage::Transaction& tx, const identity::ProvisioningToken& by,
                               const ScimUserWrite& user);
  Result<ScimUser> WriteUpdate(storage::Transaction& tx, const identity::ProvisioningToken& by,
                               const ScimUser& current, const ScimUserWrite& next);
  Status WriteActivation(storage::Transaction& tx, const identity::ProvisioningToken& by, Id id,
                         bool active);

  Status Audit(storage::Transaction& tx, const identity::ProvisioningToken& by, Id user_id,
               const char* action);

  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  profiles::UserRepository& users_;
  AccountService& accounts_;
  CommunityService& communities_;  // membership rules follow every profile write
};

}  // namespace agora::services
