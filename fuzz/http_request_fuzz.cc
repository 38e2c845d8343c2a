// Raw request bytes through the real HTTP server on loopback: Beast's parser, the target's
// decoding, the router, authentication and every handler, on a temporary store. "@TOKEN@" and
// the other placeholders of fuzz_server.h stand for a live session and existing ids.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text.h"
#include "fuzz/fuzz_server.h"

namespace {

// Every answer's body that says it is JSON must be UTF-8 (a JSON text that is not is invalid).
void CheckAnswers(std::string_view answers) {
  for (size_t at = answers.find("HTTP/1.1 "); at != std::string_view::npos;
       at = answers.find("HTTP/1.1 ", at + 1)) {
    size_t head_end = answers.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return;
    std::string_view head = answers.substr(at, head_end - at);
    if (head.find("Content-Type: application/json") == std::string_view::npos) continue;
    size_t length_at = head.find("Content-Length: ");
    if (length_at == std::string_view::npos) continue;
    size_t length = std::strtoull(head.data() + length_at + 16, nullptr, 10);
    std::string_view body = answers.substr(head_end + 4, length);
    if (!agora::IsValidUtf8(body)) {
      std::fprintf(stderr, "JSON answer that is not UTF-8:\n%.*s\n", static_cast<int>(body.size()),
                   body.data());
      std::abort();
    }
    at = head_end + 4 + body.size() - 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& server = agora::fuzz::FuzzServer::Get(/*listen=*/true);
  std::string bytes =
      agora::fuzz::Substitute(std::string(reinterpret_cast<const char*>(data), size), server);
  CheckAnswers(server.Exchange(bytes));
  return 0;
}
