#include "search/search_index.h"

#include <unicode/unistr.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/text.h"

namespace agora::search {
namespace {

// Term prefixes and value slots: the index schema (docs/search.md).
constexpr const char* kTypePost = "XTpost";
constexpr const char* kTypePerson = "XTperson";
constexpr const char* kAudiencePrefix = "XV";  // XVcompany or XV<community id>
constexpr const char* kCompanyAudience = "XVcompany";
constexpr const char* kAuthorPrefix = "XA";
constexpr const char* kKindPrefix = "XK";
constexpr const char* kHashtagPrefix = "K";
constexpr const char* kSectorPrefix = "XS";
constexpr const char* kProductPrefix = "XP";
constexpr const char* kRegionPrefix = "XG";
constexpr const char* kOutcomePrefix = "XO";
constexpr const char* kDepartmentPrefix = "XD";
constexpr const char* kLocationPrefix = "XL";
constexpr const char* kSkillPrefix = "XSK";
constexpr const char* kSkillTextPrefix = "S";  // skills as words, for expert evidence

enum Slot : Xapian::valueno {
  kCreatedSlot = 0,
  kAmountSlot = 1,
  kClosedOnSlot = 2,
  kSectorSlot = 3,
  kProductSlot = 4,
  kRegionSlot = 5,
  kOutcomeSlot = 6,
  kReactionsSlot = 7,
  kAuthorSlot = 8,
  kNameSlot = 9,
  kIdSlot = 10,
};

constexpr const char* kAppliedSeqKey = "agora.applied_seq";
constexpr size_t kMaxTermBytes = 240;  // Xapian refuses terms over 245 bytes

std::string PostKey(Id id) { return "Qp" + IdToString(id); }
std::string PersonKey(Id id) { return "Qu" + IdToString(id); }

// A keyword as a boolean term: folded, lower-cased, spaces collapsed, cut to Xapian's limit on
// a UTF-8 boundary.
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

// Single letters left by splitting elisions ("l'offre", "qu'il"): never worth a term in a query.
const Xapian::SimpleStopper& ElisionStopper() {
  static const Xapian::SimpleStopper* stopper = [] {
    auto* s = new Xapian::SimpleStopper();
    for (const char* word : {"l", "d", "j", "m", "n", "s", "t", "c", "qu"}) s->add(word);
    return s;
  }();
  return *stopper;
}

// Stems the accented word, then folds the stem. Snowball's French rules need the accents
// ("négocié" and "négociation" share "négoci", while "negocie" stems to "negoc"), so every
// word is indexed under both stem(fold(word)) and fold(stem(word)): a query word matches a
// form of the same word with or without its accents.
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

Xapian::Stem FoldedStemmer(Language language) { return Xapian::Stem(new FoldedStem(language)); }

// Turns the text fields of one document into terms: folded words with positions and their
// stems, plus the folded stems of accented words (see FoldedStem).
class DocumentTerms {
 public:
  DocumentTerms(Xapian::Document& doc, Language language) {
    folded_.set_stemmer(Xapian::Stem(StemmerName(language)));
    folded_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    folded_.set_stopper(&ElisionStopper());
    folded_.set_document(doc);
    accented_.set_stemmer(FoldedStemmer(language));
    accented_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
    accented_.set_stopper(&ElisionStopper());
    accented_.set_document(doc);
  }

  void Add(std::string_view text, unsigned wdf = 1, const std::string& prefix = "") {
    folded_.index_text(FoldForSearch(text, false), wdf, prefix);
    // Positions come from the folded words; these stems only add ways to match.
    if (!IsAscii(text)) accented_.index_text_without_positions(SplitElisions(text), wdf, prefix);
  }
  // Phrases never span two fields.
  void NextField() { folded_.increase_termpos(); }

