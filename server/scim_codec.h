// SCIM 2.0 JSON (RFC 7643/7644): Users as SCIM renders them, and parsed from POST, PUT and
// patched documents; the ListResponse; the error body. Kept apart from the Agora API's codecs
// because SCIM names attributes without case and has its own error shape. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "server/api.h"
#include "services/provisioning_service.h"

namespace agora::server {

inline constexpr char kScimContentType[] = "application/scim+json";
inline constexpr char kScimUserSchema[] = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr char kScimEnterpriseSchema[] =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr char kScimGroupSchema[] = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr char kScimListSchema[] = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr char kScimPatchSchema[] = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr char kScimErrorSchema[] = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr char kScimBasePath[] = "/scim/v2";

// The member of `object` named `name` compared without case (SCIM attribute names are
// case-insensitive); null when absent.
const rapidjson::Value* ScimMember(const rapidjson::Value& object, std::string_view name);

// The error answer of a failed SCIM request: status from the StatusCode, scimType from the
// error code when it is one of RFC 7644's (kConflict is "uniqueness"; an Agora validation
// code is "invalidValue", a malformed body "invalidSyntax").
ApiResponse ScimErrorResponse(const Status& status);

// The version (ETag) of a user: weak, from its last change.
std::string ScimUserVersion(const services::ScimUser& user);
void WriteScimUser(JsonWriter& w, const services::ScimUser& user);
std::string RenderScimUser(const services::ScimUser& user);
std::string RenderScimUserList(const services::ScimUserPage& page);

// A whole User resource; kInvalidArgument "invalidValue" naming the attribute that is wrong
// (a wrong type, no userName, no email). Read-only attributes (id, meta) are ignored, and so are
// attributes Agora does not keep.
Result<services::ScimUserWrite> ParseScimUser(const rapidjson::Value& resource);

// Groups (communities the identity provider made). Without `with_members`
// (excludedAttributes=members) the members are left out.
std::string ScimGroupVersion(const services::ScimGroup& group);
std::string RenderScimGroup(const services::ScimGroup& group, bool with_members = true);
std::string RenderScimGroupList(const services::ScimGroupPage& page, bool with_members);
// A whole Group resource; kInvalidArgument "invalidValue" (no displayName, a member that is
// not an object with the id of a User as value).
Result<services::ScimGroupWrite> ParseScimGroup(const rapidjson::Value& resource);

}  // namespace agora::server
