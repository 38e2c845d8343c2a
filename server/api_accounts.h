// What api_accounts.cc shares with the other sign-in routes (api_sign_in.cc).
#pragma once

#include <string>

#include "services/account_service.h"

namespace agora::server {

// The answer of a successful sign-in: `token`, `expires_at`, `user` (with private fields).
std::string RenderLogin(const services::LoginResult& login);

}  // namespace agora::server