 private:
  Xapian::TermGenerator folded_;
  Xapian::TermGenerator accented_;
};

Xapian::Document PostToDocument(const PostDocument& post) {
  Xapian::Document doc;
  DocumentTerms terms(doc, post.language);
  terms.Add(post.text);
  doc.add_boolean_term(PostKey(post.id));
  doc.add_boolean_term(kTypePost);
  doc.add_boolean_term(post.community_id ? kAudiencePrefix + IdToString(*post.community_id)
                                         : std::string(kCompanyAudience));
  doc.add_boolean_term(kAuthorPrefix + IdToString(post.author_id));
  doc.add_boolean_term(kKindPrefix + post.kind);
  for (const std::string& tag : post.hashtags) doc.add_boolean_term(KeywordTerm(kHashtagPrefix, tag));
  doc.add_value(kCreatedSlot, Xapian::sortable_serialise(static_cast<double>(post.created_at)));
  doc.add_value(kReactionsSlot, Xapian::sortable_serialise(static_cast<double>(post.reactions)));
  doc.add_value(kAuthorSlot, IdToString(post.author_id));
  doc.add_value(kIdSlot, IdToString(post.id));
  if (post.deal) {
    const DealFields& d = *post.deal;
    for (const std::string* field : {&d.customer, &d.sector, &d.product, &d.region}) {
      terms.NextField();
      terms.Add(*field, 2);
    }
    doc.add_boolean_term(KeywordTerm(kSectorPrefix, d.sector));
    doc.add_boolean_term(KeywordTerm(kProductPrefix, d.product));
    doc.add_boolean_term(KeywordTerm(kRegionPrefix, d.region));
    doc.add_boolean_term(KeywordTerm(kOutcomePrefix, d.outcome));
    doc.add_value(kAmountSlot, Xapian::sortable_serialise(d.amount));
    doc.add_value(kClosedOnSlot, d.closed_on);
    doc.add_value(kSectorSlot, d.sector);
    doc.add_value(kProductSlot, d.product);
    doc.add_value(kRegionSlot, d.region);
    doc.add_value(kOutcomeSlot, d.outcome);
  }
  return doc;
}

Xapian::Document PersonToDocument(const PersonDocument& person) {
  Xapian::Document doc;
  DocumentTerms terms(doc, person.language);
  // Names and skills say more about a person than a bio does.
  terms.Add(person.display_name, 3);
  terms.NextField();
  terms.Add(person.username, 2);
  terms.NextField();
  terms.Add(person.title, 2);
  terms.NextField();
  terms.Add(person.department);
  terms.NextField();
  terms.Add(person.location);
  std::string skills_data;
  for (const std::string& skill : person.skills) {
    terms.NextField();
    terms.Add(skill, 3);
    terms.Add(skill, 1, kSkillTextPrefix);
    doc.add_boolean_term(KeywordTerm(kSkillPrefix, skill));
    skills_data += skill;
    skills_data += '\n';
  }
  terms.NextField();
  terms.Add(person.bio);
  doc.add_boolean_term(PersonKey(person.id));
  doc.add_boolean_term(kTypePerson);
  if (!person.department.empty()) {
    doc.add_boolean_term(KeywordTerm(kDepartmentPrefix, person.department));
  }
  if (!person.location.empty()) doc.add_boolean_term(KeywordTerm(kLocationPrefix, person.location));
  doc.add_value(kNameSlot, FoldForSearch(person.display_name, true));
  doc.add_value(kIdSlot, IdToString(person.id));
  doc.set_data(skills_data);
  return doc;
}

Xapian::Query AndAll(const std::vector<Xapian::Query>& parts) {
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

Xapian::Query AudienceFilter(const Audience& audience) {
  std::vector<Xapian::Query> terms{Xapian::Query(kCompanyAudience)};
  for (Id community : audience.communities) {
    terms.emplace_back(kAudiencePrefix + IdToString(community));
  }
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The terms `word` gives in the index, under either language: its folded form and its stems.
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
    out.push_back("Z" + prefix + plain[i](folded));
    out.push_back("Z" + prefix + folding[i](accented));
  }
  return out;
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
}

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

Status XapianError(const Xapian::Error& e, const char* what) {
  return Status::Internal(std::string(what) + ": " + e.get_description());
}

Id IdOf(const Xapian::Document& doc, Xapian::valueno slot = kIdSlot) {
  return ParseId(doc.get_value(slot)).value_or(0);
}

// The documents of `mset`, scored relative to the best match.
std::vector<Hit> HitsOf(const Xapian::MSet& mset) {
  double best = mset.get_max_attained();
  std::vector<Hit> hits;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    hits.push_back({IdOf(it.get_document()), best > 0 ? it.get_weight() / best : 0});
  }
  return hits;
}

bool IsBlank(const std::string& q) { return q.find_first_not_of(" \t\r\n") == std::string::npos; }

MatchedTerms TermsOf(const Xapian::Query& query) {
  MatchedTerms out;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    out.terms.push_back(*it);
  }
  return out;
}

}  // namespace

