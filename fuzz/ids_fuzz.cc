// Ids, cursors and tokens as requests carry them: ParseId (path segments, body ids, cursors),
// user references, the limit and cursor query parameters of pages and streams, the
// Authorization header's bearer token and the hash sessions are looked up by.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/id.h"
#include "profiles/bearer_secret.h"
#include "server/dispatcher.h"
#include "server/request_parsing.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ids_fuzz: %s\n", what);
    std::abort();
  }
}

// "k=v&k=v" into decoded-looking pairs, as the HTTP session hands them over.
agora::server::ApiRequest WithQuery(std::string_view text) {
  agora::server::ApiRequest request;
  while (!text.empty()) {
    size_t end = text.find('&');
    std::string_view pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    size_t equals = pair.find('=');
    request.query.emplace_back(
        std::string(pair.substr(0, equals)),
        equals == std::string_view::npos ? std::string() : std::string(pair.substr(equals + 1)));
  }
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);

  if (auto id = agora::ParseId(text)) {
    Check(*id > 0, "ParseId gave an id that is not positive");
    Check(agora::ParseId(agora::IdToString(*id)) == id, "IdToString does not read back");
    for (char c : text) Check(c >= '0' && c <= '9', "ParseId took a character that is no digit");
  }
  if (auto ref = agora::server::ParseUserRef(text); ref.ok() && ref->id) {
    Check(*ref->id > 0, "ParseUserRef gave an id that is not positive");
  }
  (void)agora::server::ParseResourceId(text, "post");

  agora::server::ApiRequest request = WithQuery(text);
  if (auto page = agora::server::ParsePageRequest(request); page.ok()) {
    Check(page->limit >= 1 && page->limit <= agora::PageRequest::kMaxLimit,
          "page limit out of range");
  }
  if (auto stream = agora::server::ParseStreamRequest(request); stream.ok()) {
    Check(stream->limit >= 1 && stream->limit <= 100, "stream limit out of range");
  }

  if (auto token = agora::server::BearerToken(text)) {
    Check(!token->empty(), "BearerToken gave an empty token");
    Check(text.find(*token) != std::string::npos, "BearerToken is not part of the header");
  }
  Check(agora::profiles::HashBearerSecret(text).size() == 32, "a token hash is not 32 bytes");
  return 0;
}
