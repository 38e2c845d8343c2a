// Text analysis shared by indexing, querying and highlighting, so that the three agree on what
// a word is: accents folded ("négocié" and "negocie" are one word), French elisions split
// ("l'offre" is "l offre"), and a stemmer per language (French or English).
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agora::search {

enum class Language { kEnglish, kFrench };

// The Snowball stemmer name Xapian knows ("english", "french").
const char* StemmerName(Language language);

// `text` without combining accents, with œ/æ spelled out and apostrophes turned into spaces
// (which splits elisions like "l'offre" and "qu'il"). Lower-cased when `lower` is set; the query
// parser needs the original case to recognise AND, OR and NOT.
std::string FoldForSearch(std::string_view text, bool lower);

// `text` with apostrophes turned into spaces, accents kept.
std::string SplitElisions(std::string_view text);

// Whether `text` is plain ASCII (folding leaves it as it is, but for apostrophes).
bool IsAscii(std::string_view text);

// French or English from the words of `text` (function words counted); `fallback` when the
// text gives no sign either way.
Language DetectLanguage(std::string_view text, Language fallback);

// Language of a BCP 47 tag such as "fr", "fr-CA" or "en-GB"; English for anything else.
Language LanguageOfTag(std::string_view tag);

// A word of a text and where it lies, in bytes.
struct Word {
  size_t begin = 0;
  size_t end = 0;
};
// The words of UTF-8 `text`: runs of letters, digits and combining marks.
std::vector<Word> SplitWords(std::string_view text);

}  // namespace agora::search
