#include "server/static_site.h"

#include <fstream>
#include <iterator>
#include <system_error>

#include "server/errors.h"

namespace agora::server {
namespace {

namespace fs = std::filesystem;

bool Inside(const fs::path& root, const fs::path& path) {
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

// A segment that could name something outside the folder, or nothing at all.
bool UnsafeSegment(const std::string& segment) {
  return segment.empty() || segment == "." || segment == ".." ||
         segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos;
}

void SecurityHeaders(ApiResponse& response) {
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace

std::string ContentTypeOf(const std::string& name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  auto found = kTypes.find(std::string_view(name).substr(dot));
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

StaticSite::StaticSite(std::string reason) : reason_(std::move(reason)) {}

Result<StaticSite> StaticSite::Load(const fs::path& root, StaticSiteLimits limits) {
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec || !fs::is_directory(base)) {
    return Status::NotFound("no web client folder at " + root.string());
  }
  StaticSite site("");
  for (fs::recursive_directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    fs::path real = fs::canonical(it->path(), ec);
    if (ec || !Inside(base, real)) {  // a link out of the folder, or a broken one
      ec.clear();
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!fs::is_regular_file(real)) continue;
    uintmax_t size = fs::file_size(real, ec);
    if (ec) return Status::Internal("cannot read " + real.string());
    if (size > limits.max_file_bytes || site.bytes_ + size > limits.max_total_bytes) {
      return Status::Unavailable("the web client in " + base.string() + " is too large");
    }
    std::ifstream in(real, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Status::Internal("cannot read " + real.string());
    std::string name = it->path().lexically_relative(base).generic_string();
    site.bytes_ += body.size();
    site.files_.emplace(name, File{ContentTypeOf(name), std::move(body)});
  }
  if (ec) return Status::Internal("cannot list " + base.string() + ": " + ec.message());
  if (!site.files_.contains("index.html")) {
    return Status::NotFound("no index.html in " + base.string());
  }
  return site;
}

ApiResponse StaticSite::Answer(const std::string& name, const File& file) const {
  ApiResponse response{200, file.body, file.content_type};
  bool hashed = name.starts_with("assets/");
  response.headers.emplace_back("Cache-Control",
                                hashed ? "public, max-age=31536000, immutable" : "no-cache");
  SecurityHeaders(response);
  return response;
}

std::optional<ApiResponse> StaticSite::Get(const std::vector<std::string>& path) const {
  std::vector<std::string> segments = path;
  if (!segments.empty() && segments.back().empty()) segments.pop_back();  // "/people/"
  if (!segments.empty() && (segments.front() == "api" || segments.front() == "scim")) {
    return std::nullopt;
  }
  std::string name;
  for (const auto& segment : segments) {
    if (UnsafeSegment(segment)) return std::nullopt;
    name += (name.empty() ? "" : "/") + segment;
  }
  // A client route: no file name with a type we serve ("/people/@ana.lopez" is a route,
  // "/assets/app-1234.js" a file that may be missing).
  bool client_route =
      segments.empty() || ContentTypeOf(segments.back()) == "application/octet-stream";
  if (files_.empty()) {
    if (!client_route) return std::nullopt;
    ApiResponse unavailable =
        ErrorResponse(Status::Unavailable(
            reason_ + "; build it with `npm ci && npm run build` in web/ (./scripts/run-demo.sh "
                      "does) and restart, or pass --web-root DIR"));
    SecurityHeaders(unavailable);
    return unavailable;
  }
  if (auto file = files_.find(name); file != files_.end()) return Answer(file->first, file->second);
  if (!client_route) return std::nullopt;
  return Answer("index.html", files_.find("index.html")->second);
}

}  // namespace agora::server
