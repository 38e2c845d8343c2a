#include "services/account_service.h"

#include "profiles/bearer_secret.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

Status InvalidCredentials() {
  return Status(StatusCode::kUnauthenticated, "invalid_credentials",
                "unknown username or wrong password");
}

Status ValidateNewUser(const profiles::NewUser& user) {
  AGORA_RETURN_IF_ERROR(profiles::ValidateUsername(user.username));
  AGORA_RETURN_IF_ERROR(profiles::ValidatePassword(user.password));
  if (!user.profile.display_name) {
    return Status::Unprocessable("missing_field", "field 'display_name' is required");
  }
  if (!user.profile.email)
    return Status::Unprocessable("missing_field", "field 'email' is required");
  return profiles::ValidateProfile(user.profile);
}

Status SessionRequired(std::string_view what) {
  return Status(StatusCode::kPermissionDenied, "session_required",
                std::string(what) + " needs a signed-in session, not a personal access token");
}

Status InvalidResetToken() {
  return Status::Unprocessable("invalid_reset_token",
                               "the reset token is unknown, already used or expired");
}

// Longer than any username or email: refused before it is counted, so a throttle key is small.
constexpr size_t kMaxLoginNameBytes = 254;

}  // namespace

AccountService::AccountService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                               profiles::UserRepository& users, AccountOptions options,
                               LiveEvents& live, CommunityService& communities, DealService& deals)
    : store_(store),
      clock_(clock),
      ids_(ids),
      options_(options),
      users_(users),
      sessions_(store, clock, options.session_ttl_ms, options.max_sessions_per_account),
      account_at_address_failures_(clock, options.account_at_address_failures),
      account_failures_(clock, options.account_failures),
      address_failures_(clock, options.address_failures),
      account_logins_(clock, options.account_logins),
      address_logins_(clock, options.address_logins),
      known_addresses_(clock, options.known_addresses),
      hash_slots_(std::max(1, options.hash_concurrency)),
      live_(live),
      communities_(communities),
      deals_(deals) {}

const std::string& AccountService::UnknownUserHash() {
  std::call_once(unknown_user_hash_once_, [this] {
    auto hash = Hash("not the password of anyone");
    if (hash.ok()) unknown_user_hash_ = std::move(*hash);
  });
  return unknown_user_hash_;
}

Result<std::string> AccountService::Hash(std::string_view password) {
  hash_slots_.acquire();
  auto hash = profiles::HashPassword(password, options_.password_cost);
  hash_slots_.release();
  return hash;
}

bool AccountService::Verify(const std::string& hash, std::string_view password) {
  hash_slots_.acquire();
  bool ok = profiles::VerifyPassword(hash, password);
  hash_slots_.release();
  return ok;
}

AccountService::LoginKeys AccountService::KeysOf(std::string_view username,
                                                 const std::string& client_address) {
  std::string account = "account:" + profiles::NormalizeUsername(username);
  std::string at_address = account + "@" + client_address;
  return {std::move(account), "address:" + client_address, std::move(at_address)};
}

Status AccountService::CheckFailureThrottles(const LoginKeys& keys, std::string_view what) {
  const std::string message = "too many " + std::string(what) + "; try again later";
  if (auto wait = account_at_address_failures_.retry_after_seconds(keys.account_at_address)) {
    return Status::RateLimited(message, *wait);
  }
  // A spray on the account: refused where failures came from, not from a clean address.
  if (auto wait = account_failures_.retry_after_seconds(keys.account);
      wait && address_failures_.contains(keys.address)) {
    return Status::RateLimited(message, *wait);
  }
  // A spray from the address: its people who signed in from it before still pass.
  if (auto wait = address_failures_.retry_after_seconds(keys.address);
      wait && !known_addresses_.contains(keys.account_at_address)) {
    return Status::RateLimited(message, *wait);
  }
  return Status::Ok();
}

