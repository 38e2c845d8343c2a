// StaticSite: the web client's built files (web/dist), read into memory once at start and
// served from there, so a request never touches the disk and no path can leave the folder.
//
// GET / and every client-side route (a path outside /api/ and /scim/ whose last segment is not
// a file name of a type served here, so "/people/@ana.lopez" is a route) answer index.html; files
// under assets/ carry content hashes in their names and are cached for a year. Every answer carries
// the Content-Security-Policy below. Thread-safe once loaded (read-only).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/api.h"

namespace agora::server {

// No inline script or style, nothing from another origin; 'self' covers ws:/wss: to the same
// host (CSP Level 3), which the live stream needs.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

struct StaticSiteLimits {
  size_t max_file_bytes = 8 << 20;
  size_t max_total_bytes = 64 << 20;
};

class StaticSite {
 public:
  // A site with no files: `/` answers 503 with `reason`.
  explicit StaticSite(std::string reason = "the web client is not built");

  // Reads every regular file under `root` (symbolic links that lead outside `root` are
  // skipped). Fails when `root` has no index.html or exceeds `limits`.
  static Result<StaticSite> Load(const std::filesystem::path& root, StaticSiteLimits limits = {});

  // The answer to GET `path` (percent-decoded segments), or nullopt when the path is the API's
  // (/api/..., /scim/...) or has no file and is not a client-side route.
  std::optional<ApiResponse> Get(const std::vector<std::string>& path) const;

  size_t files() const { return files_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  ApiResponse Answer(const std::string& name, const File& file) const;

  std::map<std::string, File, std::less<>> files_;  // by path relative to the root, '/'-separated
  size_t bytes_ = 0;
  std::string reason_;  // why there are no files
};

// The Content-Type of a file name by its extension ("application/octet-stream" if unknown).
std::string ContentTypeOf(const std::string& name);

}  // namespace agora::server