// A reader borrowed from the pool, reopened when the writer committed since it last looked.
class SearchIndex::ReaderLease {
 public:
  explicit ReaderLease(SearchIndex& index) : index_(index) {
    {
      std::lock_guard lock(index_.readers_mu_);
      if (!index_.idle_readers_.empty()) {
        db_ = std::move(index_.idle_readers_.back());
        index_.idle_readers_.pop_back();
      }
    }
    if (!db_) {
      db_ = std::make_unique<Xapian::Database>(index_.path_);
    } else {
      db_->reopen();
    }
  }
  ~ReaderLease() {
    if (!db_) return;
    std::lock_guard lock(index_.readers_mu_);
    if (index_.idle_readers_.size() < index_.limits_.readers) {
      index_.idle_readers_.push_back(std::move(db_));
    }
  }
  Xapian::Database& db() { return *db_; }
  // After DatabaseModifiedError: the revision we read was replaced meanwhile.
  void Reopen() { db_->reopen(); }

 private:
  SearchIndex& index_;
  std::unique_ptr<Xapian::Database> db_;
};

SearchIndex::SearchIndex(std::string path, SearchLimits limits)
    : path_(std::move(path)), limits_(limits) {}

SearchIndex::~SearchIndex() {
  if (!writer_) return;
  try {
    writer_->commit();
    writer_->close();
  } catch (const Xapian::Error&) {
    // Nothing to report to: the outbox replays whatever this commit missed at the next start.
  }
}

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& path,
                                                       SearchLimits limits, bool overwrite) {
  std::unique_ptr<SearchIndex> index(new SearchIndex(path, limits));
  try {
    index->writer_ = std::make_unique<Xapian::WritableDatabase>(
        path, overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN);
    std::string seq = index->writer_->get_metadata(kAppliedSeqKey);
    if (!seq.empty()) index->applied_seq_ = std::stoll(seq);
    index->documents_ = index->writer_->get_doccount();
  } catch (const Xapian::DatabaseLockError& e) {
    return Status::Unavailable("the search index " + path + " is in use by another process");
  } catch (const Xapian::Error& e) {
    return XapianError(e, "opening the search index");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("bad search index metadata: ") + e.what());
  }
  return index;
}

Status SearchIndex::Apply(const std::vector<PostDocument>& posts,
                          const std::vector<PersonDocument>& people,
                          const std::vector<Id>& removed_posts, int64_t applied_seq) {
  try {
    writer_->begin_transaction();  // flushed: commit_transaction() commits
    try {
      for (const PostDocument& post : posts) {
        writer_->replace_document(PostKey(post.id), PostToDocument(post));
      }
      for (Id id : removed_posts) writer_->delete_document(PostKey(id));
      for (const PersonDocument& person : people) {
        if (person.active) {
          writer_->replace_document(PersonKey(person.id), PersonToDocument(person));
        } else {
          writer_->delete_document(PersonKey(person.id));
        }
      }
      if (applied_seq_.load() >= 0) {
        writer_->set_metadata(kAppliedSeqKey, std::to_string(applied_seq));
      }
      writer_->commit_transaction();
    } catch (const Xapian::Error&) {
      try {
        writer_->cancel_transaction();  // nothing of this batch stays; the outbox replays it
      } catch (const Xapian::Error&) {
        // The failure was the commit itself: no transaction is left to cancel.
      }
      throw;
    }
    if (applied_seq_.load() >= 0) applied_seq_ = applied_seq;
    documents_ = writer_->get_doccount();
  } catch (const Xapian::Error& e) {
    return XapianError(e, "indexing");
  }
  ++commits_;
  return Status::Ok();
}

Status SearchIndex::MarkBuilt(int64_t applied_seq) {
  try {
    writer_->set_metadata(kAppliedSeqKey, std::to_string(applied_seq));
    writer_->commit();
  } catch (const Xapian::Error& e) {
    return XapianError(e, "committing the search index");
  }
  applied_seq_ = applied_seq;
  ++commits_;
  return Status::Ok();
}

Status SearchIndex::Clear() {
  try {
    writer_->begin_transaction();
    writer_->delete_document(kTypePost);  // every document carrying the term
    writer_->delete_document(kTypePerson);
    writer_->set_metadata(kAppliedSeqKey, "");
    writer_->commit_transaction();
    documents_ = writer_->get_doccount();
  } catch (const Xapian::Error& e) {
    return XapianError(e, "clearing the search index");
  }
  applied_seq_ = -1;
  ++commits_;
  return Status::Ok();
}