void AccountService::RecordFailure(const LoginKeys& keys) {
  account_at_address_failures_.record(keys.account_at_address);
  account_failures_.record(keys.account);
  address_failures_.record(keys.address);
}

size_t AccountService::throttled_keys() const {
  size_t keys = 0;
  for (const auto* throttle :
       {&account_at_address_failures_, &account_failures_, &address_failures_, &account_logins_,
        &address_logins_, &known_addresses_}) {
    keys += throttle->size();
  }
  return keys;
}

Result<LoginResult> AccountService::Login(std::string_view username, std::string_view password,
                                          const std::string& client_address) {
  if (!options_.password_login) {
    return Status(StatusCode::kPermissionDenied, "password_login_disabled",
                  "password login is turned off: sign in through the company's identity "
                  "provider");
  }
  if (username.size() > kMaxLoginNameBytes) return InvalidCredentials();
  const LoginKeys keys = KeysOf(username, client_address);
  AGORA_RETURN_IF_ERROR(CheckFailureThrottles(keys, "failed logins"));
  for (auto [throttle, key] :
       {std::pair{&account_logins_, &keys.account}, std::pair{&address_logins_, &keys.address}}) {
    if (auto wait = throttle->retry_after_seconds(*key)) {
      return Status::RateLimited("too many logins; try again later", *wait);
    }
  }
  auto credentials = users_.FindCredentials(username);
  if (!credentials.ok() && credentials.status().code() != StatusCode::kNotFound) {
    return credentials.status();
  }
  bool known = credentials.ok();
  bool password_ok = Verify(known ? credentials->password_hash : UnknownUserHash(), password);
  // A guest whose account has ended answers as a deactivated account does.
  bool ended = known && credentials->guest_until && *credentials->guest_until <= clock_.now_ms();
  if (!known || !password_ok || !credentials->active || ended) {
    RecordFailure(keys);
    return InvalidCredentials();
  }
  account_at_address_failures_.clear(keys.account_at_address);
  account_logins_.record(keys.account);
  address_logins_.record(keys.address);
  known_addresses_.record(keys.account_at_address);
  // Only while the password is the one checked: a change meanwhile ended every other session.
  auto token = sessions_.Create(credentials->user_id, credentials->role == profiles::Role::kAdmin,
                                credentials->sales_ops, credentials->password_hash);
  if (!token.ok()) {
    // Deactivated while the password was being checked: the same answer as any refusal.
    if (token.status().code() == StatusCode::kUnauthenticated) return InvalidCredentials();
    return token.status();
  }
  auto user = users_.FindById(credentials->user_id);
  if (!user.ok()) return user.status();
  return LoginResult{std::move(*token), std::move(*user)};
}

Result<LoginResult> AccountService::SignInVerified(Id user_id) {
  auto user = users_.FindById(user_id);
  if (!user.ok()) return user.status();
  auto inactive =
      Status(StatusCode::kUnauthenticated, "account_inactive", "this account is deactivated");
  if (!user->active) return inactive;
  auto token = sessions_.Create(user->id, user->role == profiles::Role::kAdmin, user->sales_ops);
  if (!token.ok()) {
    // Deactivated since it was read.
    if (token.status().code() == StatusCode::kUnauthenticated) return inactive;
    return token.status();
  }
  return LoginResult{std::move(*token), std::move(*user)};
}

Status AccountService::Logout(std::string_view token) {
  if (profiles::IsAccessToken(token)) {
    // Logging out with a personal access token revokes it.
    std::string hash = profiles::HashBearerSecret(token);
    AGORA_RETURN_IF_ERROR(store_.write(
        [&](storage::Connection& c) { return profiles::DeleteAccessTokenByHash(c, hash); }));
  } else {
    AGORA_RETURN_IF_ERROR(sessions_.Revoke(token));
  }
  live_.SessionEnded(std::string(token));
  return Status::Ok();
}

