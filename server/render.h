// JSON rendering of domain values, and the one place that maps a Status to an HTTP answer.
#pragma once

#include <string>

#include "core/json.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/follow_graph.h"
#include "profiles/user.h"
#include "server/api.h"

namespace agora::server {

// The error body of api.md, with the status that matches `status.code()`, and Retry-After
// for kRateLimited.
ApiResponse ErrorResponse(const Status& status);
int HttpStatusFor(StatusCode code);

ApiResponse JsonResponse(int status, std::string body);
ApiResponse NoContent();

// Email and roles are shown to the person themselves and to admins only.
void WriteUser(JsonWriter& w, const profiles::User& user, const Viewer& viewer);
std::string RenderUser(const profiles::User& user, const Viewer& viewer);
std::string RenderUserPage(const Page<profiles::User>& page, const Viewer& viewer);
std::string RenderRelationship(const profiles::Relationship& relationship);

}  // namespace agora::server