std::optional<int64_t> SearchIndex::applied_seq() const {
  int64_t seq = applied_seq_.load();
  if (seq < 0) return std::nullopt;
  return seq;
}

uint64_t SearchIndex::documents() const { return documents_.load(); }

Result<Xapian::Query> SearchIndex::ParseText(Xapian::Database& db, const std::string& q,
                                             bool skills_only, bool all_words) const {
  if (!IsValidUtf8(q)) return Status::InvalidArgument("invalid_utf8", "q is not valid UTF-8");
  if (Utf8Length(q) > limits_.max_query_chars) {
    return Status::InvalidArgument("query_too_long", "q holds at most " +
                                                         std::to_string(limits_.max_query_chars) +
                                                         " characters");
  }
  std::string folded = FoldForSearch(q, false);
  if (IsBlank(folded)) return Xapian::Query::MatchAll;
  // Each wildcard expands when the query runs, to up to `wildcard_expansion` words per reading.
  if (static_cast<size_t>(std::count(q.begin(), q.end(), '*')) > limits_.max_wildcards) {
    return Status::InvalidArgument("query_too_complex", "q holds at most " +
                                                            std::to_string(limits_.max_wildcards) +
                                                            " wildcards");
  }
  const std::string prefix = skills_only ? kSkillTextPrefix : "";
  // Each language, on the folded words and (when accents were typed) on the accented ones.
  struct Variant {
    std::string text;
    Xapian::Stem stemmer;
  };
  std::vector<Variant> readings;
  for (Language language : {Language::kFrench, Language::kEnglish}) {
    readings.push_back({folded, Xapian::Stem(StemmerName(language))});
    if (!IsAscii(q)) readings.push_back({SplitElisions(q), FoldedStemmer(language)});
  }
  std::vector<Xapian::Query> variants;
  for (const Variant& reading : readings) {
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(reading.stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_stopper(&ElisionStopper());
    parser.set_default_op(all_words ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
    parser.set_max_expansion(limits_.wildcard_expansion,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
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
  const Xapian::Query& words = variants.front();
  size_t terms = std::distance(words.get_unique_terms_begin(), words.get_unique_terms_end());
  if (terms > limits_.max_query_terms) {
    return Status::InvalidArgument("query_too_complex", "q names too many words");
  }
  if (query.empty()) return Xapian::Query::MatchNothing;
  return query;
}

template <typename T>
Result<T> SearchIndex::Read(const char* what, const std::function<Result<T>(Xapian::Database&)>& fn) {
  try {
    ReaderLease reader(*this);
    try {
      return fn(reader.db());
    } catch (const Xapian::DatabaseModifiedError&) {
      // The revision this reader held was overwritten by newer commits: read the newest.
      reader.Reopen();
      return fn(reader.db());
    }
  } catch (const Xapian::Error& e) {
    return XapianError(e, what);
  }
}

Result<PostResults> SearchIndex::SearchPosts(const PostQuery& query, const Audience& audience) {
  return Read<PostResults>("searching posts", [&](Xapian::Database& db) -> Result<PostResults> {
    auto text = ParseText(db, query.q, false);
    if (!text.ok()) return text.status();
    bool filtered = query.community_id || query.author_id || query.kind || query.hashtag ||
                    query.since || query.until;
    if (IsBlank(query.q) && !filtered) {
      return Status::InvalidArgument("missing_query", "q or a filter names what to search");
    }
    // Only posts carry an audience term, so the audience filter also keeps people out.
    std::vector<Xapian::Query> filters{AudienceFilter(audience)};
    if (query.community_id) filters.emplace_back(kAudiencePrefix + IdToString(*query.community_id));
    if (query.author_id) filters.emplace_back(kAuthorPrefix + IdToString(*query.author_id));
    if (query.kind) filters.emplace_back(kKindPrefix + *query.kind);
    if (query.hashtag) filters.emplace_back(KeywordTerm(kHashtagPrefix, *query.hashtag));
    if (query.since || query.until) {
      double from = query.since ? static_cast<double>(*query.since) : 0;
      // `until` is exclusive; created_at values are whole milliseconds.
      double to = query.until ? static_cast<double>(*query.until - 1) : 1e18;
      filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, kCreatedSlot,
                           Xapian::sortable_serialise(from), Xapian::sortable_serialise(to));
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *text, AndAll(filters)));
    // Breaking relevance ties by date would read a value for every candidate: relevance only.
    if (IsBlank(query.q)) enquire.set_sort_by_value(kCreatedSlot, true);
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(query.offset),
                                         static_cast<Xapian::doccount>(query.limit),
                                         limits_.exact_total_up_to);
    PostResults out;
    out.total = mset.get_matches_estimated();
    out.hits = HitsOf(mset);
    out.matched = TermsOf(*text);
    return out;
  });
}

Result<PeopleResults> SearchIndex::SearchPeople(const PeopleQuery& query) {
  return Read<PeopleResults>("searching people", [&](Xapian::Database& db) -> Result<PeopleResults> {
    auto text = ParseText(db, query.q, false);
    if (!text.ok()) return text.status();
    std::vector<Xapian::Query> filters{Xapian::Query(kTypePerson)};
    if (query.department) filters.emplace_back(KeywordTerm(kDepartmentPrefix, *query.department));
    if (query.location) filters.emplace_back(KeywordTerm(kLocationPrefix, *query.location));
    if (query.skill) filters.emplace_back(KeywordTerm(kSkillPrefix, *query.skill));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *text, AndAll(filters)));
    if (IsBlank(query.q)) enquire.set_sort_by_value(kNameSlot, false);
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(query.offset),
                                         static_cast<Xapian::doccount>(query.limit),
                                         limits_.exact_total_up_to);
    PeopleResults out;
    out.total = mset.get_matches_estimated();
    out.hits = HitsOf(mset);
    return out;
  });
}

