// Routes of api.md "Provisioning and sign-in": SCIM 2.0 at /scim/v2. Each route takes only a
// provisioning token, and answers errors in SCIM's shape with application/scim+json.
#include <cctype>
#include <charconv>

#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/request_parsing.h"
#include "server/scim_codec.h"
#include "server/scim_discovery.h"
#include "server/scim_patch.h"

namespace agora::server {
namespace {

using services::ProvisioningService;
using Token = identity::ProvisioningToken;
using ScimHandler = Result<ApiResponse> (*)(RouteContext&, ProvisioningService&, const Token&);

ApiResponse ScimResponse(int status, std::string body) {
  return {status, std::move(body), kScimContentType};
}

// A resource with its version, and where it lives when it was just made.
ApiResponse ResourceResponse(int status, std::string body, std::string version,
                             const char* endpoint, Id id) {
  ApiResponse response = ScimResponse(status, std::move(body));
  response.headers.emplace_back("ETag", std::move(version));
  if (status == 201) {
    response.headers.emplace_back("Location",
                                  std::string(kScimBasePath) + endpoint + "/" + std::to_string(id));
  }
  return response;
}

ApiResponse UserResponse(int status, const services::ScimUser& user) {
  return ResourceResponse(status, RenderScimUser(user), ScimUserVersion(user), "/Users",
                          user.user.id);
}

ApiResponse GroupResponse(int status, const services::ScimGroup& group) {
  return ResourceResponse(status, RenderScimGroup(group), ScimGroupVersion(group), "/Groups",
                          group.community.id);
}

// The route's handler behind the provisioning token: a person's session or personal token is
// refused like a wrong one, and every error is answered in SCIM's shape.
RouteHandler Scim(ProvisioningService& provisioning, ScimHandler handler) {
  return [&provisioning, handler](RouteContext& ctx) -> Result<ApiResponse> {
    if (ctx.token.empty()) {
      return ScimErrorResponse(
          Status::Unauthenticated("send Authorization: Bearer <provisioning token>"));
    }
    auto token = provisioning.Authenticate(ctx.token);
    if (!token.ok()) return ScimErrorResponse(token.status());
    auto answer = handler(ctx, provisioning, *token);
    if (!answer.ok()) return ScimErrorResponse(answer.status());
    return answer;
  };
}

// A SCIM id in a path; an id that cannot be one names nothing (404).
Result<Id> ScimId(const RouteContext& ctx) {
  const std::string& text = ctx.param("id");
  Id id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Status::NotFound("no such resource");
  }
  return id;
}

Status ParseScimBody(const ApiRequest& request, rapidjson::Document& body) {
  Status status = ParseJsonObject(request, body);
  if (!status.ok() && status.code() == StatusCode::kInvalidArgument) {
    return Status::InvalidArgument("invalidSyntax", status.message());
  }
  return status;
}

Result<int64_t> IndexParam(const ApiRequest& request, std::string_view name, int64_t fallback) {
  auto text = request.query_param(name);
  if (!text) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Status::InvalidArgument("invalidValue", std::string(name) + " must be an integer");
  }
  return value;
}

// A list request's filter and page.
struct ListQuery {
  std::string filter;
  int64_t start_index = 1;
  int64_t count = services::ScimLimits::kDefaultCount;
};

Result<ListQuery> ParseListQuery(const ApiRequest& request) {
  ListQuery query;
  query.filter = request.query_param("filter").value_or("");
  AGORA_ASSIGN_OR_RETURN(query.start_index, IndexParam(request, "startIndex", 1));
  AGORA_ASSIGN_OR_RETURN(query.count, IndexParam(request, "count", query.count));
  return query;
}

Result<ApiResponse> ListUsers(RouteContext& ctx, ProvisioningService& provisioning, const Token&) {
  AGORA_ASSIGN_OR_RETURN(ListQuery query, ParseListQuery(ctx.request));
  AGORA_ASSIGN_OR_RETURN(auto page,
                         provisioning.ListUsers(query.filter, query.start_index, query.count));
  return ScimResponse(200, RenderScimUserList(page));
}

