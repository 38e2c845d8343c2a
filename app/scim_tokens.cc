// `agora scim-token create|list|revoke`: the provisioning tokens of the identity provider.
// They work on the data folder directly, whether or not a server runs: a running server reads
// the tokens table on every SCIM request, so a revocation holds at its next request.
#include <iostream>

#include "app/commands.h"
#include "identity/provisioning_tokens.h"

namespace agora::app {
namespace {

Result<std::unique_ptr<Application>> OpenOrSay(const ApplicationOptions& options) {
  auto app = Application::Open(options);
  if (!app.ok()) std::cerr << "agora: " << app.status().message() << "\n";
  return app;
}

}  // namespace

int ScimTokenCreate(const ApplicationOptions& options, const std::string& name) {
  auto app = OpenOrSay(options);
  if (!app.ok()) return 1;
  auto issued = identity::CreateProvisioningToken((*app)->store(), (*app)->ids().next(), name,
                                                  (*app)->clock().now_ms());
  if (!issued.ok()) {
    std::cerr << "agora: " << issued.status().message() << "\n";
    return issued.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::cerr << "provisioning token " << issued->token.id << " '" << name
            << "' (shown once; give it to the identity provider as its bearer token):\n";
  std::cout << issued->secret << "\n";
  return 0;
}

int ScimTokenList(const ApplicationOptions& options) {
  auto app = OpenOrSay(options);
  if (!app.ok()) return 1;
  auto tokens = identity::ListProvisioningTokens((*app)->store());
  if (!tokens.ok()) {
    std::cerr << "agora: " << tokens.status().message() << "\n";
    return 1;
  }
  for (const auto& t : *tokens) {
    std::cout << t.id << "\t" << t.name << "\tcreated " << FormatRfc3339(t.created_at) << "\t"
              << (t.revoked_at ? "revoked " + FormatRfc3339(*t.revoked_at) : std::string("active"))
              << "\n";
  }
  return 0;
}

int ScimTokenRevoke(const ApplicationOptions& options, Id id) {
  auto app = OpenOrSay(options);
  if (!app.ok()) return 1;
  Status status = identity::RevokeProvisioningToken((*app)->store(), id, (*app)->clock().now_ms());
  if (!status.ok()) {
    std::cerr << "agora: " << status.message() << "\n";
    return status.code() == StatusCode::kInternal ? 1 : 2;
  }
  std::cout << "revoked provisioning token " << id << "\n";
  return 0;
}

}  // namespace agora::app
