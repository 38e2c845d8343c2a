#include "search/schema.h"

#include <unicode/unistr.h>

#include "core/text.h"

namespace agora::search::schema {
namespace {

constexpr size_t kMaxTermBytes = 240;  // Xapian refuses terms over 245 bytes

// Stems the accented word, then folds the stem (see FoldedStemmer).
class FoldedStem : public Xapian::StemImplementation {
 public:
  explicit FoldedStem(Language language) : stem_(StemmerName(language)) {}
  std::string operator()(const std::string& word) override {
    std::string stemmed = stem_(word);
    return IsAscii(stemmed) ? stemmed : FoldForSearch(stemmed, true);
  }
  std::string get_description() const override { return "folded " + stem_.get_description(); }

 private:
  Xapian::Stem stem_;
};

}  // namespace

std::string PostKey(Id id) { return kPostKey + IdToString(id); }
std::string PersonKey(Id id) { return kPersonKey + IdToString(id); }

std::string AudienceTerm(std::optional<Id> community_id) {
  return community_id ? kAudience + IdToString(*community_id) : std::string(kCompanyAudience);
}

Xapian::Query AudienceFilter(const Audience& audience) {
  std::vector<Xapian::Query> terms;
  if (audience.company_wide) terms.emplace_back(AudienceTerm(std::nullopt));
  for (Id community : audience.communities) terms.emplace_back(AudienceTerm(community));
  if (terms.empty()) return Xapian::Query::MatchNothing;
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

std::string KeywordTerm(const char* prefix, std::string_view value) {
  std::string folded = FoldForSearch(value, true);
  std::string out = prefix;
  const size_t prefix_size = out.size();
  bool space = false;
  for (char c : folded) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = out.size() > prefix_size;  // inner spaces only, one at a time
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (out.size() > kMaxTermBytes) {
    size_t cut = kMaxTermBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

Id IdOf(const Xapian::Document& doc, Slot slot) { return ParseId(doc.get_value(slot)).value_or(0); }

const Xapian::SimpleStopper& ElisionStopper() {
  static const Xapian::SimpleStopper* stopper = [] {
    auto* s = new Xapian::SimpleStopper();
    for (const char* word : {"l", "d", "j", "m", "n", "s", "t", "c", "qu"}) s->add(word);
    return s;
  }();
  return *stopper;
}

Xapian::Stem FoldedStemmer(Language language) { return Xapian::Stem(new FoldedStem(language)); }

std::vector<std::string> TermsOfWord(std::string_view word, const std::string& prefix) {
  std::string folded = FoldForSearch(word, true);
  std::vector<std::string> out{prefix + folded};
  icu::UnicodeString lower = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  std::string accented;
  lower.toLower().toUTF8String(accented);
  // Highlighting stems every word of every hit: one set of stemmers per thread, not per word
  // (a Stem must not be shared between threads).
  thread_local Xapian::Stem plain[] = {Xapian::Stem(StemmerName(Language::kFrench)),
                                       Xapian::Stem(StemmerName(Language::kEnglish))};
  thread_local Xapian::Stem folding[] = {FoldedStemmer(Language::kFrench),
                                         FoldedStemmer(Language::kEnglish)};
  for (size_t i = 0; i < 2; ++i) {
    out.push_back(kStem + prefix + plain[i](folded));
    out.push_back(kStem + prefix + folding[i](accented));
  }
  return out;
}

bool WordMatches(std::string_view word, const std::unordered_set<std::string>& terms,
                 const std::string& prefix) {
  for (const std::string& term : TermsOfWord(word, prefix)) {
    if (terms.count(term)) return true;
  }
  return false;
}

std::unordered_set<std::string> TermSet(const Xapian::Query& query) {
  return std::unordered_set<std::string>(query.get_unique_terms_begin(),
                                         query.get_unique_terms_end());
}

}  // namespace agora::search::schema
