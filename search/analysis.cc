#include "search/analysis.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <string>

namespace agora::search {
namespace {

bool IsApostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0x02BC || c == 0x60; }

bool IsWordChar(UChar32 c) {
  return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK ||
         u_charType(c) == U_COMBINING_SPACING_MARK;
}

// Short, frequent function words: enough to tell the two languages apart in a post.
constexpr std::array kFrenchWords = {"le",   "la",    "les",  "des",  "une",   "est",  "et",
                                     "pour", "avec",  "dans", "sur",  "nous",  "qui",  "que",
                                     "du",   "au",    "pas",  "ce",   "cette", "sont", "mais",
                                     "aux",  "notre", "nos",  "vous", "leur",  "tres", "chez"};
constexpr std::array kEnglishWords = {"the", "and", "is",   "to",    "for", "with", "of",
                                      "in",  "on",  "we",   "that",  "our", "it",   "this",
                                      "are", "was", "from", "at",    "by",  "be",   "have",
                                      "has", "you", "they", "their", "but", "not",  "an"};

template <size_t N>
bool Contains(const std::array<const char*, N>& words, std::string_view word) {
  for (const char* w : words) {
    if (word == w) return true;
  }
  return false;
}

}  // namespace

const char* StemmerName(Language language) {
  return language == Language::kFrench ? "french" : "english";
}

std::string FoldForSearch(std::string_view text, bool lower) {
  if (IsAscii(text)) {  // most English text: no accents to fold, no ICU needed
    std::string out(text);
    for (char& c : out) {
      if (c == '\'' || c == '`') c = ' ';
      if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(error);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString decomposed = U_SUCCESS(error) ? nfd->normalize(source, error) : source;
  if (U_FAILURE(error)) decomposed = source;
  icu::UnicodeString out;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (IsApostrophe(c)) {
      out.append(UChar32{' '});
    } else if (c == 0x0153 || c == 0x0152) {  // œ Œ
      out.append(c == 0x0153 || lower ? "oe" : "OE");
    } else if (c == 0x00E6 || c == 0x00C6) {  // æ Æ
      out.append(c == 0x00E6 || lower ? "ae" : "AE");
    } else {
      out.append(lower ? u_tolower(c) : c);
    }
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

std::string SplitElisions(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\'' || out[i] == '`') {
      out[i] = ' ';
    } else if (out.compare(i, 3, "\xE2\x80\x99") == 0 || out.compare(i, 2, "\xCA\xBC") == 0) {
      size_t width = out[i] == '\xE2' ? 3 : 2;  // ’ or ʼ
      out.replace(i, width, " ");
    }
  }
  return out;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

std::vector<Word> SplitWords(std::string_view text) {
  std::vector<Word> words;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  bool in_word = false;
  size_t start = 0;
  while (i < length) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    bool word = c >= 0 && IsWordChar(c);
    if (word && !in_word) start = static_cast<size_t>(at);
    if (!word && in_word) words.push_back({start, static_cast<size_t>(at)});
    in_word = word;
  }
  if (in_word) words.push_back({start, text.size()});
  return words;
}

Language DetectLanguage(std::string_view text, Language fallback) {
  std::string folded = FoldForSearch(text, true);
  int french = 0;
  int english = 0;
  for (const Word& w : SplitWords(folded)) {
    std::string_view word(folded.data() + w.begin, w.end - w.begin);
    if (Contains(kFrenchWords, word)) ++french;
    if (Contains(kEnglishWords, word)) ++english;
  }
  if (french > english) return Language::kFrench;
  if (english > french) return Language::kEnglish;
  return fallback;
}

Language LanguageOfTag(std::string_view tag) {
  if (tag.size() >= 2 && (tag[0] == 'f' || tag[0] == 'F') && (tag[1] == 'r' || tag[1] == 'R') &&
      (tag.size() == 2 || tag[2] == '-' || tag[2] == '_')) {
    return Language::kFrench;
  }
  return Language::kEnglish;
}

}  // namespace agora::search
