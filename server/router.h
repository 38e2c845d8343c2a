// Router: the table of routes. Matching is pure and thread-safe once the table is built.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/viewer.h"
#include "server/api.h"

namespace agora::server {

// Which worker pool runs a handler: Argon2id work has its own small pool so that a login
// flood queues there and never starves ordinary requests.
// kInline: answered on the socket's own thread, never queued behind other requests, so it
// stays fast under overload; only for handlers that touch no store, lock or file (/healthz).
enum class Lane { kDefault, kPasswordHashing, kInline };

struct RouteContext {
  const ApiRequest& request;
  std::map<std::string, std::string, std::less<>> params;  // from {name} segments
  Viewer viewer;      // set when the route requires authentication
  std::string token;  // the bearer token, when one was sent

  const std::string& param(std::string_view name) const { return params.find(name)->second; }
};

// A handler's answer, or the Status the Dispatcher answers with ErrorResponse (server/errors.h).
using RouteHandler = std::function<Result<ApiResponse>(RouteContext&)>;

// Who may call a route; checked before its handler parses anything. kEmployee: any account
// but a guest's, for what is company-wide (directory, experts, following, sales); a guest gets
// 403 "guest_confined" (services::GuestConfined).
// kSignOut: any valid token, a read-scoped personal access token included: the route only
// ends the credential it was called with (revoking oneself writes nothing else).
enum class Access { kPublic, kAuthenticated, kSignOut, kEmployee, kAdmin };

struct Route {
  std::string method;
  std::string pattern;  // e.g. "/api/v1/users/{id}/follow"; also the metrics label
  Access access = Access::kAuthenticated;
  Lane lane = Lane::kDefault;
  RouteHandler handler;
  std::vector<std::string> segments;  // pattern split on '/'
};

struct RouteMatch {
  const Route* route = nullptr;              // null: no route
  std::vector<std::string> allowed_methods;  // when no route matched the method (405)
  std::map<std::string, std::string, std::less<>> params;
};

class Router {
 public:
  // `pattern` segments in braces, like {id}, match any non-empty segment. HEAD matches the
  // GET route of a path, and a path with a GET route allows HEAD too.
  void add(std::string method, std::string pattern, Access access, Lane lane, RouteHandler handler);
  RouteMatch match(std::string_view method, const std::vector<std::string>& path) const;
  const std::vector<Route>& routes() const { return routes_; }

  // What answers a GET that no route matched (the web client's files), or nullopt for the
  // usual 404. It runs on a worker without authentication, so it must not block for long.
  using Fallback = std::function<std::optional<ApiResponse>(const ApiRequest&)>;
  void set_fallback(Fallback fallback) { fallback_ = std::move(fallback); }
  const Fallback& fallback() const { return fallback_; }

 private:
  std::vector<Route> routes_;
  Fallback fallback_;
};

}  // namespace agora::server