Result<Viewer> AccountService::Authenticate(std::string_view token) {
  if (profiles::IsAccessToken(token)) return AuthenticateAccessToken(token);
  auto session = sessions_.Resolve(token);
  if (!session.ok()) return session.status();
  return Viewer{.user_id = session->user_id,
                .is_admin = session->is_admin,
                .is_sales_ops = session->is_sales_ops,
                .guest_until = session->guest_until};
}

Result<std::string> AccountService::HashPassword(std::string_view password) {
  return Hash(password);
}

void AccountService::ForgetCachedSessions(Id user_id) { sessions_.ForgetCached(user_id); }

Status AccountService::ApplyRemote(Id user_id) {
  AGORA_ASSIGN_OR_RETURN(auto user, users_.FindById(user_id));
  // The entry does not say what changed: the manager may have.
  users_.Committed(user, /*manager_changed=*/true);
  sessions_.ForgetCached(user_id);
  if (!user.active) live_.AccountDeactivated(user_id);
  return Status::Ok();
}

Result<profiles::User> AccountService::CreateUser(const Viewer& viewer,
                                                  const profiles::NewUser& user) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins create accounts");
  return Provision(user);
}

Result<profiles::User> AccountService::Provision(const profiles::NewUser& user) {
  AGORA_RETURN_IF_ERROR(ValidateNewUser(user));
  auto hash = Hash(user.password);
  if (!hash.ok()) return hash.status();
  return Insert(user, *hash);
}

Result<profiles::User> AccountService::ProvisionHashed(const profiles::NewUser& user,
                                                       const std::string& hash) {
  AGORA_RETURN_IF_ERROR(ValidateNewUser(user));
  return Insert(user, hash);
}

Result<profiles::User> AccountService::Insert(const profiles::NewUser& user,
                                              const std::string& hash) {
  auto created =
      store_.Transact<profiles::User>([&](storage::Transaction& tx) -> Result<profiles::User> {
        AGORA_ASSIGN_OR_RETURN(auto inserted, profiles::InsertUser(tx.connection(), ids_.next(),
                                                                   user, hash, clock_.now_ms()));
        AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, inserted.id));
        return inserted;
      });
  if (created.ok()) users_.Committed(*created, user.profile.manager_id.has_value());
  return created;
}

Result<profiles::User> AccountService::SetRoles(const Viewer& viewer,
                                                const profiles::UserRef& target,
                                                const std::vector<std::string>& roles) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins set roles");
  bool admin = false;
  bool member = false;
  bool sales_ops = false;
  for (const auto& name : roles) {
    bool* flag = name == "admin"       ? &admin
                 : name == "member"    ? &member
                 : name == "sales_ops" ? &sales_ops
                                       : nullptr;
    if (!flag) {
      return Status::Unprocessable("invalid_roles", "a role is 'member', 'admin' or 'sales_ops'");
    }
    *flag = true;
  }
  if (admin && member) {
    return Status::Unprocessable("invalid_roles", "'member' and 'admin' exclude each other");
  }
  auto role = admin ? profiles::Role::kAdmin : profiles::Role::kMember;
  auto user = target.id ? users_.FindById(*target.id) : users_.FindByUsername(target.username);
  if (!user.ok()) return user.status();
  if (user->guest_until && (admin || sales_ops)) {
    return Status::Unprocessable("guest_confined", "a guest cannot be an admin or sales ops");
  }
  if (user->id == viewer.user_id && !admin) {
    return Status::Unprocessable("self_demotion", "admins cannot drop their own admin role");
  }
  std::string note;
  for (const auto& name : roles) note += (note.empty() ? "" : ",") + name;
  UnixMillis now = clock_.now_ms();
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_RETURN_IF_ERROR(profiles::SetRoles(tx.connection(), user->id, role, sales_ops, now));
    AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(tx.connection(), ids_.next(), viewer.user_id,
                                                       user->id, "set_roles", note, now));
    tx.AfterCommitInOrder([this, id = user->id] {
      sessions_.ForgetCached(id);
      users_.RolesChanged();
    });
    return Status::Ok();
  }));
  user->role = role;
  user->sales_ops = sales_ops;
  return user;
}

