// Mentions and hashtags found in post text. Pure functions, thread-safe.
#pragma once

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

}  // namespace agora::posts
