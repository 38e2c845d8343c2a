// Mentions, hashtags and links found in post text. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace agora::posts {

// "@username" tokens (usernames are ASCII [a-z0-9_.-]), lower-cased, deduplicated, in order of
// first appearance. An '@' inside a word (an email address) is not a mention; a trailing '.'
// or '-' is punctuation, not part of the name.
std::vector<std::string> ExtractMentions(std::string_view text);

// "#tag" tokens: letters, digits and '_' in any script, case-folded with Unicode rules
// ("#Négociation" and "#NÉGOCIATION" give the same tag), deduplicated, in order.
// A tag must hold at least one letter; at most 100 characters are kept per tag.
std::vector<std::string> ExtractHashtags(std::string_view text);

// One mention, hashtag or link where it stands in the text: bytes [begin, end) of the text,
// and its value (the lower-cased username, the case-folded tag, or the URL as written).
struct TextEntity {
  enum class Kind { kMention, kHashtag, kLink };
  Kind kind = Kind::kLink;
  size_t begin = 0;
  size_t end = 0;
  std::string value;
};

// Every entity of `text` in order, none overlapping: mentions and hashtags as the functions
// above find them (repeats included), and "http://" or "https://" links, which run to the next
// space, quote or angle bracket, less trailing punctuation. A mention or hashtag inside a link
// is part of the link.
std::vector<TextEntity> FindEntities(std::string_view text);

}  // namespace agora::posts