Result<DeactivationResult> AccountService::Deactivate(const Viewer& viewer,
                                                      const profiles::UserRef& target,
                                                      std::optional<Id> successor) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins deactivate accounts");
  auto user = target.id ? users_.FindById(*target.id) : users_.FindByUsername(target.username);
  if (!user.ok()) return user.status();
  if (viewer.user_id == user->id) {
    return Status::Unprocessable("self_deactivation", "admins cannot deactivate themselves");
  }
  return store_.Transact<DeactivationResult>([&](storage::Transaction& tx) {
    return DeactivateInTransaction(tx, user->id, viewer.user_id, successor);
  });
}

Result<DeactivationResult> AccountService::DeactivateInTransaction(storage::Transaction& tx,
                                                                   Id user_id, Id actor,
                                                                   std::optional<Id> successor) {
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto leaver, profiles::LoadUser(c, user_id));
  if (successor) {
    AGORA_ASSIGN_OR_RETURN(auto active, profiles::ActiveAmong(c, {*successor}));
    if (active.empty() || *successor == user_id) {
      return Status::Unprocessable("invalid_successor",
                                   "successor_id must name another active account");
    }
  }
  std::optional<Id> manager;
  if (leaver.manager_id) {
    AGORA_ASSIGN_OR_RETURN(auto active, profiles::ActiveAmong(c, {*leaver.manager_id}));
    if (!active.empty()) manager = *leaver.manager_id;
  }
  // The admin of last resort: the one acting, or the first active admin when nobody acts in
  // person (an identity provider deactivating passes the leaver as actor).
  AGORA_ASSIGN_OR_RETURN(auto admins, profiles::ActiveIds(c, true));
  std::optional<Id> other_admin;
  for (Id id : admins) {
    if (id != user_id) {
      other_admin = id;
      break;
    }
  }
  if (leaver.active && leaver.role == profiles::Role::kAdmin && !other_admin) {
    return Status::Conflict("last_admin", "the last active admin cannot be deactivated");
  }
  std::optional<Id> admin = actor != user_id ? std::optional<Id>(actor) : other_admin;
  UnixMillis now = clock_.now_ms();
  AGORA_RETURN_IF_ERROR(profiles::SetActive(c, user_id, false, now));
  DeactivationResult result;
  Handover& handover = result.handover;
  handover.communities_to = successor ? successor : manager ? manager : admin;
  handover.deals_to = manager ? manager : successor ? successor : admin;
  if (handover.communities_to) {
    AGORA_ASSIGN_OR_RETURN(handover.communities, communities_.HandOverOwnership(
                                                     tx, user_id, *handover.communities_to, actor));
  }
  if (handover.deals_to) {
    AGORA_ASSIGN_OR_RETURN(handover.deals,
                           deals_.HandOverOpenDeals(tx, user_id, *handover.deals_to, actor));
  }
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, user_id));
  std::string note = std::to_string(handover.communities.size()) + " communities to " +
                     std::to_string(handover.communities_to.value_or(0)) + ", " +
                     std::to_string(handover.deals.size()) + " open deals to " +
                     std::to_string(handover.deals_to.value_or(0));
  AGORA_RETURN_IF_ERROR(
      profiles::AppendAccountAudit(c, ids_.next(), actor, user_id, "deactivate", note, now));
  AGORA_RETURN_IF_ERROR(sessions_.RevokeAll(tx, user_id));
  AGORA_RETURN_IF_ERROR(profiles::DeleteAccessTokensOf(c, user_id));
  AGORA_ASSIGN_OR_RETURN(result.user, profiles::LoadUser(c, user_id));
  tx.AfterCommitInOrder([this, user = result.user] {
    users_.Committed(user, false);
    live_.AccountDeactivated(user.id);
  });
  return result;
}

