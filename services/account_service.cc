#include "services/account_service.h"

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

}  // namespace

AccountService::AccountService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                               profiles::UserRepository& users, AccountOptions options,
                               LiveEvents& live)
    : store_(store),
      clock_(clock),
      ids_(ids),
      options_(options),
      users_(users),
      sessions_(store, clock, options.session_ttl_ms),
      throttle_(clock, options.throttle),
      address_throttle_(clock, options.address_throttle),
      hash_slots_(std::max(1, options.hash_concurrency)),
      live_(live) {}

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

Result<LoginResult> AccountService::Login(std::string_view username, std::string_view password,
                                          const std::string& client_address) {
  if (!options_.password_login) {
    return Status(StatusCode::kPermissionDenied, "password_login_disabled",
                  "password login is turned off: sign in through the company's identity "
                  "provider");
  }
  const std::string account_key = "account:" + profiles::NormalizeUsername(username);
  const std::string address_key = "address:" + client_address;
  for (auto [throttle, key] :
       {std::pair{&throttle_, &account_key}, std::pair{&address_throttle_, &address_key}}) {
    if (auto wait = throttle->retry_after_seconds(*key)) {
      return Status::RateLimited("too many failed logins; try again later", *wait);
    }
  }
  auto credentials = users_.FindCredentials(username);
  if (!credentials.ok() && credentials.status().code() != StatusCode::kNotFound) {
    return credentials.status();
  }
  bool known = credentials.ok();
  bool password_ok = Verify(known ? credentials->password_hash : UnknownUserHash(), password);
  if (!known || !password_ok || !credentials->active) {
    throttle_.record_failure(account_key);
    address_throttle_.record_failure(address_key);
    return InvalidCredentials();
  }
  throttle_.clear(account_key);
  auto token = sessions_.Create(credentials->user_id, credentials->role == profiles::Role::kAdmin,
                                credentials->sales_ops);
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
  auto inactive = Status(StatusCode::kUnauthenticated, "account_inactive",
                         "this account is deactivated");
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
  AGORA_RETURN_IF_ERROR(sessions_.Revoke(token));
  live_.SessionEnded(std::string(token));
  return Status::Ok();
}

Result<Viewer> AccountService::Authenticate(std::string_view token) {
  auto session = sessions_.Resolve(token);
  if (!session.ok()) return session.status();
  return Viewer{session->user_id, session->is_admin, session->is_sales_ops};
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
  return users_.Insert(ids_.next(), user, *hash);
}

Result<profiles::User> AccountService::ProvisionHashed(const profiles::NewUser& user,
                                                       const std::string& hash) {
  AGORA_RETURN_IF_ERROR(ValidateNewUser(user));
  return users_.Insert(ids_.next(), user, hash);
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
  if (user->id == viewer.user_id && !admin) {
    return Status::Unprocessable("self_demotion", "admins cannot drop their own admin role");
  }
  std::string note;
  for (const auto& name : roles) note += (note.empty() ? "" : ",") + name;
  UnixMillis now = clock_.now_ms();
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_RETURN_IF_ERROR(profiles::SetRoles(tx.connection(), user->id, role, sales_ops, now));
    AGORA_RETURN_IF_ERROR(storage::Run(tx.connection(),
                                       "INSERT INTO account_audit (id, actor_id, user_id, action, "
                                       "note, created_at) VALUES (?, ?, ?, 'set_roles', ?, ?)",
                                       ids_.next(), viewer.user_id, user->id, note, now));
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

Result<profiles::User> AccountService::Deactivate(const Viewer& viewer,
                                                  const profiles::UserRef& target) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins deactivate accounts");
  auto user = target.id ? users_.FindById(*target.id) : users_.FindByUsername(target.username);
  if (!user.ok()) return user.status();
  if (viewer.user_id == user->id) {
    return Status::Unprocessable("self_deactivation", "admins cannot deactivate themselves");
  }
  AGORA_RETURN_IF_ERROR(users_.Deactivate(user->id));
  // The account is inactive from here on: its streams end even if revoking sessions fails.
  live_.AccountDeactivated(user->id);
  AGORA_RETURN_IF_ERROR(sessions_.RevokeAll(user->id));
  user->active = false;
  return user;
}

}  // namespace agora::services
