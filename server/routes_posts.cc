// Routes of api.md "Posts": create, read, edit, delete, replies, reactions.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::PostService;

ApiResponse Create(RouteContext& ctx, PostService& posts) {
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  auto post = ParseNewPost(JsonFields(body));
  if (!post.ok()) return ErrorResponse(post.status());
  auto created = posts.Create(ctx.viewer, std::move(*post));
  if (!created.ok()) return ErrorResponse(created.status());
  return JsonResponse(201, RenderPost(*created));
}

ApiResponse Get(RouteContext& ctx, PostService& posts) {
  auto id = ParseResourceId(ctx.param("id"), "post");
  if (!id.ok()) return ErrorResponse(id.status());
  auto post = posts.Get(ctx.viewer, *id);
  if (!post.ok()) return ErrorResponse(post.status());
  return JsonResponse(200, RenderPost(*post));
}

ApiResponse Edit(RouteContext& ctx, PostService& posts) {
  auto id = ParseResourceId(ctx.param("id"), "post");
  if (!id.ok()) return ErrorResponse(id.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"text"}); !s.ok()) return ErrorResponse(s);
  auto text = fields.required_string("text");
  if (!text.ok()) return ErrorResponse(text.status());
  auto post = posts.Edit(ctx.viewer, *id, *text);
  if (!post.ok()) return ErrorResponse(post.status());
  return JsonResponse(200, RenderPost(*post));
}

ApiResponse Delete(RouteContext& ctx, PostService& posts) {
  auto id = ParseResourceId(ctx.param("id"), "post");
  if (!id.ok()) return ErrorResponse(id.status());
  if (Status s = posts.Delete(ctx.viewer, *id); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse Replies(RouteContext& ctx, PostService& posts) {
  auto id = ParseResourceId(ctx.param("id"), "post");
  if (!id.ok()) return ErrorResponse(id.status());
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  auto replies = posts.Replies(ctx.viewer, *id, *page);
  if (!replies.ok()) return ErrorResponse(replies.status());
  return JsonResponse(200, RenderPostPage(*replies));
}

// The reaction type from an optional body {"type": "..."}; "like" when absent.
Result<std::string> ReactionType(const ApiRequest& request) {
  if (request.body.empty()) return std::string("like");
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, body));
  JsonFields fields(body);
  AGORA_RETURN_IF_ERROR(RejectUnknownFields(fields, {"type"}));
  auto type = fields.optional_string("type");
  if (!type.ok()) return type.status();
  return type->value_or("like");
}

ApiResponse React(RouteContext& ctx, PostService& posts) {
  auto id = ParseResourceId(ctx.param("id"), "post");
  if (!id.ok()) return ErrorResponse(id.status());
  auto type = ReactionType(ctx.request);
  if (!type.ok()) return ErrorResponse(type.status());
  auto post = posts.React(ctx.viewer, *id, *type);
  if (!post.ok()) return ErrorResponse(post.status());
  return JsonResponse(200, RenderPost(*post));
}

ApiResponse Unreact(RouteContext& ctx, PostService& posts) {
  auto id = ParseResourceId(ctx.param("id"), "post");
  if (!id.ok()) return ErrorResponse(id.status());
  std::string type = std::string(ctx.request.query_param("type").value_or(""));
  if (type.empty()) {
    auto from_body = ReactionType(ctx.request);
    if (!from_body.ok()) return ErrorResponse(from_body.status());
    type = *from_body;
  }
  if (Status s = posts.Unreact(ctx.viewer, *id, type); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

}  // namespace

void AddPostRoutes(Router& router, PostService& posts) {
  auto bind = [&posts](ApiResponse (*handler)(RouteContext&, PostService&)) {
    return [handler, &posts](RouteContext& ctx) { return handler(ctx, posts); };
  };
  const auto auth = Access::kAuthenticated;
  router.add("POST", "/api/v1/posts", auth, Lane::kDefault, bind(Create));
  router.add("GET", "/api/v1/posts/{id}", auth, Lane::kDefault, bind(Get));
  router.add("PATCH", "/api/v1/posts/{id}", auth, Lane::kDefault, bind(Edit));
  router.add("DELETE", "/api/v1/posts/{id}", auth, Lane::kDefault, bind(Delete));
  router.add("GET", "/api/v1/posts/{id}/replies", auth, Lane::kDefault, bind(Replies));
  router.add("POST", "/api/v1/posts/{id}/reactions", auth, Lane::kDefault, bind(React));
  router.add("DELETE", "/api/v1/posts/{id}/reactions", auth, Lane::kDefault, bind(Unreact));
}

}  // namespace agora::server
