#include "search/queries.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/text.h"
#include "search/schema.h"

namespace agora::search {
namespace {

using namespace schema;  // NOLINT(google-build-using-namespace): the schema's names, read often

// How a page is ordered when the user gave no words (with words: by relevance only, since
// breaking ties by a value would read it for every candidate).
struct BlankOrder {
  Slot slot;
  bool descending;
};

// The documents of `mset`, scored relative to the best match. Their ids are read from one
// value stream in docid order: a Document per hit looks its value up afresh, which took a
// quarter of a rare word's query (perf, docs/search.md).
std::vector<Hit> HitsOf(Xapian::Database& db, const Xapian::MSet& mset) {
  std::vector<Xapian::docid> docids(mset.begin(), mset.end());
  std::sort(docids.begin(), docids.end());
  std::unordered_map<Xapian::docid, Id> ids;
  for (auto value = db.valuestream_begin(kIdSlot); Xapian::docid docid : docids) {
    value.skip_to(docid);
    if (value == db.valuestream_end(kIdSlot)) break;
    if (value.get_docid() == docid) ids[docid] = ParseId(*value).value_or(0);
  }
  double best = mset.get_max_attained();
  std::vector<Hit> hits;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    hits.push_back({ids[*it], best > 0 ? it.get_weight() / best : 0});
  }
  return hits;
}

MatchedTerms TermsOf(const Xapian::Query& query) {
  MatchedTerms out;
  out.terms.assign(query.get_unique_terms_begin(), query.get_unique_terms_end());
  return out;
}

// Counts the documents the matcher looked at. Each one matched the query with its filters
// (the audience among them), so a hidden document never counts.
class MatchCounter : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& /*doc*/, double /*weight*/) override { ++seen_; }
  Xapian::doccount seen() const { return seen_; }

 private:
  Xapian::doccount seen_ = 0;
};

// `text` among the documents every filter keeps.
Xapian::Query Filtered(const Xapian::Query& text, const std::vector<Xapian::Query>& filters) {
  if (filters.empty()) return text;
  return {Xapian::Query::OP_FILTER, text,
          Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end())};
}

// Fills `total`, `total_exact` and `hits` of `Results` with one page of `query` (the user's
// words `q`, filtered). Matches are counted exactly up to `exact_up_to` (or the end of the page,
// if further); past it the total is that bound and not exact. Xapian's estimate is never used:
// it scales term statistics that count documents the filters removed, so hidden posts would
// move it.
template <typename Results>
Results Page(Xapian::Database& db, Xapian::Enquire& enquire, const std::string& q,
             const Xapian::Query& query, BlankOrder order, size_t offset, size_t limit,
             Xapian::doccount exact_up_to) {
  enquire.set_query(query);
  enquire.set_weighting_scheme(Weighting());
  if (IsBlank(q)) enquire.set_sort_by_value(order.slot, order.descending);
  Xapian::doccount bound =
      std::max(exact_up_to, static_cast<Xapian::doccount>(std::min<size_t>(
                                offset + limit, std::numeric_limits<Xapian::doccount>::max() - 1)));
  MatchCounter counter;
  enquire.add_matchspy(&counter);
  // One past the bound tells "exactly the bound" from "more".
  Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(offset),
                                       static_cast<Xapian::doccount>(limit), bound + 1);
  enquire.clear_matchspies();  // the counter ends here; other spies already counted
  Results out;
  out.total_exact = counter.seen() <= bound;
  out.total = std::min(counter.seen(), bound);
  out.hits = HitsOf(db, mset);
  return out;
}

// The filters of `query` but the audience (Readable).
std::vector<Xapian::Query> PostFilters(const PostQuery& query) {
  std::vector<Xapian::Query> filters;
  if (query.community_id) filters.emplace_back(AudienceTerm(*query.community_id));
  if (query.author_id) filters.emplace_back(kAuthor + IdToString(*query.author_id));
  if (query.kind) filters.emplace_back(kKind + *query.kind);
  if (query.hashtag) filters.emplace_back(KeywordTerm(kHashtag, *query.hashtag));
  if (query.since || query.until) {
    double from = query.since ? static_cast<double>(*query.since) : 0;
    // `until` is exclusive; created_at values are whole milliseconds.
    double to = query.until ? static_cast<double>(*query.until - 1) : 1e18;
    filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, kCreatedSlot,
                         Xapian::sortable_serialise(from), Xapian::sortable_serialise(to));
  }
  return filters;
}

