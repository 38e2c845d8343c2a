// Search benchmarks, run through bench/search_bench.sh. Each subcommand prints "key=value" lines.
//
//   search_bench speed DIR [POSTS] [QUERIES]
//       Our Xapian index (search::SearchIndex, the server's own code) and SQLite FTS5 (with
//       its Porter stemmer and accent folding, the nearest it has to our stemming) side by
//       side on the same generated corpus (default 1,000,000 posts of 5 to 150 words, a
//       third of them French with accented words, Zipf vocabularies) and the same query mix, both
//       filtered to the caller's audience: bulk indexing docs/s, query p50/p99 on one thread,
//       queries/s on two threads, disk size, and freshness (post to searchable) through the
//       real outbox and indexer thread for ours, commit-then-query for FTS5.
//   search_bench queries DIR [POSTS] [QUERIES] [xapian|fts5]
//       The query figures only (p50/p99, queries/s), on the indexes a `speed` run with the same
//       POSTS left in DIR: to measure a change to querying without indexing again. Naming one
//       engine runs it alone (to profile it).
//   search_bench relevance
//       MRR and precision@5 for experts and for posts on the labelled corpus of
//       bench/relevance_corpus.h.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/relevance_corpus.h"
#include "posts/post_repository.h"
#include "profiles/user_repository.h"
#include "search/search_index.h"
#include "services/search_indexer.h"
#include "storage/connection.h"
#include "storage/store.h"

namespace {

using agora::Id;
using agora::Result;
using agora::Status;
using Clock = std::chrono::steady_clock;
namespace search = agora::search;
namespace storage = agora::storage;

constexpr int kCommunities = 50;
constexpr int kViewerCommunities = 5;  // the caller reads company-wide posts and these
constexpr size_t kBatch = 10'000;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void Check(const Status& status, const char* what) {
  if (!status.ok()) {
    std::cerr << what << ": " << status.message() << "\n";
    std::exit(1);
  }
}

// Words made of syllables, ranked by a Zipf law: rank r has weight 1/(r+1). The French
// vocabulary has accented syllables too.
class Vocabulary {
 public:
  Vocabulary(std::mt19937_64& rng, bool french, size_t size = 50'000) {
    static const char* kSyllables[] = {"ba", "co", "di", "fu", "ga", "ke", "li", "mo", "nu",
                                       "pa", "ri", "so", "tu", "va", "ze", "ni", "to", "ra",
                                       "lu", "pe", "sa", "lé", "mè", "ré", "tê", "ço"};
    constexpr int kPlain = 21;  // the syllables before the accented ones
    std::set<std::string> seen;
    std::uniform_int_distribution<int> syllable(0, french ? std::size(kSyllables) - 1 : kPlain - 1);
    std::uniform_int_distribution<int> length(2, 4);
    while (words_.size() < size) {
      std::string word;
      for (int n = length(rng); n > 0; --n) word += kSyllables[syllable(rng)];
      if (seen.insert(word).second) words_.push_back(word);
    }
    std::vector<double> weights(size);
    for (size_t r = 0; r < size; ++r) weights[r] = 1.0 / static_cast<double>(r + 1);
    zipf_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }
  const std::string& Draw(std::mt19937_64& rng) { return words_[zipf_(rng)]; }
  const std::string& At(size_t rank) const { return words_[rank]; }

 private:
  std::vector<std::string> words_;
  std::discrete_distribution<size_t> zipf_;
};

struct Corpus {
  std::vector<search::PostDocument> posts;
  std::vector<std::string> queries;
};