Result<Viewer> AccountService::AuthenticateAccessToken(std::string_view token) {
  if (token.size() > 128)
    return Status::Unauthenticated("the token is unknown, revoked or expired");
  std::string hash = profiles::HashBearerSecret(token);
  UnixMillis now = clock_.now_ms();
  AGORA_ASSIGN_OR_RETURN(auto grant, store_.read([&](storage::Connection& c) {
    return profiles::FindAccessTokenGrant(c, hash, now);
  }));
  if (!grant) return Status::Unauthenticated("the token is unknown, revoked or expired");
  if (!grant->last_used_at ||
      now - *grant->last_used_at >= profiles::AccessTokenLimits::kLastUsedResolutionMs) {
    AGORA_RETURN_IF_ERROR(store_.write([&](storage::Connection& c) {
      return profiles::TouchAccessToken(c, grant->token_id, now);
    }));
  }
  return Viewer{.user_id = grant->user_id,
                .is_admin = grant->is_admin,
                .is_sales_ops = grant->is_sales_ops,
                .via_access_token = true,
                .read_only = !grant->can_write,
                .guest_until = grant->guest_until};
}

Result<profiles::User> AccountService::Find(const profiles::UserRef& ref) {
  return ref.id ? users_.FindById(*ref.id) : users_.FindByUsername(ref.username);
}

Status AccountService::ChangePassword(const Viewer& viewer, std::string_view session_token,
                                      std::string_view current_password,
                                      std::string_view new_password,
                                      const std::string& client_address) {
  if (viewer.via_access_token) return SessionRequired("changing the password");
  AGORA_ASSIGN_OR_RETURN(profiles::User me, users_.FindById(viewer.user_id));
  // Guessing the current password here is as throttled as guessing it at login.
  const LoginKeys keys = KeysOf(me.username, client_address);
  AGORA_RETURN_IF_ERROR(CheckFailureThrottles(keys, "wrong passwords"));
  AGORA_RETURN_IF_ERROR(profiles::ValidatePassword(new_password));
  AGORA_ASSIGN_OR_RETURN(profiles::Credentials credentials, users_.FindCredentials(me.username));
  if (!Verify(credentials.password_hash, current_password)) {
    RecordFailure(keys);
    return Status(StatusCode::kPermissionDenied, "wrong_password", "the current password is wrong");
  }
  account_at_address_failures_.clear(keys.account_at_address);
  AGORA_ASSIGN_OR_RETURN(std::string new_hash, Hash(new_password));
  UnixMillis now = clock_.now_ms();
  sessions_.ForgetCached(me.id);
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    // Only over the password just checked: two changes at once cannot both pass.
    AGORA_ASSIGN_OR_RETURN(bool replaced,
                           profiles::ReplacePasswordHash(tx.connection(), me.id, new_hash,
                                                         credentials.password_hash, now));
    if (!replaced) {
      return Status::Conflict("password_changed", "the password changed meanwhile; try again");
    }
    AGORA_RETURN_IF_ERROR(profiles::DeleteSessionsOf(tx.connection(), me.id, session_token));
    AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(tx.connection(), ids_.next(), me.id, me.id,
                                                       "change_password", "", now));
    tx.AfterCommitInOrder([this, id = me.id] { sessions_.ForgetCached(id); });
    return Status::Ok();
  }));
  return Status::Ok();
}

