// Routes of api.md "Provisioning and sign-in" for OpenID Connect, and GET /api/v1/auth/methods
// (which sign-in methods the client should offer).
#include <algorithm>

#include "server/api_accounts.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"
#include "services/oidc_sign_in.h"

namespace agora::server {
namespace {

constexpr const char* kCookie = "agora_oidc";
constexpr const char* kCookiePath = "/api/v1/auth/oidc";

struct SignInContext {
  services::AccountService& accounts;
  services::OidcSignInService* oidc;  // null when OpenID Connect is not configured
  SignInRoutesOptions options;
};

// The cookie that binds a pending sign-in to the browser that started it: HttpOnly (scripts
// never see it), SameSite=Lax (sent on the provider's top-level redirect back, not on requests
// other sites make), scoped to the sign-in routes, Secure when the site is served over HTTPS.
std::string HandleCookie(const SignInContext& context, const std::string& value, int max_age_s) {
  std::string cookie = std::string(kCookie) + "=" + value + "; Path=" + kCookiePath +
                       "; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Lax";
  if (context.options.redirect_url.starts_with("https:")) cookie += "; Secure";
  return cookie;
}

ApiResponse Redirect(const std::string& location) {
  ApiResponse response(302, "", "");
  response.headers.emplace_back("Location", location);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The callback URL registered at the provider: --oidc-redirect-url, else this server as the
// browser reached it (plain http: behind a TLS proxy, set --oidc-redirect-url).
Result<std::string> RedirectUri(const SignInContext& context, const ApiRequest& request) {
  if (!context.options.redirect_url.empty()) return context.options.redirect_url;
  bool host_ok = !request.host.empty() && request.host.size() <= 255 &&
                 std::all_of(request.host.begin(), request.host.end(), [](char ch) {
                   return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ||
                          ch == ':' || ch == '[' || ch == ']';
                 });
  if (!host_ok) return Status::InvalidArgument("bad_request", "missing or malformed Host header");
  return "http://" + request.host + "/api/v1/auth/oidc/callback";
}

bool WantsHtml(const ApiRequest& request) {
  return request.accept.find("text/html") != std::string::npos;
}

Result<ApiResponse> Methods(RouteContext&, SignInContext& context) {
  return JsonResponse(200, RenderObject([&](JsonWriter& w) {
                        w.Key("password");
                        w.Bool(context.accounts.password_login());
                        if (context.oidc) {
                          w.Key("oidc");
                          w.StartObject();
                          StringMember(w, "name", context.oidc->display_name());
                          StringMember(w, "start_url", "/api/v1/auth/oidc/start");
                          w.EndObject();
                        }
                      }));
}

Result<ApiResponse> Start(RouteContext& ctx, SignInContext& context) {
  AGORA_ASSIGN_OR_RETURN(std::string redirect_uri, RedirectUri(context, ctx.request));
  std::string return_to(ctx.request.query_param("return_to").value_or(""));
  AGORA_ASSIGN_OR_RETURN(auto start, context.oidc->Start(redirect_uri, return_to));
  ApiResponse response = Redirect(start.authorization_url);
  response.headers.emplace_back("Set-Cookie", HandleCookie(context, start.browser_handle, 600));
  return response;
}

Result<ApiResponse> Callback(RouteContext& ctx, SignInContext& context) {
  const ApiRequest& request = ctx.request;
  services::OidcCallback callback{
      .state = std::string(request.query_param("state").value_or("")),
      .code = std::string(request.query_param("code").value_or("")),
      .idp_error = std::string(request.query_param("error").value_or("")),
      .browser_handle = std::string(request.cookie_value(kCookie).value_or(""))};
  auto finished = context.oidc->Finish(callback);
  std::string clear_cookie = HandleCookie(context, "", 0);
  if (!WantsHtml(request)) {
    // API clients: the login code in a JSON body, errors as the usual error body.
    if (!finished.ok()) return finished.status();
    ApiResponse response = JsonResponse(200, RenderObject([&](JsonWriter& w) {
                                          StringMember(w, "login_code", finished->login_code);
                                          StringMember(w, "return_to", finished->return_to);
                                        }));
    response.headers.emplace_back("Set-Cookie", clear_cookie);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }
  // Browsers: back to the client, which reads the fragment (never sent to a server, so never
  // in an access log) and POSTs the login code to /api/v1/auth/oidc/exchange.
  ApiResponse response = finished.ok()
                             ? Redirect(finished->return_to + "#oidc_login=" + finished->login_code)
                             : Redirect("/#oidc_error=" + finished.status().error_code());
  response.headers.emplace_back("Set-Cookie", clear_cookie);
  return response;
}

Result<ApiResponse> Exchange(RouteContext& ctx, SignInContext& context) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"login_code"}));
  AGORA_ASSIGN_OR_RETURN(std::string code, JsonFields(body).required_string("login_code"));
  return Json(200, context.oidc->RedeemLoginCode(code), RenderLogin);
}

RouteHandler Bind(const std::shared_ptr<SignInContext>& context,
                  Result<ApiResponse> (*handler)(RouteContext&, SignInContext&)) {
  return [handler, context](RouteContext& ctx) { return handler(ctx, *context); };
}

}  // namespace

void AddSignInRoutes(Router& router, services::AccountService& accounts,
                     services::OidcSignInService* oidc, const SignInRoutesOptions& options) {
  auto context = std::make_shared<SignInContext>(SignInContext{accounts, oidc, options});
  router.add("GET", "/api/v1/auth/methods", Access::kPublic, Lane::kDefault,
             Bind(context, Methods));
  if (!oidc) return;  // the OpenID Connect routes then answer 404
  router.add("GET", "/api/v1/auth/oidc/start", Access::kPublic, Lane::kDefault,
             Bind(context, Start));
  router.add("GET", "/api/v1/auth/oidc/callback", Access::kPublic, Lane::kDefault,
             Bind(context, Callback));
  router.add("POST", "/api/v1/auth/oidc/exchange", Access::kPublic, Lane::kDefault,
             Bind(context, Exchange));
}

}  // namespace agora::server