std::vector<Xapian::Query> PeopleFilters(const PeopleQuery& query) {
  std::vector<Xapian::Query> filters{Xapian::Query(kPersonType)};
  for (const PersonKeyword& keyword : kPersonKeywords) {
    const std::optional<std::string>& value = query.*keyword.filter;
    if (value) filters.emplace_back(KeywordTerm(keyword.prefix, *value));
  }
  if (query.skill) filters.emplace_back(KeywordTerm(kSkill, *query.skill));
  return filters;
}

// The filters of `query` but the audience (Readable).
std::vector<Xapian::Query> DealFilters(const DealQuery& query) {
  std::vector<Xapian::Query> filters{Xapian::Query(std::string(kKind) + "deal_story")};
  for (const DealFacet& facet : kDealFacets) {
    const std::optional<std::string>& value = query.*facet.filter;
    if (value) filters.emplace_back(KeywordTerm(facet.prefix, *value));
  }
  if (query.min_amount || query.max_amount) {
    filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, kAmountSlot,
                         Xapian::sortable_serialise(query.min_amount.value_or(0)),
                         Xapian::sortable_serialise(query.max_amount.value_or(1e300)));
  }
  if (query.since || query.until) {
    // ISO dates compare as strings.
    filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, kClosedOnSlot,
                         query.since.value_or("0000-00-00"), query.until.value_or("9999-99-99"));
  }
  return filters;
}

// Counts the values of every deal facet among all the matches of the Enquire it watches.
class FacetCounter {
 public:
  explicit FacetCounter(Xapian::Enquire& enquire) {
    for (const DealFacet& facet : kDealFacets) {
      spies_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(facet.slot));
      enquire.add_matchspy(spies_.back().get());
    }
  }
  // After get_mset: facet name -> value -> matches.
  std::map<std::string, std::map<std::string, int64_t>> Counts() const {
    std::map<std::string, std::map<std::string, int64_t>> out;
    for (size_t i = 0; i < spies_.size(); ++i) {
      auto& counts = out[kDealFacets[i].name];
      for (auto v = spies_[i]->values_begin(); v != spies_[i]->values_end(); ++v) {
        counts[*v] = v.get_termfreq();
      }
    }
    return out;
  }

 private:
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies_;
};

// Byte offset `chars` code points back from `at` (or 0).
size_t BackChars(std::string_view text, size_t at, size_t chars) {
  while (at > 0 && chars > 0) {
    --at;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
    --chars;
  }
  return at;
}

size_t ForwardChars(std::string_view text, size_t at, size_t chars) {
  while (at < text.size() && chars > 0) {
    ++at;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
    --chars;
  }
  return at;
}

std::string_view TextOf(std::string_view text, const Word& word) {
  return text.substr(word.begin, word.end - word.begin);
}

// Whether `q` is words only: no phrase, operator, wildcard, group or field, whose meaning
// relaxing to any word would change ("NOT pricing" must not find pricing).
bool IsPlainWords(std::string_view q) {
  if (q.find_first_of("\"()*+-:") != std::string_view::npos) return false;
  for (const Word& w : SplitWords(q)) {
    std::string_view word = q.substr(w.begin, w.end - w.begin);
    for (std::string_view op : {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"}) {
      if (word == op) return false;
    }
  }
  return true;
}

}  // namespace

bool IsBlank(std::string_view q) { return q.find_first_not_of(" \t\r\n") == std::string::npos; }

