// SearchIndex: the Xapian index of posts and people, and every query on it (posts, people,
// experts, deal stories with facets).
//
// Thread-safety: the writing methods (Apply, MarkBuilt, Clear) belong to one thread, the
// indexer's; it owns the WritableDatabase and commits explicitly. Query methods may be
// called from any number of threads at once: each borrows a reader from a pool and reopens it
// when the writer committed since. Every method catches Xapian's exceptions where they enter our
// code and returns a Status: kInvalidArgument for a query the parser cannot read, kUnavailable
// when another process holds the index, kInternal otherwise.
//
// The caller decides who may read what: every content query takes an Audience, applied as an
// OP_FILTER built in code, never from user text. Totals, facets, highlights and expert ranks
// come from the filtered set only.
//
// This class owns the writer and the pool of readers; the work is done by internal parts of
// search/: schema.h (terms and slots), documents.h, queries.h and expert_model.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/status.h"
#include "search/analysis.h"

namespace Xapian {
class Database;
class Document;
class WritableDatabase;
}  // namespace Xapian

namespace agora::search {

struct DealFields {
  std::string customer;
  std::string sector;
  std::string product;
  std::string region;
  double amount = 0;
  std::string currency;
  std::string closed_on;  // "2026-11-22"
  std::string outcome;    // won, lost, open
};

// What the index knows of a post (or a reply).
struct PostDocument {
  Id id = 0;
  Id author_id = 0;
  std::optional<Id> community_id;  // nullopt: company-wide
  std::string kind;                // status, question, announcement, deal_story
  std::string text;
  std::vector<std::string> hashtags;  // already folded
  UnixMillis created_at = 0;
  int64_t reactions = 0;
  std::optional<DealFields> deal;
  Language language = Language::kEnglish;
  bool accepted_answer = false;  // a question accepted this reply: stronger expert evidence
};

struct PersonDocument {
  Id id = 0;
  std::string username;
  std::string display_name;
  std::string title;
  std::string department;
  std::string location;
  std::string bio;
  std::vector<std::string> skills;
  Language language = Language::kEnglish;
  bool active = true;
  std::vector<std::string> verified_skills;  // skills a passed quiz verified
};

// Content the caller may read: company-wide posts always, plus these communities'.
struct Audience {
  std::vector<Id> communities;
  bool company_wide = true;  // false for a guest, who reads no company-wide post
};

struct SearchLimits {
  size_t max_query_chars = 500;      // kInvalidArgument "query_too_long" beyond
  size_t max_query_terms = 64;       // words of one reading: "query_too_complex" beyond
  size_t max_wildcards = 4;          // `prefix*` terms in one query: "query_too_complex" beyond
  unsigned wildcard_expansion = 50;  // most frequent terms a wildcard stands for
  // Readable matches counted exactly; beyond (or beyond the page asked for, if further), `total`
  // says "at least this many" (`total_exact` false). Never Xapian's estimate, which counts
  // hidden documents through term statistics.
  unsigned exact_total_up_to = 1000;
  // Posts: below this many readable posts holding every word, the posts holding some follow.
  int64_t relax_posts_below = 10;
  unsigned expert_candidate_posts = 500;  // best matching posts aggregated per person
  size_t expert_evidence_posts = 3;       // shown per expert
  size_t readers = 8;                     // pooled read handles
};

struct PostQuery {
  std::string q;  // may be empty when a filter is given: newest first ("missing_query" else)
  std::optional<Id> community_id;
  std::optional<Id> author_id;
  std::optional<std::string> kind;
  std::optional<std::string> hashtag;  // folded
  std::optional<UnixMillis> since;     // created_at >= since
  std::optional<UnixMillis> until;     // created_at < until
  size_t offset = 0;
  size_t limit = 20;
};

struct Hit {
  Id id = 0;
  // BM25 weight divided by the best of the answer, so 1 for the best: a raw weight would carry
  // collection statistics that count hidden posts too.
  double score = 0;
};

// The words a query matched, to highlight any text against.
struct MatchedTerms {
  std::vector<std::string> terms;  // unstemmed words and Z-prefixed stems
};

struct PostResults {
  int64_t total = 0;
  bool total_exact = true;  // false: at least `total` match
  std::vector<Hit> hits;
  MatchedTerms matched;
};

struct PeopleQuery {
  std::string q;
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<std::string> skill;
  size_t offset = 0;
  size_t limit = 20;
};

struct PeopleResults {
  int64_t total = 0;
  bool total_exact = true;  // false: at least `total` match
  std::vector<Hit> hits;
};

struct ExpertHit {
  Id user_id = 0;
  double score = 0;
  std::vector<std::string> skills;           // declared skills that match the topic
  std::vector<std::string> verified_skills;  // verified skills that match the topic
  std::vector<Id> posts;                     // best matching posts, best first
  std::vector<Id> accepted_answers;          // those of `posts` a question accepted
};

struct DealQuery {
  std::string q;
  std::optional<std::string> sector;
  std::optional<std::string> product;
  std::optional<std::string> region;
  std::optional<std::string> outcome;
  std::optional<double> min_amount;
  std::optional<double> max_amount;
  std::optional<std::string> since;  // closed_on >= since ("2026-01-01")
  std::optional<std::string> until;  // closed_on <= until
  size_t offset = 0;
  size_t limit = 20;
};

struct DealResults {
  int64_t total = 0;
  bool total_exact = true;  // false: at least `total` match
  std::vector<Hit> hits;
  MatchedTerms matched;
  // facet name (sector, product, region, outcome) -> value -> deals among the matches
  std::map<std::string, std::map<std::string, int64_t>> facets;
};

class SearchIndex {
 public:
  // Opens (creating) the index in folder `path`; `overwrite` starts it empty (a rebuild), and so
  // does an index written with another version of the schema (it is then built again from the
  // store, like a new one). kUnavailable when another process writes it.
  static Result<std::unique_ptr<SearchIndex>> Open(const std::string& path, SearchLimits limits,
                                                   bool overwrite = false);
  ~SearchIndex();  // commits what was applied

