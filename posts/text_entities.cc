#include "posts/text_entities.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>

#include "core/name_key.h"

namespace agora::posts {
namespace {

bool IsUsernameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool IsWordCodePoint(UChar32 c) { return u_isalnum(c) || c == '_' || u_getCombiningClass(c) > 0; }

// The code point that ends just before byte offset `at`, or U_SENTINEL at the start.
UChar32 PreviousCodePoint(std::string_view text, size_t at) {
  if (at == 0) return U_SENTINEL;
  int32_t offset = static_cast<int32_t>(at);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(text.data()), 0, offset, c);
  return c;
}

// The values of `entities`, deduplicated, in order of first appearance.
std::vector<std::string> UniqueValues(std::vector<TextEntity> entities) {
  std::vector<std::string> out;
  for (auto& entity : entities) {
    if (std::find(out.begin(), out.end(), entity.value) == out.end()) {
      out.push_back(std::move(entity.value));
    }
  }
  return out;
}

std::vector<TextEntity> MentionEntities(std::string_view text) {
  std::vector<TextEntity> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@') continue;
    UChar32 before = PreviousCodePoint(text, i);
    if (before != U_SENTINEL && (IsWordCodePoint(before) || before == '@')) continue;
    size_t end = i + 1;
    while (end < text.size() && IsUsernameChar(text[end])) ++end;
    std::string name(text.substr(i + 1, end - i - 1));
    while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();
    if (name.size() >= 3 && name.size() <= 30) {
      size_t name_end = i + 1 + name.size();
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      out.push_back({TextEntity::Kind::kMention, i, name_end, std::move(name)});
    }
    i = end - 1;
  }
  return out;
}

std::vector<TextEntity> HashtagEntities(std::string_view text) {
  constexpr int kMaxTagCodePoints = 100;
  std::vector<TextEntity> out;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    int32_t hash_at = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c != '#') continue;
    UChar32 before = PreviousCodePoint(text, hash_at);
    if (before != U_SENTINEL && (IsWordCodePoint(before) || before == '#')) continue;
    bool has_letter = false;
    int kept = 0;
    int32_t kept_end = i;
    int32_t j = i;
    while (j < length) {
      int32_t next = j;
      UChar32 d;
      U8_NEXT(bytes, next, length, d);
      if (d < 0 || !IsWordCodePoint(d)) break;
      if (kept < kMaxTagCodePoints) {
        has_letter = has_letter || u_isalpha(d);
        ++kept;
        kept_end = next;
      }
      j = next;
    }
    if (has_letter) {
      // Case folding may lengthen a tag (ß to ss, ﬃ to ffi): its key keeps the same bound.
      std::string key = NameKey(text.substr(i, kept_end - i));
      const auto* key_bytes = reinterpret_cast<const uint8_t*>(key.data());
      int32_t key_end = 0;
      U8_FWD_N(key_bytes, key_end, static_cast<int32_t>(key.size()), kMaxTagCodePoints);
      key.resize(static_cast<size_t>(key_end));
      out.push_back({TextEntity::Kind::kHashtag, static_cast<size_t>(hash_at),
                     static_cast<size_t>(j), std::move(key)});
    }
    i = j;
  }
  return out;
}

bool EndsLink(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '`';
}

// Sentence punctuation after a link ("see https://x.example/a.") is not part of it.
bool IsTrailingPunctuation(char c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
         c == ']' || c == '}';
}

std::vector<TextEntity> LinkEntities(std::string_view text) {
  std::vector<TextEntity> out;
  for (size_t i = 0; i < text.size();) {
    std::string_view rest = text.substr(i);
    size_t prefix = rest.starts_with("https://") ? 8 : rest.starts_with("http://") ? 7 : 0;
    UChar32 before = PreviousCodePoint(text, i);
    if (prefix == 0 || (before != U_SENTINEL && IsWordCodePoint(before))) {
      ++i;
      continue;
    }
    size_t end = i + prefix;
    while (end < text.size() && !EndsLink(text[end])) ++end;
    while (end > i + prefix && IsTrailingPunctuation(text[end - 1])) --end;
    if (end > i + prefix) {
      out.push_back({TextEntity::Kind::kLink, i, end, std::string(text.substr(i, end - i))});
    }
    i = std::max(end, i + prefix);
  }
  return out;
}

}  // namespace

std::vector<std::string> ExtractMentions(std::string_view text) {
  return UniqueValues(MentionEntities(text));
}

std::vector<std::string> ExtractHashtags(std::string_view text) {
  return UniqueValues(HashtagEntities(text));
}

std::vector<TextEntity> FindEntities(std::string_view text) {
  std::vector<TextEntity> links = LinkEntities(text);
  auto inside_link = [&links](const TextEntity& entity) {
    return std::any_of(links.begin(), links.end(), [&entity](const TextEntity& link) {
      return entity.begin < link.end && link.begin < entity.end;
    });
  };
  std::vector<TextEntity> out = links;
  for (auto* found : {&MentionEntities, &HashtagEntities}) {
    for (auto& entity : found(text)) {
      if (!inside_link(entity)) out.push_back(std::move(entity));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const TextEntity& a, const TextEntity& b) { return a.begin < b.begin; });
  return out;
}

}  // namespace agora::posts
