#include "search/schema.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/text.h"

namespace agora::search::schema {
namespace {

constexpr size_t kMaxTermBytes = 240;  // Xapian refuses terms over 245 bytes

// Xapian's default BM25 parameters, which post ranking keeps (see LengthNormalise).
constexpr double kK1 = 1;
constexpr double kB = 0.5;
constexpr double kMinNormalisedLength = 0.5;
// Normalised wdfs are whole numbers: this scale keeps their rounding within about 3% for posts
// up to three times the average length.
constexpr double kWdfScale = 32;

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

Xapian::Query Readable(const Xapian::Query& query, const Audience& audience) {
  std::vector<Xapian::Query> communities;
  for (Id community : audience.communities) communities.emplace_back(AudienceTerm(community));
  Xapian::Query readable_communities(Xapian::Query::OP_OR, communities.begin(), communities.end());
  if (!audience.company_wide) {
    if (communities.empty()) return Xapian::Query::MatchNothing;
    return {Xapian::Query::OP_FILTER, query, readable_communities};
  }
  Xapian::Query hidden(kRestricted);
  if (!communities.empty()) hidden = {Xapian::Query::OP_AND_NOT, hidden, readable_communities};
  return {Xapian::Query::OP_AND_NOT, query, hidden};
}

Xapian::BM25Weight Weighting() {
  // Scaled wdfs call for a scaled k1: (k1 S + 1) wdf S / L / (k1 S + wdf S / L) is
  // (k1 S + 1) / S times BM25's wdf / (k1 L + wdf).
  return Xapian::BM25Weight(kK1 * kWdfScale, 0, 1, 0, kMinNormalisedLength);
}

Xapian::termcount TextLength(const Xapian::Document& doc) {
  Xapian::termcount length = 0;
  for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
    length += term.get_wdf();
  }
  return length;
}

void LengthNormalise(Xapian::Document& doc, double length, double average_length) {
  const double normalised =
      std::max(average_length > 0 ? length / average_length : 1, kMinNormalisedLength);
  const auto factor = static_cast<Xapian::termcount>(
      std::max(1.0, std::round(kWdfScale / (1 - kB + kB * normalised))));
  std::vector<std::pair<std::string, Xapian::termcount>> weighed;
  for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
    if (term.get_wdf() > 0) weighed.emplace_back(*term, term.get_wdf());  // not boolean terms
  }
  for (const auto& [term, wdf] : weighed) doc.add_term(term, wdf * (factor - 1));
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