Result<IssuedPasswordReset> AccountService::IssuePasswordReset(const Viewer& viewer,
                                                               const profiles::UserRef& target) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins reset passwords");
  AGORA_ASSIGN_OR_RETURN(profiles::User user, Find(target));
  IssuedPasswordReset issued{profiles::NewBearerSecret(profiles::kPasswordResetPrefix), 0};
  std::string hash = profiles::HashBearerSecret(issued.reset_token);
  UnixMillis now = clock_.now_ms();
  issued.expires_at = now + profiles::kPasswordResetLifetimeMs;
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_ASSIGN_OR_RETURN(
        auto active,
        storage::ReadInt64(tx.connection(), "SELECT active FROM users WHERE id = ?", user.id));
    if (!active || *active == 0) {
      return Status::Conflict("account_inactive", "reactivate the account before resetting it");
    }
    AGORA_RETURN_IF_ERROR(
        profiles::ReplacePasswordReset(tx.connection(), user.id, hash, now, issued.expires_at));
    return profiles::AppendAccountAudit(tx.connection(), ids_.next(), viewer.user_id, user.id,
                                        "issue_password_reset", "", now);
  }));
  return issued;
}

Status AccountService::ResetPassword(std::string_view reset_token, std::string_view new_password) {
  if (!reset_token.starts_with(profiles::kPasswordResetPrefix) || reset_token.size() > 128) {
    return InvalidResetToken();
  }
  // Checked before the token is spent, so a weak password does not waste it.
  AGORA_RETURN_IF_ERROR(profiles::ValidatePassword(new_password));
  AGORA_ASSIGN_OR_RETURN(std::string new_hash, Hash(new_password));
  std::string token_hash = profiles::HashBearerSecret(reset_token);
  UnixMillis now = clock_.now_ms();
  std::optional<Id> reset_user;
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_ASSIGN_OR_RETURN(reset_user,
                           profiles::TakePasswordReset(tx.connection(), token_hash, now));
    if (!reset_user) return InvalidResetToken();
    AGORA_ASSIGN_OR_RETURN(bool replaced, profiles::ReplacePasswordHash(
                                              tx.connection(), *reset_user, new_hash, {}, now));
    if (!replaced) return InvalidResetToken();  // deactivated since the token was issued
    AGORA_RETURN_IF_ERROR(profiles::DeleteSessionsOf(tx.connection(), *reset_user, ""));
    AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(tx.connection(), ids_.next(), *reset_user,
                                                       *reset_user, "reset_password", "", now));
    tx.AfterCommitInOrder([this, id = *reset_user] { sessions_.ForgetCached(id); });
    return Status::Ok();
  }));
  return Status::Ok();
}

Result<profiles::User> AccountService::Reactivate(const Viewer& viewer,
                                                  const profiles::UserRef& target) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins reactivate accounts");
  AGORA_ASSIGN_OR_RETURN(profiles::User found, Find(target));
  return store_.Transact<profiles::User>([&](storage::Transaction& tx) {
    return ReactivateInTransaction(tx, found.id, viewer.user_id);
  });
}

Result<profiles::User> AccountService::ReactivateInTransaction(storage::Transaction& tx, Id user_id,
                                                               Id actor) {
  UnixMillis now = clock_.now_ms();
  AGORA_ASSIGN_OR_RETURN(profiles::User user, profiles::LoadUser(tx.connection(), user_id));
  if (user.active) return user;
  AGORA_RETURN_IF_ERROR(profiles::SetActive(tx.connection(), user.id, true, now));
  AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(tx.connection(), ids_.next(), actor, user.id,
                                                     "reactivate", "", now));
  // Back in the communities whose rules match them.
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, user.id));
  user.active = true;
  user.updated_at = now;
  tx.AfterCommitInOrder([this, user] {
    users_.Committed(user, false);
    live_.AccountReactivated(user.id);
  });
  return user;
}

Result<Page<profiles::User>> AccountService::ListUsers(const Viewer& viewer,
                                                       const profiles::UserFilter& filter,
                                                       const PageRequest& page) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins list every account");
  AGORA_ASSIGN_OR_RETURN(Page<Id> ids, store_.read([&](storage::Connection& c) {
    return profiles::ListUserIds(c, filter, page);
  }));
  AGORA_ASSIGN_OR_RETURN(std::vector<profiles::User> users, users_.FindMany(ids.items));
  return Page<profiles::User>{std::move(users), std::move(ids.next_cursor)};
}