Result<ApiResponse> GetUser(RouteContext& ctx, ProvisioningService& provisioning, const Token&) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  AGORA_ASSIGN_OR_RETURN(auto user, provisioning.GetUser(id));
  return UserResponse(200, user);
}

Result<ApiResponse> CreateUser(RouteContext& ctx, ProvisioningService& provisioning,
                               const Token& by) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseScimBody(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(auto user, ParseScimUser(body));
  AGORA_ASSIGN_OR_RETURN(auto created, provisioning.CreateUser(by, user));
  return UserResponse(201, created);
}

Result<ApiResponse> ReplaceUser(RouteContext& ctx, ProvisioningService& provisioning,
                                const Token& by) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseScimBody(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(auto user, ParseScimUser(body));
  AGORA_ASSIGN_OR_RETURN(auto replaced,
                         provisioning.EditUser(by, id, [&](const services::ScimUser&) {
                           return Result<services::ScimUserWrite>(user);
                         }));
  return UserResponse(200, replaced);
}

Result<ApiResponse> PatchUser(RouteContext& ctx, ProvisioningService& provisioning,
                              const Token& by) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseScimBody(ctx.request, body));
  // The operations apply to the resource as it is inside the write's transaction.
  auto edit = [&body](const services::ScimUser& current) -> Result<services::ScimUserWrite> {
    rapidjson::Document resource;
    resource.Parse(RenderScimUser(current).c_str());
    AGORA_RETURN_IF_ERROR(ApplyScimUserPatch(resource, body));
    return ParseScimUser(resource);
  };
  AGORA_ASSIGN_OR_RETURN(auto patched, provisioning.EditUser(by, id, edit));
  return UserResponse(200, patched);
}

Result<ApiResponse> DeleteUser(RouteContext& ctx, ProvisioningService& provisioning,
                               const Token& by) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  AGORA_RETURN_IF_ERROR(provisioning.DeactivateUser(by, id));
  return NoContent();
}

// Whether `excludedAttributes` leaves the members out (Entra ID and Okta ask for that when they
// only look a Group up).
bool WithMembers(const ApiRequest& request) {
  std::string excluded(request.query_param("excludedAttributes").value_or(""));
  for (char& c : excluded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return excluded.find("members") == std::string::npos;
}

Result<ApiResponse> ListGroups(RouteContext& ctx, ProvisioningService& provisioning, const Token&) {
  AGORA_ASSIGN_OR_RETURN(ListQuery query, ParseListQuery(ctx.request));
  bool with_members = WithMembers(ctx.request);
  AGORA_ASSIGN_OR_RETURN(auto page, provisioning.ListGroups(query.filter, query.start_index,
                                                            query.count, with_members));
  return ScimResponse(200, RenderScimGroupList(page, with_members));
}

Result<ApiResponse> GetGroup(RouteContext& ctx, ProvisioningService& provisioning, const Token&) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  AGORA_ASSIGN_OR_RETURN(auto group, provisioning.GetGroup(id));
  ApiResponse response = GroupResponse(200, group);
  response.body = RenderScimGroup(group, WithMembers(ctx.request));
  return response;
}

Result<ApiResponse> CreateGroup(RouteContext& ctx, ProvisioningService& provisioning,
                                const Token& by) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseScimBody(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(auto group, ParseScimGroup(body));
  AGORA_ASSIGN_OR_RETURN(auto created, provisioning.CreateGroup(by, group));
  return GroupResponse(201, created);
}

Result<ApiResponse> ReplaceGroup(RouteContext& ctx, ProvisioningService& provisioning,
                                 const Token& by) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseScimBody(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(auto group, ParseScimGroup(body));
  AGORA_ASSIGN_OR_RETURN(auto replaced,
                         provisioning.EditGroup(by, id, [&](const services::ScimGroup&) {
                           return Result<services::ScimGroupWrite>(group);
                         }));
  return GroupResponse(200, replaced);
}

