// Routes of api.md "Posts": create, read, edit, delete, replies, reactions.
#include <string>
#include <utility>

#include "posts/post.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/as2.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

std::string RenderPost(const services::PostView& view) { return RenderOne(view, WritePost); }

std::string RenderPostPage(const Page<services::PostView>& page) {
  return RenderItems(page, WritePost);
}

Result<posts::NewPost> ParseNewPost(const JsonFields& fields) {
  AGORA_RETURN_IF_ERROR(RejectUnknownFields(
      fields, {"text", "kind", "community_id", "in_reply_to", "deal", "deal_id"}));
  posts::NewPost post;
  AGORA_ASSIGN_OR_RETURN(post.text, fields.required_string("text"));
  AGORA_ASSIGN_OR_RETURN(auto kind, fields.optional_string("kind"));
  if (kind) {
    auto parsed = posts::ParseKind(*kind);
    if (!parsed) {
      return Status::Unprocessable("invalid_kind",
                                   "kind is status, question, deal_story or announcement");
    }
    post.kind = *parsed;
  }
  AGORA_ASSIGN_OR_RETURN(post.community_id, fields.optional_id("community_id"));
  AGORA_ASSIGN_OR_RETURN(post.in_reply_to, fields.optional_id("in_reply_to"));
  AGORA_ASSIGN_OR_RETURN(post.deal_id, fields.optional_id("deal_id"));
  AGORA_ASSIGN_OR_RETURN(auto deal_object, fields.optional_object("deal"));
  if (deal_object) {
    JsonFields deal(**deal_object);
    AGORA_RETURN_IF_ERROR(RejectUnknownFields(
        deal,
        {"customer", "sector", "product", "region", "amount", "currency", "closed_on", "outcome"}));
    posts::Deal d;
    for (auto [name, member] :
         {std::pair{"customer", &posts::Deal::customer}, std::pair{"sector", &posts::Deal::sector},
          std::pair{"product", &posts::Deal::product}, std::pair{"region", &posts::Deal::region},
          std::pair{"currency", &posts::Deal::currency},
          std::pair{"closed_on", &posts::Deal::closed_on}}) {
      auto value = deal.required_string(name);
      if (!value.ok()) {
        return Status::Unprocessable(
            "invalid_deal", "deal." + std::string(name) + " is required and must be a string");
      }
      d.*member = std::move(*value);
    }
    auto amount = deal.required_number("amount");
    if (!amount.ok()) {
      return Status::Unprocessable("invalid_deal", "deal.amount is required and must be a number");
    }
    d.amount = *amount;
    auto outcome = deal.required_string("outcome");
    auto parsed = outcome.ok() ? posts::ParseOutcome(*outcome) : std::nullopt;
    if (!parsed) return Status::Unprocessable("invalid_deal", "deal.outcome is won, lost or open");
    d.outcome = *parsed;
    post.deal = std::move(d);
  }
  return post;
}

using services::PostService;

Result<Id> PostId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "post"); }

Result<ApiResponse> Create(RouteContext& ctx, PostService& posts) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(posts::NewPost post, ParseNewPost(JsonFields(body)));
  return Created(posts.Create(ctx.viewer, std::move(post)), RenderPost, "/api/v1/posts/",
                 [](const services::PostView& p) { return p.post.id; });
}

// The post, or its ActivityStreams Note when the Accept header asks for AS2.
Result<ApiResponse> Get(RouteContext& ctx, PostService& posts, const PublicUrl& url) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  return NegotiatedAnswer(
      ctx.request, posts.Get(ctx.viewer, id),
      [&url](const services::PostView& view) { return RenderNoteDocument(view, As2Iris(url)); },
      RenderPost);
}

// The Create activity that published the post: the id stream pages give each item.
Result<ApiResponse> GetActivity(RouteContext& ctx, PostService& posts, const PublicUrl& url) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  AGORA_ASSIGN_OR_RETURN(services::PostView view, posts.Get(ctx.viewer, id));
  return As2Answer(ctx.request, RenderCreateDocument(view, As2Iris(url)));
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

void AddPostRoutes(Router& router, PostService& posts, const PublicUrl& url) {
  const auto auth = Access::kAuthenticated;
  router.add("POST", "/api/v1/posts", auth, Lane::kDefault, Bind(posts, Create));
  router.add("GET", "/api/v1/posts/{id}", auth, Lane::kDefault,
             [&posts, &url](RouteContext& ctx) { return Get(ctx, posts, url); });
  router.add("GET", "/api/v1/posts/{id}/activity", auth, Lane::kDefault,
             [&posts, &url](RouteContext& ctx) { return GetActivity(ctx, posts, url); });
  router.add("PATCH", "/api/v1/posts/{id}", auth, Lane::kDefault, Bind(posts, Edit));
  router.add("DELETE", "/api/v1/posts/{id}", auth, Lane::kDefault, Bind(posts, Delete));
  router.add("GET", "/api/v1/posts/{id}/replies", auth, Lane::kDefault, Bind(posts, Replies));
  router.add("POST", "/api/v1/posts/{id}/reactions", auth, Lane::kDefault, Bind(posts, React));
  router.add("DELETE", "/api/v1/posts/{id}/reactions", auth, Lane::kDefault, Bind(posts, Unreact));
}

}  // namespace agora::server