Corpus MakeCorpus(size_t posts, size_t queries) {
  std::mt19937_64 rng(20261201);
  Vocabulary english(rng, false);
  Vocabulary french(rng, true);
  std::lognormal_distribution<double> length(std::log(30.0), 0.6);
  std::uniform_int_distribution<int> community(1, kCommunities);
  Corpus corpus;
  corpus.posts.reserve(posts);
  for (size_t i = 0; i < posts; ++i) {
    search::PostDocument p;
    p.id = static_cast<Id>(i + 1);
    p.author_id = static_cast<Id>(1 + rng() % 20'000);
    if (rng() % 10 == 0) p.community_id = community(rng);
    p.kind = "status";
    p.created_at = 1'700'000'000'000 + static_cast<int64_t>(i) * 1000;
    p.language = rng() % 3 == 0 ? search::Language::kFrench : search::Language::kEnglish;
    Vocabulary& vocabulary = p.language == search::Language::kFrench ? french : english;
    int words = std::clamp(static_cast<int>(length(rng)), 5, 150);
    for (int w = 0; w < words; ++w) {
      if (w) p.text += ' ';
      p.text += vocabulary.Draw(rng);
    }
    corpus.posts.push_back(std::move(p));
  }
  // Queries of one to three words from ranks 20 to 5,000: past the stopword-like head, where
  // people search.
  std::uniform_int_distribution<size_t> rank(20, 5000);
  for (size_t q = 0; q < queries; ++q) {
    int words = q % 20 < 10 ? 1 : (q % 20 < 17 ? 2 : 3);
    const Vocabulary& vocabulary = q % 3 == 0 ? french : english;
    std::string text;
    for (int w = 0; w < words; ++w) {
      if (w) text += ' ';
      text += vocabulary.At(rank(rng));
    }
    corpus.queries.push_back(std::move(text));
  }
  return corpus;
}

search::Audience ViewerAudience() {
  search::Audience audience;
  for (int c = 1; c <= kViewerCommunities; ++c) audience.communities.push_back(c);
  return audience;
}

uint64_t DiskBytes(const std::string& path) {
  uint64_t total = 0;
  if (std::filesystem::is_regular_file(path)) return std::filesystem::file_size(path);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

struct Latencies {
  double p50_ms = 0, p99_ms = 0;
};

Latencies Percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

// One engine under test: the same calls for both, so the loop below can interleave them and
// whatever else the machine does falls on both alike.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  virtual void Index(const std::vector<search::PostDocument>& batch) = 0;
  virtual void Finish() = 0;                                   // after the last batch
  virtual size_t Query(const std::string& q, int thread) = 0;  // hits
  virtual uint64_t DiskBytes() const = 0;

  double index_seconds = 0;
  std::vector<double> query_ms;
  double qps = 0;
  size_t hits = 0;
};

class XapianEngine : public Engine {
 public:
  explicit XapianEngine(const std::string& dir) : path_(dir + "/xapian") {
    auto index = search::SearchIndex::Open(path_, {});
    Check(index.status(), "open index");
    index_ = std::move(*index);
  }
  const char* name() const override { return "xapian"; }
  void Index(const std::vector<search::PostDocument>& batch) override {
    Check(index_->Apply(batch, {}, {}, 0), "index");
  }
  void Finish() override { Check(index_->MarkBuilt(0), "commit"); }
  size_t Query(const std::string& q, int) override {
    search::PostQuery query;
    query.q = q;
    auto found = index_->SearchPosts(query, audience_);
    Check(found.status(), "search");
    return found->hits.size();
  }
  uint64_t DiskBytes() const override { return ::DiskBytes(path_); }
  void Close() { index_.reset(); }

 private:
  std::string path_;
  std::unique_ptr<search::SearchIndex> index_;
  search::Audience audience_ = ViewerAudience();
};

class Fts5Engine : public Engine {
 public:
  // `existing`: the table a previous run filled, queried as it is.
  Fts5Engine(const std::string& dir, bool existing) : path_(dir + "/fts5.db") {
    auto db = storage::Connection::Open(path_, storage::Connection::Mode::kReadWrite);
    Check(db.status(), "open fts5");
    db_ = std::move(*db);
    // The same durability as the store: WAL, a full sync per commit.
    Check(db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"), "pragmas");
    if (!existing) {
      Check(db_->exec("CREATE VIRTUAL TABLE posts USING fts5(text, community UNINDEXED, "
                      "tokenize = 'porter unicode61 remove_diacritics 2')"),
            "create");
    }
    sql_ = "SELECT rowid FROM posts WHERE posts MATCH ? AND (community = 0";
    for (int c = 1; c <= kViewerCommunities; ++c) sql_ += " OR community = " + std::to_string(c);
    sql_ += ") ORDER BY rank LIMIT 20";
  }
  const char* name() const override { return "fts5"; }
  void Index(const std::vector<search::PostDocument>& batch) override {
    Check(db_->exec("BEGIN"), "begin");
    for (const search::PostDocument& p : batch) Insert(p.id, p.text, p.community_id.value_or(0));
    Check(db_->exec("COMMIT"), "commit");
  }
  void Finish() override {
    Check(db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
    for (int t = 0; t < 2; ++t) {
      auto reader = storage::Connection::Open(path_, storage::Connection::Mode::kReadOnly);
      Check(reader.status(), "open reader");
      readers_.push_back(std::move(*reader));
    }
  }
  size_t Query(const std::string& q, int thread) override {
    auto stmt = readers_[thread]->prepare(sql_.c_str());
    Check(stmt.status(), "prepare");
    (*stmt)->bind(1, q);
    auto rows = (*stmt)->collect_int64();
    Check(rows.status(), "query");
    return rows->size();
  }
  uint64_t DiskBytes() const override { return ::DiskBytes(path_); }

  // Freshness: a committed row is visible to the next query at once; this times both.
  double FreshnessMs(int i) {
    auto start = Clock::now();
    std::string word = "freshword" + std::to_string(i);
    Insert(20'000'000 + i, "a new post about " + word, 0);
    auto find = readers_[0]->prepare("SELECT rowid FROM posts WHERE posts MATCH ?");
    Check(find.status(), "prepare");
    (*find)->bind(1, word);
    auto rows = (*find)->collect_int64();
    Check(rows.status(), "query");
    if (rows->empty()) std::cerr << "fts5: a committed post was not found\n";
    return Seconds(start) * 1000;
  }

 private:
  void Insert(Id id, const std::string& text, Id community) {
    auto stmt = db_->prepare("INSERT INTO posts (rowid, text, community) VALUES (?, ?, ?)");
    Check(stmt.status(), "prepare");
    (*stmt)->bind(1, id).bind(2, text).bind(3, community);
    Check((*stmt)->run(), "insert");
  }

  std::string path_;
  std::string sql_;
  std::unique_ptr<storage::Connection> db_;
  std::vector<std::unique_ptr<storage::Connection>> readers_;
};

// Freshness through the server's path: a post committed to the store with its outbox entry,
// the indexer thread applying it to the million-post index, a searcher seeing it.
std::vector<double> XapianFreshness(const std::string& dir) {
  storage::StoreOptions options;
  options.path = dir + "/fresh.db";
  auto store = storage::Store::Open(options);
  Check(store.status(), "open store");
  agora::ManualClock clock(1'790'000'000'000);
  agora::profiles::UserRepository users(**store, clock);
  agora::posts::PostRepository posts(**store, clock);
  agora::profiles::NewUser author;
  author.username = "author";
  author.profile.display_name = "Author";
  author.profile.email = "author@example.com";
  Check(users.Insert(1, author, "x").status(), "user");
  auto index = search::SearchIndex::Open(dir + "/xapian", {});
  Check(index.status(), "reopen index");
  agora::services::SearchIndexer indexer(**store, posts, users, **index);
  indexer.Start();
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    std::string word = "freshword" + std::to_string(i);
    agora::posts::NewPost post;
    post.text = "a new post about " + word;
    auto start = Clock::now();
    Check((*store)->write([&](storage::Connection& c) {
      return posts.InsertIn(c, 10'000'000 + i, 1, post, {}).status();
    }),
          "post");
    search::PostQuery query;
    query.q = word;
    while (true) {
      auto found = (*index)->SearchPosts(query, {});
      Check(found.status(), "search");
      if (!found->hits.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ms.push_back(Seconds(start) * 1000);
  }
  indexer.Stop();
  return ms;
}

// Latency query by query in turn on one thread, then throughput on two threads; the engines
// interleaved so that whatever else the machine does falls on both alike.
void MeasureQueries(const std::vector<std::string>& queries, const std::vector<Engine*>& engines) {
  // Latency: query by query in turn, one thread.
  for (size_t q = 0; q < queries.size(); ++q) {
    for (Engine* e : engines) {
      auto t = Clock::now();
      e->hits += e->Query(queries[q], 0);
      e->query_ms.push_back(Seconds(t) * 1000);
    }
  }
  // Throughput: two threads on the whole mix, in alternating rounds of 200 queries.
  std::vector<double> busy(engines.size(), 0);
  for (size_t round = 0; round < queries.size(); round += 200) {
    size_t end = std::min(round + 200, queries.size());
    for (size_t k = 0; k < engines.size(); ++k) {
      std::atomic<size_t> next{round};
      auto t = Clock::now();
      std::vector<std::thread> threads;
      for (int thread = 0; thread < 2; ++thread) {
        threads.emplace_back([&, thread] {
          for (size_t q = next++; q < end; q = next++) engines[k]->Query(queries[q], thread);
        });
      }
      for (auto& th : threads) th.join();
      busy[k] += Seconds(t);
    }
  }
  for (size_t k = 0; k < engines.size(); ++k) {
    Engine& e = *engines[k];
    Latencies latency = Percentiles(e.query_ms);
    std::cout << e.name() << "_query_p50_ms=" << latency.p50_ms << "\n"
              << e.name() << "_query_p99_ms=" << latency.p99_ms << "\n"
              << e.name() << "_queries_per_s=" << queries.size() / busy[k] << "\n"
              << e.name() << "_hits=" << e.hits << "\n";
  }
}

Corpus GenerateCorpus(size_t post_count, size_t query_count) {
  auto start = Clock::now();
  Corpus corpus = MakeCorpus(post_count, query_count);
  std::cout << "posts=" << post_count << " queries=" << query_count
            << " generated_s=" << Seconds(start) << "\n";
  return corpus;
}

int Speed(const std::string& dir, size_t post_count, size_t query_count) {
  Corpus corpus = GenerateCorpus(post_count, query_count);
  XapianEngine xapian(dir);
  Fts5Engine fts5(dir, false);
  std::vector<Engine*> engines{&xapian, &fts5};

  // Bulk indexing, batch by batch in turn (a commit per batch of 10,000 for both).
  for (size_t at = 0; at < corpus.posts.size(); at += kBatch) {
    std::vector<search::PostDocument> batch(
        corpus.posts.begin() + at,
        corpus.posts.begin() + std::min(at + kBatch, corpus.posts.size()));
    for (Engine* e : engines) {
      auto t = Clock::now();
      e->Index(batch);
      e->index_seconds += Seconds(t);
    }
  }
  for (Engine* e : engines) {
    auto t = Clock::now();
    e->Finish();
    e->index_seconds += Seconds(t);
  }
  for (Engine* e : engines) {
    std::cout << e->name() << "_index_docs_per_s=" << corpus.posts.size() / e->index_seconds << "\n"
              << e->name() << "_disk_bytes=" << e->DiskBytes() << "\n";
  }
  MeasureQueries(corpus.queries, engines);
  std::vector<double> fts5_fresh;
  for (int i = 0; i < 20; ++i) fts5_fresh.push_back(fts5.FreshnessMs(i));
  std::cout << "fts5_freshness_p50_ms=" << Percentiles(fts5_fresh).p50_ms << "\n";
  xapian.Close();  // the indexer below takes the writer
  std::vector<double> fresh = XapianFreshness(dir);
  std::cout << "xapian_freshness_p50_ms=" << Percentiles(fresh).p50_ms
            << "\nxapian_freshness_max_ms=" << *std::max_element(fresh.begin(), fresh.end())
            << "\n";
  return 0;
}

int Queries(const std::string& dir, size_t post_count, size_t query_count,
            const std::string& only) {
  Corpus corpus = GenerateCorpus(post_count, query_count);
  XapianEngine xapian(dir);
  Fts5Engine fts5(dir, true);
  fts5.Finish();
  std::vector<Engine*> engines;
  for (Engine* e : std::initializer_list<Engine*>{&xapian, &fts5}) {
    if (only.empty() || only == e->name()) engines.push_back(e);
  }
  MeasureQueries(corpus.queries, engines);
  return 0;
}

// --- relevance ---------------------------------------------------------------------------

struct Judged {
  double expert_rr = 0, expert_p5 = 0, expert_ndcg = 0, post_rr = 0, post_p5 = 0;
};

Judged Judge(search::SearchIndex& index, const agora::bench::RelevanceTopic& topic,
             const std::string& q) {
  Judged out;
  auto experts = index.FindExperts(q, 10, {});
  Check(experts.status(), "experts");
  std::vector<Id> ranked;
  for (const auto& hit : *experts) ranked.push_back(hit.user_id);
  out.expert_rr = agora::bench::ReciprocalRank(ranked, topic.experts);
  out.expert_p5 = agora::bench::PrecisionAt5(ranked, topic.experts);
  out.expert_ndcg = agora::bench::NdcgAt10(ranked, topic.experts);
  search::PostQuery query;
  query.q = q;
  query.limit = 10;
  auto posts = index.SearchPosts(query, {});
  Check(posts.status(), "posts");
  std::vector<Id> found;
  for (const auto& hit : posts->hits) found.push_back(hit.id);
  out.post_rr = agora::bench::ReciprocalRank(found, topic.relevant_posts);
  out.post_p5 = agora::bench::PrecisionAt5(found, topic.relevant_posts);
  return out;
}

// The corpus as generated, then with knowledge evidence (accepted answers, verified skills)
// added: figures of the second set carry a "knowledge_" prefix.
int Relevance() {
  for (bool knowledge : {false, true}) {
    agora::bench::RelevanceCorpus corpus = agora::bench::MakeRelevanceCorpus();
    if (knowledge) agora::bench::AddKnowledgeEvidence(corpus);
    std::string dir = std::filesystem::temp_directory_path() / "agora-relevance-XXXXXX";
    if (!mkdtemp(dir.data())) return 1;
    {
      auto index = search::SearchIndex::Open(dir + "/index", {});
      Check(index.status(), "open");
      Check((*index)->Apply(corpus.posts, corpus.people, {}, 0), "index");
      if (!knowledge) {
        std::cout << "topics=" << corpus.topics.size() << " people=" << corpus.people.size()
                  << " posts=" << corpus.posts.size() << "\n";
      }
      for (bool related : {false, true}) {
        Judged sum;
        for (const auto& topic : corpus.topics) {
          Judged one = Judge(**index, topic, related ? topic.related_query : topic.query);
          sum.expert_rr += one.expert_rr;
          sum.expert_p5 += one.expert_p5;
          sum.expert_ndcg += one.expert_ndcg;
          sum.post_rr += one.post_rr;
          sum.post_p5 += one.post_p5;
        }
        double n = static_cast<double>(corpus.topics.size());
        std::string set =
            std::string(knowledge ? "knowledge_" : "") + (related ? "related_" : "name_");
        std::cout << set << "experts_mrr=" << sum.expert_rr / n << "\n"
                  << set << "experts_p_at_5=" << sum.expert_p5 / n << "\n"
                  << set << "experts_ndcg_at_10=" << sum.expert_ndcg / n << "\n"
                  << set << "posts_mrr=" << sum.post_rr / n << "\n"
                  << set << "posts_p_at_5=" << sum.post_p5 / n << "\n";
      }
    }
    std::filesystem::remove_all(dir);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "relevance") return Relevance();
  if ((mode == "speed" || mode == "queries") && argc > 2) {
    size_t posts = argc > 3 ? std::stoul(argv[3]) : 1'000'000;
    size_t queries = argc > 4 ? std::stoul(argv[4]) : 2'000;
    return mode == "speed" ? Speed(argv[2], posts, queries)
                           : Queries(argv[2], posts, queries, argc > 5 ? argv[5] : "");
  }
  std::cerr << "usage: search_bench speed DIR [POSTS] [QUERIES] | search_bench queries DIR [POSTS] "
               "[QUERIES] [xapian|fts5] | search_bench relevance\n";
  return 2;
}