Result<ApiResponse> PatchGroup(RouteContext& ctx, ProvisioningService& provisioning,
                               const Token& by) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseScimBody(ctx.request, body));
  // As for Users: the operations apply to the Group as it is inside the transaction, so two
  // PATCHes adding members at once both land.
  auto edit = [&body](const services::ScimGroup& current) -> Result<services::ScimGroupWrite> {
    rapidjson::Document resource;
    resource.Parse(RenderScimGroup(current).c_str());
    AGORA_RETURN_IF_ERROR(ApplyScimGroupPatch(resource, body));
    return ParseScimGroup(resource);
  };
  AGORA_ASSIGN_OR_RETURN(auto patched, provisioning.EditGroup(by, id, edit));
  return GroupResponse(200, patched);
}

Result<ApiResponse> DeleteGroup(RouteContext& ctx, ProvisioningService& provisioning,
                                const Token& by) {
  AGORA_ASSIGN_OR_RETURN(Id id, ScimId(ctx));
  AGORA_RETURN_IF_ERROR(provisioning.DeleteGroup(by, id));
  return NoContent();
}

Result<ApiResponse> ServiceProviderConfig(RouteContext&, ProvisioningService&, const Token&) {
  return ScimResponse(200, ScimServiceProviderConfig());
}

Result<ApiResponse> SchemaList(RouteContext&, ProvisioningService&, const Token&) {
  return ScimResponse(200, ScimSchemaList());
}

Result<ApiResponse> SchemaById(RouteContext& ctx, ProvisioningService&, const Token&) {
  auto schema = ScimSchema(ctx.param("id"));
  if (!schema) return Status::NotFound("no such schema");
  return ScimResponse(200, *schema);
}

Result<ApiResponse> ResourceTypeList(RouteContext&, ProvisioningService&, const Token&) {
  return ScimResponse(200, ScimResourceTypeList());
}

Result<ApiResponse> ResourceTypeByName(RouteContext& ctx, ProvisioningService&, const Token&) {
  auto type = ScimResourceType(ctx.param("id"));
  if (!type) return Status::NotFound("no such resource type");
  return ScimResponse(200, *type);
}

// Any other resource under /scim/v2 (e.g. /Bulk, not served): SCIM's 404, so an
// identity provider probing for it reads an answer it understands.
Result<ApiResponse> UnknownResource(RouteContext& ctx, ProvisioningService&, const Token&) {
  return Status::NotFound("/scim/v2/" + ctx.param("resource") + " is not served");
}

}  // namespace

void AddScimRoutes(Router& router, ProvisioningService& provisioning) {
  // Public to the dispatcher: the provisioning token is checked by Scim(), not as a session.
  auto add = [&](const char* method, const char* pattern, ScimHandler handler) {
    router.add(method, pattern, Access::kPublic, Lane::kDefault, Scim(provisioning, handler));
  };
  add("GET", "/scim/v2/Users", ListUsers);
  add("POST", "/scim/v2/Users", CreateUser);
  add("GET", "/scim/v2/Users/{id}", GetUser);
  add("PUT", "/scim/v2/Users/{id}", ReplaceUser);
  add("PATCH", "/scim/v2/Users/{id}", PatchUser);
  add("DELETE", "/scim/v2/Users/{id}", DeleteUser);
  add("GET", "/scim/v2/Groups", ListGroups);
  add("POST", "/scim/v2/Groups", CreateGroup);
  add("GET", "/scim/v2/Groups/{id}", GetGroup);
  add("PUT", "/scim/v2/Groups/{id}", ReplaceGroup);
  add("PATCH", "/scim/v2/Groups/{id}", PatchGroup);
  add("DELETE", "/scim/v2/Groups/{id}", DeleteGroup);
  add("GET", "/scim/v2/ServiceProviderConfig", ServiceProviderConfig);
  add("GET", "/scim/v2/Schemas", SchemaList);
  add("GET", "/scim/v2/Schemas/{id}", SchemaById);
  add("GET", "/scim/v2/ResourceTypes", ResourceTypeList);
  add("GET", "/scim/v2/ResourceTypes/{id}", ResourceTypeByName);
  // Last: the routes above match first.
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    add(method, "/scim/v2/{resource}", UnknownResource);
    add(method, "/scim/v2/{resource}/{id}", UnknownResource);
  }
}

}  // namespace agora::server