Result<std::vector<ExpertHit>> SearchIndex::FindExperts(const std::string& q, size_t limit,
                                                        const Audience& audience) {
  using Experts = std::vector<ExpertHit>;
  return Read<Experts>("finding experts", [&](Xapian::Database& db) -> Result<Experts> {
    if (IsBlank(q)) return Status::InvalidArgument("missing_query", "q names the topic");
    // A topic of several words: any of them is evidence, BM25 weighs how much.
    auto text = ParseText(db, q, false, false);
    if (!text.ok()) return text.status();
    auto skills = ParseText(db, q, true, false);
    if (!skills.ok()) return skills.status();

    struct Candidate {
      double score = 0;
      std::vector<std::pair<double, Id>> posts;
      std::vector<std::string> skills;
    };
    std::unordered_map<Id, Candidate> candidates;

    // Posts: p(q|d) from the post's BM25 weight relative to the best match, for the posts the
    // asker may read only, then summed per author (Balog et al., 2006, model 2). Recent posts
    // and posts colleagues reacted to count for more.
    Xapian::Enquire posts(db);
    posts.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *text, AudienceFilter(audience)));
    Xapian::MSet post_set = posts.get_mset(0, limits_.expert_candidate_posts);
    double newest = 0;
    for (auto it = post_set.begin(); it != post_set.end(); ++it) {
      newest = std::max(newest, Xapian::sortable_unserialise(it.get_document().get_value(kCreatedSlot)));
    }
    double best_post = post_set.empty() ? 1 : std::max(post_set.get_max_attained(), 1e-9);
    constexpr double kRecencyHalfLifeMs = 180.0 * 24 * 3600 * 1000;
    for (auto it = post_set.begin(); it != post_set.end(); ++it) {
      Xapian::Document doc = it.get_document();
      double age = newest - Xapian::sortable_unserialise(doc.get_value(kCreatedSlot));
      double recency = 0.5 + 0.5 * std::exp2(-age / kRecencyHalfLifeMs);
      double reactions = Xapian::sortable_unserialise(doc.get_value(kReactionsSlot));
      double weight = it.get_weight() / best_post * recency * (1 + 0.25 * std::log1p(reactions));
      Candidate& c = candidates[IdOf(doc, kAuthorSlot)];
      c.score += weight;
      c.posts.emplace_back(weight, IdOf(doc));
    }

    // Declared skills: evidence worth about one good post, so people who write about a topic
    // outrank people who only claim it.
    std::unordered_set<std::string> skill_terms;
    for (auto t = skills->get_unique_terms_begin(); t != skills->get_unique_terms_end(); ++t) {
      skill_terms.insert(*t);
    }
    Xapian::Enquire people(db);
    people.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *skills, Xapian::Query(kTypePerson)));
    Xapian::MSet people_set = people.get_mset(0, 1000);
    double best_person = people_set.empty() ? 1 : std::max(people_set.get_max_attained(), 1e-9);
    constexpr double kSkillWeight = 1.0;
    for (auto it = people_set.begin(); it != people_set.end(); ++it) {
      Xapian::Document doc = it.get_document();
      Candidate& c = candidates[IdOf(doc)];
      c.score += kSkillWeight * it.get_weight() / best_person;
      std::string data = doc.get_data();
      size_t start = 0;
      while (start < data.size()) {
        size_t end = data.find('\n', start);
        if (end == std::string::npos) end = data.size();
        std::string_view skill(data.data() + start, end - start);
        for (const Word& w : SplitWords(skill)) {
          bool matched = false;
          for (const std::string& term :
               TermsOfWord(skill.substr(w.begin, w.end - w.begin), kSkillTextPrefix)) {
            if (skill_terms.count(term)) matched = true;
          }
          if (matched) {
            c.skills.emplace_back(skill);
            break;
          }
        }
        start = end + 1;
      }
    }

    Experts out;
    for (auto& [user, c] : candidates) {
      // Only people in the directory (active accounts) are experts one can reach.
      if (db.postlist_begin(PersonKey(user)) == db.postlist_end(PersonKey(user))) continue;
      ExpertHit hit{user, c.score, std::move(c.skills), {}};
      std::sort(c.posts.begin(), c.posts.end(),
                [](const auto& a, const auto& b) { return a.first > b.first; });
      for (size_t i = 0; i < c.posts.size() && i < limits_.expert_evidence_posts; ++i) {
        hit.posts.push_back(c.posts[i].second);
      }
      out.push_back(std::move(hit));
    }
    std::sort(out.begin(), out.end(), [](const ExpertHit& a, const ExpertHit& b) {
      return a.score != b.score ? a.score > b.score : a.user_id < b.user_id;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  });
}

