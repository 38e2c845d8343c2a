#include "services/oidc_sign_in.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/logfmt.h"
#include "oidc/pkce.h"
#include "profiles/account_records.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

Status Refused(std::string code, std::string message) {
  return {StatusCode::kUnauthenticated, std::move(code), std::move(message)};
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A path on this origin: "/" then no second "/" or "\" (which browsers read as another host),
// no control characters.
bool IsLocalPath(const std::string& path) {
  if (path.empty() || path.size() > 512 || path[0] != '/' || path.find('#') != std::string::npos) {
    return false;
  }
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  return std::none_of(path.begin(), path.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F || ch == '\\';
  });
}

// Drops expired entries, then the oldest-expiring ones while over `max`.
template <typename Map>
void Prune(Map& map, UnixMillis now, size_t max) {
  std::erase_if(map, [now](const auto& entry) { return entry.second.expires_at <= now; });
  while (map.size() >= max) {
    auto oldest = std::min_element(map.begin(), map.end(), [](const auto& a, const auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    map.erase(oldest);
  }
}

}  // namespace

OidcSignInService::OidcSignInService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                                     profiles::UserRepository& users, AccountService& accounts,
                                     CommunityService& communities, oidc::OidcClient& client,
                                     OidcSignInOptions options)
    : store_(store),
      clock_(clock),
      ids_(ids),
      users_(users),
      accounts_(accounts),
      communities_(communities),
      client_(client),
      options_(std::move(options)) {}

Result<OidcStart> OidcSignInService::Start(const std::string& redirect_uri,
                                           const std::string& return_to) {
  if (!return_to.empty() && !IsLocalPath(return_to)) {
    return Status::InvalidArgument("invalid_return_to", "return_to must be a path on this site");
  }
  AGORA_ASSIGN_OR_RETURN(oidc::ProviderMetadata metadata, client_.Metadata());
  PendingSignIn pending{.browser_handle = oidc::RandomToken(),
                        .nonce = oidc::RandomToken(),
                        .code_verifier = oidc::RandomToken(),
                        .redirect_uri = redirect_uri,
                        .return_to = return_to.empty() ? "/" : return_to,
                        .expires_at = clock_.now_ms() + options_.flow_ttl_ms};
  std::string state = oidc::RandomToken();
  OidcStart start{
      .authorization_url = client_.AuthorizationUrl(metadata, redirect_uri, state, pending.nonce,
                                                    oidc::S256Challenge(pending.code_verifier)),
      .browser_handle = pending.browser_handle};
  MutexLock lock(&mu_);
  Prune(pending_, clock_.now_ms(), options_.max_pending);
  pending_.emplace(std::move(state), std::move(pending));
  return start;
}

Status OidcSignInService::Refuse(const Status& why, const std::string& subject) {
  spdlog::warn("event=oidc_sign_in_refused reason={} sub={} message={}", LogValue(why.error_code()),
               LogValue(subject), LogValue(why.message()));
  return why;
}

Result<OidcFinished> OidcSignInService::Finish(const OidcCallback& callback) {
  std::optional<PendingSignIn> pending;
  {
    MutexLock lock(&mu_);
    // Taken out whatever follows: a state answers one callback only.
    if (auto it = pending_.find(callback.state); it != pending_.end()) {
      pending = std::move(it->second);
      pending_.erase(it);
    }
  }
  if (!pending || pending->expires_at <= clock_.now_ms() ||
      !SameSecret(pending->browser_handle, callback.browser_handle)) {
    return Refuse(Refused("invalid_state",
                          "this sign-in is unknown, used, expired or was started in another "
                          "browser; start again"),
                  "");
  }
  if (!callback.idp_error.empty()) {
    return Refuse(Refused("idp_error", "the identity provider refused: " + callback.idp_error), "");
  }
  if (callback.code.empty()) return Refuse(Refused("code_rejected", "no authorization code"), "");
  auto claims =
      client_.Redeem(callback.code, pending->code_verifier, pending->redirect_uri, pending->nonce);
  if (!claims.ok()) return Refuse(claims.status(), "");
  AGORA_ASSIGN_OR_RETURN(Id user_id, MapAccount(*claims));
  OidcFinished finished{.login_code = oidc::RandomToken(), .return_to = pending->return_to};
  MutexLock lock(&mu_);
  UnixMillis now = clock_.now_ms();
  Prune(login_codes_, now, options_.max_pending);
  login_codes_.emplace(
      finished.login_code,
      LoginCode{.user_id = user_id, .expires_at = now + options_.login_code_ttl_ms});
  return finished;
}