Result<Xapian::Query> ParseText(Xapian::Database& db, const std::string& q, Words words,
                                const std::string& prefix, const SearchLimits& limits) {
  if (!IsValidUtf8(q)) return Status::InvalidArgument("invalid_utf8", "q is not valid UTF-8");
  if (Utf8Length(q) > limits.max_query_chars) {
    return Status::InvalidArgument(
        "query_too_long",
        "q holds at most " + std::to_string(limits.max_query_chars) + " characters");
  }
  std::string folded = FoldForSearch(q, false);
  if (IsBlank(folded)) return Xapian::Query::MatchAll;
  // Each wildcard expands when the query runs, to up to `wildcard_expansion` words per reading.
  if (static_cast<size_t>(std::count(q.begin(), q.end(), '*')) > limits.max_wildcards) {
    return Status::InvalidArgument(
        "query_too_complex",
        "q holds at most " + std::to_string(limits.max_wildcards) + " wildcards");
  }
  // Each language, on the folded words and (when accents were typed) on the accented ones.
  struct Reading {
    std::string text;
    Xapian::Stem stemmer;
  };
  std::vector<Reading> readings;
  for (Language language : {Language::kFrench, Language::kEnglish}) {
    readings.push_back({folded, Xapian::Stem(StemmerName(language))});
    if (!IsAscii(q)) readings.push_back({SplitElisions(q), FoldedStemmer(language)});
  }
  std::vector<Xapian::Query> variants;
  for (const Reading& reading : readings) {
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(reading.stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_stopper(&ElisionStopper());
    parser.set_default_op(words == Words::kAll ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
    parser.set_max_expansion(limits.wildcard_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                             Xapian::QueryParser::FLAG_WILDCARD);
    unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                     Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;
    try {
      Xapian::Query parsed = parser.parse_query(reading.text, flags, prefix);
      // Both stemmers often agree: a reading already held adds only work.
      bool known = std::any_of(variants.begin(), variants.end(), [&](const Xapian::Query& v) {
        return v.serialise() == parsed.serialise();
      });
      if (!known) variants.push_back(std::move(parsed));
    } catch (const Xapian::QueryParserError&) {
      // Syntax the parser cannot read ("AND", unbalanced quotes): the words as plain terms.
      try {
        variants.push_back(parser.parse_query(reading.text, 0, prefix));
      } catch (const Xapian::QueryParserError& e) {
        return Status::InvalidArgument("invalid_query", "q cannot be read: " + e.get_msg());
      }
    }
  }
  Xapian::Query query(Xapian::Query::OP_OR, variants.begin(), variants.end());
  // Words, not terms: each reading of the query holds them all again.
  const Xapian::Query& first = variants.front();
  size_t terms = std::distance(first.get_unique_terms_begin(), first.get_unique_terms_end());
  if (terms > limits.max_query_terms) {
    return Status::InvalidArgument("query_too_complex", "q names too many words");
  }
  if (query.empty()) return Xapian::Query::MatchNothing;
  return query;
}

Result<PostResults> QueryPosts(Xapian::Database& db, const PostQuery& query,
                               const Audience& audience, const SearchLimits& limits) {
  AGORA_ASSIGN_OR_RETURN(Xapian::Query text, ParseText(db, query.q, Words::kAll, "", limits));
  bool filtered = query.community_id || query.author_id || query.kind || query.hashtag ||
                  query.since || query.until;
  if (IsBlank(query.q) && !filtered) {
    return Status::InvalidArgument("missing_query", "q or a filter names what to search");
  }
  const std::vector<Xapian::Query> filters = PostFilters(query);
  Xapian::Enquire enquire(db);
  auto out =
      Page<PostResults>(db, enquire, query.q, Readable(Filtered(text, filters), audience),
                        {kCreatedSlot, true}, query.offset, query.limit, limits.exact_total_up_to);
  out.matched = TermsOf(text);
  if (!IsPlainWords(query.q) || IsBlank(query.q) || !out.total_exact ||
      out.total >= limits.relax_posts_below) {
    return out;
  }
  // Few posts hold every word: the posts that hold some of them follow, best first. The
  // decision counts readable matches only, so hidden posts cannot move it.
  AGORA_ASSIGN_OR_RETURN(Xapian::Query any, ParseText(db, query.q, Words::kAny, "", limits));
  if (any.serialise() == text.serialise()) return out;  // one word: nothing to relax
  const auto full = static_cast<size_t>(out.total);
  const size_t offset = query.offset > full ? query.offset - full : 0;
  const size_t limit = query.limit - std::min(query.limit, out.hits.size());
  Xapian::Enquire relaxed_enquire(db);
  auto relaxed = Page<PostResults>(
      db, relaxed_enquire, query.q,
      Readable(Filtered(Xapian::Query(Xapian::Query::OP_AND_NOT, any, text), filters), audience),
      {kCreatedSlot, true}, offset, limit, limits.exact_total_up_to);
  // Scored below every full match: relative to the best partial match, then halved.
  const double scale = full > 0 ? 0.5 : 1;
  for (Hit& hit : relaxed.hits) out.hits.push_back({hit.id, hit.score * scale});
  out.total += relaxed.total;
  out.total_exact = relaxed.total_exact;
  return out;
}

Result<PeopleResults> QueryPeople(Xapian::Database& db, const PeopleQuery& query,
                                  const SearchLimits& limits) {
  AGORA_ASSIGN_OR_RETURN(Xapian::Query text, ParseText(db, query.q, Words::kAll, "", limits));
  Xapian::Enquire enquire(db);
  return Page<PeopleResults>(db, enquire, query.q, Filtered(text, PeopleFilters(query)),
                             {kNameSlot, false}, query.offset, query.limit,
                             limits.exact_total_up_to);
}

Result<DealResults> QueryDeals(Xapian::Database& db, const DealQuery& query,
                               const Audience& audience, const SearchLimits& limits) {
  AGORA_ASSIGN_OR_RETURN(Xapian::Query text, ParseText(db, query.q, Words::kAll, "", limits));
  Xapian::Enquire enquire(db);
  FacetCounter facets(enquire);
  // Facet counts need every match seen, not an estimate.
  auto out = Page<DealResults>(db, enquire, query.q,
                               Readable(Filtered(text, DealFilters(query)), audience),
                               {kClosedOnSlot, true}, query.offset, query.limit, db.get_doccount());
  out.facets = facets.Counts();
  out.matched = TermsOf(text);
  return out;
}

std::string HighlightMatches(std::string_view text, const MatchedTerms& matched, size_t max_chars) {
  std::unordered_set<std::string> terms(matched.terms.begin(), matched.terms.end());
  std::vector<Word> words = SplitWords(text);
  std::vector<bool> hit(words.size(), false);
  std::optional<size_t> first;
  for (size_t i = 0; i < words.size(); ++i) {
    hit[i] = WordMatches(TextOf(text, words[i]), terms, "");
    if (hit[i] && !first) first = i;
  }
  size_t begin = 0;
  // A short text is shown whole; a long one from a little before its first match.
  if (first && Utf8Length(text) > max_chars) {
    begin = BackChars(text, words[*first].begin, max_chars / 4);
  }
  // Start on a word, not inside one.
  for (const Word& w : words) {
    if (w.end > begin) {
      if (w.begin < begin) begin = w.end;
      break;
    }
  }
  if (first && begin > words[*first].begin) begin = words[*first].begin;
  size_t end = ForwardChars(text, begin, max_chars);
  for (const Word& w : words) {
    if (w.begin < end && w.end > end) {
      end = w.begin;
      break;
    }
  }
  std::string out;
  if (begin > 0) out += "…";
  size_t at = begin;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!hit[i] || words[i].begin < begin || words[i].end > end) continue;
    AppendHtmlEscaped(out, text.substr(at, words[i].begin - at));
    out += "<mark>";
    AppendHtmlEscaped(out, TextOf(text, words[i]));
    out += "</mark>";
    at = words[i].end;
  }
  AppendHtmlEscaped(out, text.substr(at, end - at));
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace agora::search