Result<DealResults> SearchIndex::SearchDeals(const DealQuery& query, const Audience& audience) {
  return Read<DealResults>("searching deals", [&](Xapian::Database& db) -> Result<DealResults> {
    auto text = ParseText(db, query.q, false);
    if (!text.ok()) return text.status();
    std::vector<Xapian::Query> filters{Xapian::Query(std::string(kKindPrefix) + "deal_story"),
                                       AudienceFilter(audience)};
    if (query.sector) filters.emplace_back(KeywordTerm(kSectorPrefix, *query.sector));
    if (query.product) filters.emplace_back(KeywordTerm(kProductPrefix, *query.product));
    if (query.region) filters.emplace_back(KeywordTerm(kRegionPrefix, *query.region));
    if (query.outcome) filters.emplace_back(KeywordTerm(kOutcomePrefix, *query.outcome));
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
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *text, AndAll(filters)));
    if (IsBlank(query.q)) enquire.set_sort_by_value(kClosedOnSlot, true);
    const std::pair<const char*, Xapian::valueno> facet_slots[] = {
        {"sector", kSectorSlot}, {"product", kProductSlot}, {"region", kRegionSlot},
        {"outcome", kOutcomeSlot}};
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (const auto& [name, slot] : facet_slots) {
      spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(slot));
      enquire.add_matchspy(spies.back().get());
    }
    // Facet counts need every match seen, not an estimate.
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(query.offset),
                                         static_cast<Xapian::doccount>(query.limit),
                                         db.get_doccount());
    DealResults out;
    out.total = mset.get_matches_estimated();
    out.hits = HitsOf(mset);
    for (size_t i = 0; i < spies.size(); ++i) {
      auto& counts = out.facets[facet_slots[i].first];
      for (auto v = spies[i]->values_begin(); v != spies[i]->values_end(); ++v) {
        counts[*v] = v.get_termfreq();
      }
    }
    out.matched = TermsOf(*text);
    return out;
  });
}

std::string SearchIndex::Highlight(std::string_view text, const MatchedTerms& matched,
                                   size_t max_chars) {
  std::unordered_set<std::string> terms(matched.terms.begin(), matched.terms.end());
  std::vector<Word> words = SplitWords(text);
  std::vector<bool> hit(words.size(), false);
  std::optional<size_t> first;
  for (size_t i = 0; i < words.size(); ++i) {
    for (const std::string& term :
         TermsOfWord(text.substr(words[i].begin, words[i].end - words[i].begin), "")) {
      if (terms.count(term)) hit[i] = true;
    }
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
    AppendEscaped(out, text.substr(at, words[i].begin - at));
    out += "<mark>";
    AppendEscaped(out, text.substr(words[i].begin, words[i].end - words[i].begin));
    out += "</mark>";
    at = words[i].end;
  }
  AppendEscaped(out, text.substr(at, end - at));
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace agora::search