Result<Id> OidcSignInService::MapAccount(const oidc::IdTokenClaims& claims) {
  profiles::ProfileChanges link;
  link.external_id = claims.sub;
  if (!profiles::ValidateProfile(link).ok()) {
    return Refuse(Refused("invalid_id_token", "the ID token's subject is not a usable identifier"),
                  "");
  }
  // What the transaction decided; a refusal is committed too (its audit row), then returned.
  Status refusal;
  std::optional<profiles::User> linked;
  bool creation_failed = false;
  UnixMillis now = clock_.now_ms();
  auto user_id = store_.Transact<Id>([&](storage::Transaction& tx) -> Result<Id> {
    auto& c = tx.connection();
    refusal = Status::Ok();
    linked.reset();
    creation_failed = false;
    AGORA_ASSIGN_OR_RETURN(std::optional<Id> id, profiles::FindIdByExternalId(c, claims.sub));
    bool by_email = false;
    if (!id && claims.email_verified && !claims.email.empty()) {
      AGORA_ASSIGN_OR_RETURN(id, profiles::FindIdByEmail(c, claims.email));
      by_email = id.has_value();
    }
    if (!id && options_.create_accounts && claims.email_verified && !claims.email.empty()) {
      auto created = CreateAccount(tx, claims, now);
      if (!created.ok()) {
        creation_failed = true;  // nothing of it is kept
        return created.status();
      }
      tx.AfterCommitInOrder([this, user = *created] { users_.Committed(user, false); });
      return created->id;
    }
    if (!id) {
      refusal = Refused("unknown_account", options_.create_accounts
                                               ? "the provider vouches for no email to make an "
                                                 "account with"
                                               : "no Agora account belongs to this person");
      return Id{0};
    }
    AGORA_ASSIGN_OR_RETURN(profiles::User user, profiles::LoadUser(c, *id));
    std::string action = "oidc_sign_in";
    if (!user.active) {
      refusal = Refused("account_inactive", "this account is deactivated");
      action = "oidc_refused_inactive";
    } else if (by_email && !user.external_id.empty()) {
      refusal = Refused("subject_mismatch",
                        "this email's account is bound to another identity at the provider");
      action = "oidc_refused_subject_mismatch";
    } else if (by_email) {
      AGORA_ASSIGN_OR_RETURN(user, profiles::UpdateUser(c, *id, link, now));
      linked = user;
      action = "oidc_linked";
    }
    AGORA_RETURN_IF_ERROR(
        profiles::AppendAccountAudit(c, ids_.next(), *id, *id, action, "sub=" + claims.sub, now));
    if (linked) {
      tx.AfterCommitInOrder([this, user = *linked] { users_.Committed(user, false); });
    }
    return *id;
  });
  if (!user_id.ok() && creation_failed) {
    return Refuse(Refused("unknown_account", "no account could be made for this person: " +
                                                 user_id.status().message()),
                  claims.sub);
  }
  if (!user_id.ok()) return user_id.status();
  if (!refusal.ok()) return Refuse(refusal, claims.sub);
  spdlog::info("event=oidc_signed_in user_id={} linked_by_email={}", *user_id, linked.has_value());
  return user_id;
}

Result<profiles::User> OidcSignInService::CreateAccount(storage::Transaction& tx,
                                                        const oidc::IdTokenClaims& claims,
                                                        UnixMillis now) {
  storage::Connection& c = tx.connection();
  profiles::NewUser account;
  AGORA_ASSIGN_OR_RETURN(
      account.username,
      profiles::FreeUsernameFor(
          c, claims.preferred_username.empty() ? claims.email : claims.preferred_username));
  account.profile.display_name =
      claims.name.empty() ? claims.email.substr(0, claims.email.find('@')) : claims.name;
  account.profile.email = claims.email;
  account.profile.external_id = claims.sub;
  AGORA_RETURN_IF_ERROR(profiles::ValidateProfile(account.profile));
  Id id = ids_.next();
  AGORA_ASSIGN_OR_RETURN(
      profiles::User user,
      profiles::InsertUser(c, id, account, profiles::kUnusablePasswordHash, now));
  AGORA_RETURN_IF_ERROR(profiles::AppendAccountAudit(c, ids_.next(), id, id, "oidc_create",
                                                     "sub=" + claims.sub, now));
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, id));
  return user;
}

Result<LoginResult> OidcSignInService::RedeemLoginCode(const std::string& login_code) {
  std::optional<LoginCode> code;
  {
    MutexLock lock(&mu_);
    if (auto it = login_codes_.find(login_code); it != login_codes_.end()) {
      code = it->second;
      login_codes_.erase(it);
    }
  }
  if (!code || code->expires_at <= clock_.now_ms()) {
    return Refused("invalid_login_code", "this login code is unknown, used or expired");
  }
  return accounts_.SignInVerified(code->user_id);
}

}  // namespace agora::services
