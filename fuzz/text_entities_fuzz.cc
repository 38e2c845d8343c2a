// Mentions and hashtags found in post text (posts/text_entities.h, ICU): on any bytes, mentions
// are usernames' characters, hashtags are well-formed UTF-8 of at most 100 characters, neither
// list holds an entry twice, and finding them again in their own rendering gives the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "core/text.h"
#include "posts/text_entities.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "text_entities_fuzz: %s\n", what);
    std::abort();
  }
}

bool Distinct(const std::vector<std::string>& items) {
  return std::set<std::string>(items.begin(), items.end()).size() == items.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> mentions = agora::posts::ExtractMentions(text);
  Check(Distinct(mentions), "a mention found twice");
  std::string rendered;
  for (const auto& mention : mentions) {
    Check(!mention.empty(), "an empty mention");
    for (char c : mention) {
      Check((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-',
            "a mention holds a character no username has");
    }
    rendered += "@" + mention + " ";
  }
  Check(agora::posts::ExtractMentions(rendered) == mentions, "mentions do not read back");

  std::vector<std::string> hashtags = agora::posts::ExtractHashtags(text);
  Check(Distinct(hashtags), "a hashtag found twice");
  for (const auto& tag : hashtags) {
    Check(!tag.empty(), "an empty hashtag");
    Check(agora::IsValidUtf8(tag), "a hashtag that is not UTF-8");
    Check(agora::Utf8Length(tag) <= 100, "a hashtag longer than 100 characters");
  }
  return 0;
}
