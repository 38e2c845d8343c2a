#include "server/router.h"

namespace agora::server {
namespace {

std::vector<std::string> SplitPattern(std::string_view pattern) {
  std::vector<std::string> out;
  size_t start = 1;  // patterns start with '/'
  while (start <= pattern.size()) {
    size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    out.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// HEAD is answered by the path's GET route; the transport sends the head without the body.
bool Serves(const Route& route, std::string_view method) {
  return route.method == method || (method == "HEAD" && route.method == "GET");
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Lane lane,
                 RouteHandler handler) {
  std::vector<std::string> segments = SplitPattern(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), access, lane, std::move(handler),
                          std::move(segments)});
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& path) const {
  RouteMatch result;
  for (const auto& route : routes_) {
    if (route.segments.size() != path.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool matched = true;
    for (size_t i = 0; i < path.size() && matched; ++i) {
      const std::string& segment = route.segments[i];
      if (IsParam(segment)) {
        if (path[i].empty())
          matched = false;
        else
          params[segment.substr(1, segment.size() - 2)] = path[i];
      } else {
        matched = segment == path[i];
      }
    }
    if (!matched) continue;
    if (!Serves(route, method)) {
      result.allowed_methods.push_back(route.method);
      if (route.method == "GET") result.allowed_methods.emplace_back("HEAD");
      continue;
    }
    result.route = &route;
    result.params = std::move(params);
    result.allowed_methods.clear();
    return result;
  }
  return result;
}

}  // namespace agora::server