  // Indexer thread only. Replaces the documents of `posts` and `people`, removes those of
  // `removed_posts`, records `applied_seq` (the outbox position these changes reach) and
  // commits, all or nothing.
  Status Apply(const std::vector<PostDocument>& posts, const std::vector<PersonDocument>& people,
               const std::vector<Id>& removed_posts, int64_t applied_seq);
  // The outbox position of the last commit; nullopt for an index never fully built.
  std::optional<int64_t> applied_seq() const;
  // Indexer thread only: marks the index as fully built up to `applied_seq`.
  Status MarkBuilt(int64_t applied_seq);
  // Indexer thread only: removes every document and the built mark, before a full build.
  Status Clear();

  Result<PostResults> SearchPosts(const PostQuery& query, const Audience& audience);
  Result<PeopleResults> SearchPeople(const PeopleQuery& query);
  // People ranked by evidence for the topic `q`: declared skills, and readable posts they wrote,
  // aggregated per author (Balog et al.'s document-centric model), best first. Inactive people
  // are not in the index's people set and are left out.
  Result<std::vector<ExpertHit>> FindExperts(const std::string& q, size_t limit,
                                             const Audience& audience);
  Result<DealResults> SearchDeals(const DealQuery& query, const Audience& audience);

  // `text` as HTML: escaped, cut to about `max_chars` characters around the first match, the
  // words that match `matched` wrapped in <mark></mark>.
  static std::string Highlight(std::string_view text, const MatchedTerms& matched,
                               size_t max_chars = 200);

  uint64_t documents() const;
  uint64_t commits() const { return commits_.load(); }

 private:
  class ReaderLease;
  explicit SearchIndex(std::string path, SearchLimits limits);

  // Runs `fn` on a pooled reader, once more on a fresh revision if the writer overwrote the one
  // it read, translating Xapian's exceptions.
  template <typename T>
  Result<T> Read(const char* what, const std::function<Result<T>(Xapian::Database&)>& fn);

  // Running totals of the lengths of the documents written, whose averages normalise the wdfs of
  // the next ones (schema::LengthNormalise); kept in the index's metadata.
  struct LengthTotals {
    double sum = 0;
    double count = 0;
    double average() const { return count > 0 ? sum / count : 0; }
  };
  // Normalises the wdfs of `docs` (of one kind) by the average of `totals` with them added.
  static void Normalise(std::vector<Xapian::Document>& docs, LengthTotals& totals);

  // Constant after Open.
  const std::string path_;
  const SearchLimits limits_;

  // Indexer thread only.
  std::unique_ptr<Xapian::WritableDatabase> writer_;
  LengthTotals post_lengths_;
  LengthTotals person_lengths_;

  std::atomic<uint64_t> commits_{0};
  std::atomic<int64_t> applied_seq_{-1};  // -1: never built
  std::atomic<uint64_t> documents_{0};

  // Guarded by readers_mu_.
  Mutex readers_mu_;
  std::vector<std::unique_ptr<Xapian::Database>> idle_readers_ GUARDED_BY(readers_mu_);
};

}  // namespace agora::search
