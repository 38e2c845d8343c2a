#include "server/next_link.h"

#include <rapidjson/document.h>

#include <boost/url/url.hpp>

namespace agora::server {
namespace {

// `request`'s path and query with query parameter `name` set to `value` (added, or replacing
// every earlier value), percent-encoded as a URL path with its query.
std::string SameRequestWith(const ApiRequest& request, std::string_view name,
                            std::string_view value) {
  boost::urls::url target;
  target.set_path_absolute(true);
  for (const auto& segment : request.path) target.segments().push_back(segment);
  for (const auto& [key, param] : request.query) target.params().append({key, param});
  target.params().set(name, value);
  return std::string(target.buffer());
}

}  // namespace

std::string NextRel(std::string_view target) {
  return "<" + std::string(target) + ">; rel=\"next\"";
}

std::optional<std::string> NextPageLink(const ApiRequest& request, std::string_view body) {
  // Most answers name none of these members: they are not parsed a second time.
  if (body.find("\"next") == std::string_view::npos) return std::nullopt;
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto member = [&document](const char* name) -> const rapidjson::Value* {
    return document.HasMember(name) ? &document[name] : nullptr;
  };
  if (const auto* cursor = member("next_cursor"); cursor && cursor->IsString()) {
    return NextRel(SameRequestWith(request, "cursor", cursor->GetString()));
  }
  if (const auto* offset = member("next_offset"); offset && offset->IsUint64()) {
    return NextRel(SameRequestWith(request, "offset", std::to_string(offset->GetUint64())));
  }
  if (const auto* next = member("next"); next && next->IsString()) {
    return NextRel(next->GetString());
  }
  return std::nullopt;
}

}  // namespace agora::server