Result<IssuedAccessToken> AccountService::CreateAccessToken(const Viewer& viewer,
                                                            const AccessTokenRequest& request) {
  if (viewer.via_access_token) return SessionRequired("creating a token");
  AGORA_RETURN_IF_ERROR(profiles::ValidateAccessTokenName(request.name));
  bool reads = false;
  bool writes = false;
  for (const auto& scope : request.scopes) {
    bool* flag = scope == "read" ? &reads : scope == "write" ? &writes : nullptr;
    if (!flag) return Status::Unprocessable("invalid_scopes", "a scope is 'read' or 'write'");
    *flag = true;
  }
  if (!reads && !writes) {
    return Status::Unprocessable("invalid_scopes", "name at least one scope: 'read', 'write'");
  }
  UnixMillis now = clock_.now_ms();
  if (request.expires_at &&
      (*request.expires_at <= now ||
       *request.expires_at > now + profiles::AccessTokenLimits::kLongestLifetimeMs)) {
    return Status::Unprocessable("invalid_expires_at",
                                 "expires_at is in the future, at most one year ahead");
  }
  IssuedAccessToken issued{profiles::NewBearerSecret(profiles::kAccessTokenPrefix),
                           profiles::AccessToken{.id = ids_.next(),
                                                 .user_id = viewer.user_id,
                                                 .name = request.name,
                                                 .can_write = writes,
                                                 .created_at = now,
                                                 .expires_at = request.expires_at,
                                                 .last_used_at = std::nullopt}};
  std::string hash = profiles::HashBearerSecret(issued.token);
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_ASSIGN_OR_RETURN(int64_t live,
                           profiles::CountLiveAccessTokens(tx.connection(), viewer.user_id, now));
    if (live >= profiles::AccessTokenLimits::kLiveTokensPerAccount) {
      return Status::Conflict("too_many_tokens", "revoke a token before creating another");
    }
    AGORA_RETURN_IF_ERROR(profiles::InsertAccessToken(tx.connection(), issued.stored, hash));
    return profiles::AppendAccountAudit(tx.connection(), ids_.next(), viewer.user_id,
                                        viewer.user_id, "create_token", request.name, now);
  }));
  return issued;
}

Result<Id> AccountService::TokenOwner(const Viewer& viewer, const profiles::UserRef& ref) {
  if (ref.id && *ref.id == viewer.user_id) return viewer.user_id;
  if (!viewer.is_admin) return Status::PermissionDenied("only admins manage others' tokens");
  AGORA_ASSIGN_OR_RETURN(profiles::User owner, Find(ref));
  return owner.id;
}

Result<Page<profiles::AccessToken>> AccountService::ListAccessTokens(const Viewer& viewer,
                                                                     const profiles::UserRef& owner,
                                                                     const PageRequest& page) {
  AGORA_ASSIGN_OR_RETURN(Id owner_id, TokenOwner(viewer, owner));
  UnixMillis now = clock_.now_ms();
  return store_.read(
      [&](storage::Connection& c) { return profiles::ListAccessTokens(c, owner_id, now, page); });
}

Status AccountService::RevokeAccessToken(const Viewer& viewer, const profiles::UserRef& owner,
                                         Id token_id) {
  AGORA_ASSIGN_OR_RETURN(Id owner_id, TokenOwner(viewer, owner));
  UnixMillis now = clock_.now_ms();
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_ASSIGN_OR_RETURN(bool deleted,
                           profiles::DeleteAccessToken(tx.connection(), owner_id, token_id));
    if (!deleted) return Status::NotFound("no such token");
    return profiles::AppendAccountAudit(tx.connection(), ids_.next(), viewer.user_id, owner_id,
                                        "revoke_token", IdToString(token_id), now);
  });
}

}  // namespace agora::services
