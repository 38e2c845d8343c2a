// Routes of api.md "Posts": create, read, edit, delete, replies, reactions.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/route_support.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::PostService;

Result<Id> PostId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "post"); }

Result<ApiResponse> Create(RouteContext& ctx, PostService& posts) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(posts::NewPost post, ParseNewPost(JsonFields(body)));
  return Json(201, posts.Create(ctx.viewer, std::move(post)), RenderPost);
}

Result<ApiResponse> Get(RouteContext& ctx, PostService& posts) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  return Json(200, posts.Get(ctx.viewer, id), RenderPost);
}

Result<ApiResponse> Edit(RouteContext& ctx, PostService& posts) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"text"}));
  AGORA_ASSIGN_OR_RETURN(std::string text, JsonFields(body).required_string("text"));
  return Json(200, posts.Edit(ctx.viewer, id, text), RenderPost);
}

Result<ApiResponse> Delete(RouteContext& ctx, PostService& posts) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  return NoContentOr(posts.Delete(ctx.viewer, id));
}

Result<ApiResponse> Replies(RouteContext& ctx, PostService& posts) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, posts.Replies(ctx.viewer, id, page), RenderPostPage);
}

// The reaction type from an optional body {"type": "..."}; "like" when absent.
Result<std::string> ReactionType(const ApiRequest& request) {
  if (request.body.empty()) return std::string("like");
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, body, {"type"}));
  AGORA_ASSIGN_OR_RETURN(auto type, JsonFields(body).optional_string("type"));
  return type.value_or("like");
}

Result<ApiResponse> React(RouteContext& ctx, PostService& posts) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  AGORA_ASSIGN_OR_RETURN(std::string type, ReactionType(ctx.request));
  return Json(200, posts.React(ctx.viewer, id, type), RenderPost);
}

Result<ApiResponse> Unreact(RouteContext& ctx, PostService& posts) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  std::string type = std::string(ctx.request.query_param("type").value_or(""));
  if (type.empty()) {
    AGORA_ASSIGN_OR_RETURN(type, ReactionType(ctx.request));
  }
  return NoContentOr(posts.Unreact(ctx.viewer, id, type));
}

}  // namespace

void AddPostRoutes(Router& router, PostService& posts) {
  const auto auth = Access::kAuthenticated;
  router.add("POST", "/api/v1/posts", auth, Lane::kDefault, Bind(posts, Create));
  router.add("GET", "/api/v1/posts/{id}", auth, Lane::kDefault, Bind(posts, Get));
  router.add("PATCH", "/api/v1/posts/{id}", auth, Lane::kDefault, Bind(posts, Edit));
  router.add("DELETE", "/api/v1/posts/{id}", auth, Lane::kDefault, Bind(posts, Delete));
  router.add("GET", "/api/v1/posts/{id}/replies", auth, Lane::kDefault, Bind(posts, Replies));
  router.add("POST", "/api/v1/posts/{id}/reactions", auth, Lane::kDefault, Bind(posts, React));
  router.add("DELETE", "/api/v1/posts/{id}/reactions", auth, Lane::kDefault, Bind(posts, Unreact));
}

}  // namespace agora::server
