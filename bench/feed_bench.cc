// In-process benchmarks of the feed engine and the raw SQLite baseline. Run through
// bench/run_all.sh, which sets up the comparators and prints the table; each subcommand
// prints one line of "key=value" results.
//
//   feed_bench fanout DIR      deliveries/s for a post stream over a 100k-person graph, and
//                              DIR/mastodon.resp + DIR/twitter.resp: the same deliveries as
//                              Redis commands for redis-cli --pipe
//   feed_bench celebrity       one post to 50,000 followers: time until all can read it
//   feed_bench memory DIR      bytes per timeline entry (RSS delta / entries), and the same
//                              entries as Redis commands in DIR/memory-{lists,zsets}.resp
//   feed_bench crossover       read cost: pushed timeline vs merge-on-read of k sources
//   feed_bench sqlite DIR      one post row per transaction, synchronous=FULL, for 5 s
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "feed/feed_engine.h"
#include "storage/store.h"

namespace {

using agora::Id;
using agora::feed::FeedEngine;
using agora::feed::FeedEntry;
using Clock = std::chrono::steady_clock;

constexpr int kPeople = 100'000;
constexpr int kCelebrities = 5;
constexpr int kCelebrityFollowers = 50'000;
constexpr int kMeanFollowees = 45;  // plus about 2.5 celebrities each: about 50 in all

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// followers[u]: who follows u. Fixed seed: every run builds the same graph.
std::vector<std::vector<Id>> MakeFollowerGraph() {
  std::mt19937_64 rng(20261122);
  std::vector<std::vector<Id>> followers(kPeople);
  // Zipf-like popularity among ordinary people: weight 1 / (rank + 10)^0.8.
  std::vector<double> weights(kPeople - kCelebrities);
  for (size_t r = 0; r < weights.size(); ++r) weights[r] = 1.0 / std::pow(r + 10.0, 0.8);
  std::discrete_distribution<int> popular(weights.begin(), weights.end());
  std::poisson_distribution<int> followee_count(kMeanFollowees);
  for (Id u = 0; u < kPeople; ++u) {
    int n = followee_count(rng);
    for (int i = 0; i < n; ++i) {
      Id v = kCelebrities + popular(rng);
      if (v != u) followers[v].push_back(u);
    }
  }
  for (Id c = 0; c < kCelebrities; ++c) {
    std::vector<Id> all(kPeople);
    for (Id u = 0; u < kPeople; ++u) all[u] = u;
    std::shuffle(all.begin(), all.end(), rng);
    followers[c].assign(all.begin(), all.begin() + kCelebrityFollowers);
  }
  for (auto& f : followers) {
    std::sort(f.begin(), f.end());
    f.erase(std::unique(f.begin(), f.end()), f.end());
  }
  return followers;
}

void LoadAllEmpty(FeedEngine& engine, Id people) {
  auto empty = []() -> agora::Result<std::vector<FeedEntry>> { return std::vector<FeedEntry>(); };
  for (Id u = 0; u < people; ++u) (void)engine.Read(u + 1, empty, {}, {});
}

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void Resp(std::ostream& out, std::initializer_list<std::string> args) {
  out << '*' << args.size() << "\r\n";
  for (const auto& a : args) out << '$' << a.size() << "\r\n" << a << "\r\n";
}

int Fanout(const std::string& dir) {
  auto followers = MakeFollowerGraph();
  // 10,000 posts by ordinary authors, each picked in proportion to being followed.
  std::mt19937_64 rng(7);
  std::vector<Id> authors;
  std::uniform_int_distribution<Id> anyone(kCelebrities, kPeople - 1);
  for (int i = 0; i < 10'000; ++i) authors.push_back(anyone(rng));
  size_t deliveries = 0;
  for (Id a : authors) deliveries += followers[a].size() + 1;

  FeedEngine engine;
  LoadAllEmpty(engine, kPeople);
  std::vector<Id> recipients;
  auto start = Clock::now();
  for (size_t i = 0; i < authors.size(); ++i) {
    Id a = authors[i];
    recipients.clear();
    for (Id f : followers[a]) recipients.push_back(f + 1);
    recipients.push_back(a + 1);
    engine.Deliver({static_cast<Id>(i + 1), a + 1}, recipients);
  }
  double seconds = Seconds(start);
  std::printf("fanout posts=%zu deliveries=%zu seconds=%.4f deliveries_per_s=%.0f\n",
              authors.size(), deliveries, seconds, deliveries / seconds);

  std::ofstream mastodon(dir + "/mastodon.resp", std::ios::binary);
  std::ofstream twitter(dir + "/twitter.resp", std::ios::binary);
  for (size_t i = 0; i < authors.size(); ++i) {
    Id a = authors[i];
    std::string post = std::to_string(i + 1);
    auto emit = [&](Id reader) {
      std::string key = "feed:" + std::to_string(reader + 1);
      Resp(mastodon, {"ZADD", key, post, post});
      Resp(mastodon, {"ZREMRANGEBYRANK", key, "0", "-401"});
      Resp(twitter, {"LPUSH", key, post});
      Resp(twitter, {"LTRIM", key, "0", "799"});
    };
    for (Id f : followers[a]) emit(f);
    emit(a);
  }
  return 0;
}

int Celebrity() {
  auto followers = MakeFollowerGraph();
  FeedEngine engine;
  LoadAllEmpty(engine, kPeople);
  std::vector<Id> recipients;
  for (Id f : followers[0]) recipients.push_back(f + 1);
  std::vector<double> runs;
  for (int run = 0; run < 5; ++run) {
    auto start = Clock::now();
    engine.Deliver({static_cast<Id>(1000 + run), 1}, recipients);
    runs.push_back(Seconds(start) * 1000);
  }
  std::sort(runs.begin(), runs.end());
  std::printf("celebrity followers=%zu median_ms=%.3f max_ms=%.3f\n", recipients.size(), runs[2],
              runs[4]);
  return 0;
}

int Memory(const std::string& dir) {
  constexpr Id kReaders = 20'000;
  constexpr Id kEntries = 800;
  {
    // The same entries for Redis: one list and one sorted set of 800 per reader.
    std::ofstream lists(dir + "/memory-lists.resp", std::ios::binary);
    std::ofstream zsets(dir + "/memory-zsets.resp", std::ios::binary);
    for (Id u = 1; u <= kReaders; ++u) {
      std::string key = "feed:" + std::to_string(u);
      lists << "*" << kEntries + 2 << "\r\n$5\r\nLPUSH\r\n$" << key.size() << "\r\n"
            << key << "\r\n";
      zsets << "*" << 2 * kEntries + 2 << "\r\n$4\r\nZADD\r\n$" << key.size() << "\r\n"
            << key << "\r\n";
      for (Id post = 1; post <= kEntries; ++post) {
        std::string value = std::to_string(1'000'000'000'000 + post);
        lists << '$' << value.size() << "\r\n" << value << "\r\n";
        zsets << '$' << value.size() << "\r\n"
              << value << "\r\n$" << value.size() << "\r\n"
              << value << "\r\n";
      }
    }
  }
  FeedEngine engine;
  LoadAllEmpty(engine, kReaders);
  size_t before = RssBytes();
  std::vector<Id> everyone;
  for (Id u = 1; u <= kReaders; ++u) everyone.push_back(u);
  for (Id post = 1; post <= kEntries; ++post) engine.Deliver({post, 42}, everyone);
  size_t after = RssBytes();
  size_t entries = engine.stats().entries;
  std::printf("memory entries=%zu rss_delta_bytes=%zu bytes_per_entry=%.2f\n", entries,
              after - before, double(after - before) / entries);
  return 0;
}

int Crossover() {
  for (int sources : {50, 200, 2000}) {
    FeedEngine pushed_engine;
    FeedEngine pulled_engine;
    std::mt19937_64 rng(sources);
    std::vector<agora::feed::PullSource> pulls;
    std::vector<FeedEntry> timeline;
    Id next_post = 1;
    for (int s = 0; s < sources; ++s) {
      std::vector<FeedEntry> log;
      for (int p = 0; p < 20; ++p) log.push_back({next_post++ * 1000 + s, 100 + s});
      std::sort(log.begin(), log.end(),
                [](const FeedEntry& a, const FeedEntry& b) { return a.post_id > b.post_id; });
      timeline.insert(timeline.end(), log.begin(), log.end());
      pulls.push_back({100 + s, [log]() -> agora::Result<std::vector<FeedEntry>> { return log; }});
    }
    std::sort(timeline.begin(), timeline.end(),
              [](const FeedEntry& a, const FeedEntry& b) { return a.post_id > b.post_id; });
    // Loaders built once: a lambda passed to Read would be copied into a new std::function
    // (with its captured vector) on every call and measure that copy instead of the read.
    agora::feed::Loader load_timeline = [timeline]() -> agora::Result<std::vector<FeedEntry>> {
      return timeline;
    };
    agora::feed::Loader none = []() -> agora::Result<std::vector<FeedEntry>> {
      return std::vector<FeedEntry>();
    };
    (void)pushed_engine.Read(1, load_timeline, {}, {});
    (void)pulled_engine.Read(1, none, pulls, {});
    constexpr int kReads = 2000;
    auto start = Clock::now();
    for (int i = 0; i < kReads; ++i) (void)pushed_engine.Read(1, load_timeline, {}, {});
    double pushed_us = Seconds(start) * 1e6 / kReads;
    start = Clock::now();
    for (int i = 0; i < kReads; ++i) (void)pulled_engine.Read(1, none, pulls, {});
    double pulled_us = Seconds(start) * 1e6 / kReads;
    std::printf("crossover sources=%d pushed_read_us=%.2f merged_read_us=%.2f ratio=%.1f\n",
                sources, pushed_us, pulled_us, pulled_us / pushed_us);
  }
  return 0;
}

int SqliteLoop(const std::string& dir) {
  agora::storage::StoreOptions options;
  options.path = dir + "/sqlite-loop.db";
  auto store = agora::storage::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 1;
  }
  // One connection, one row per transaction: the loop a naive server would run.
  auto c =
      agora::storage::Connection::Open(options.path, agora::storage::Connection::Mode::kReadWrite);
  (void)(*c)->exec("PRAGMA synchronous=FULL");
  (void)(*c)->exec(
      "INSERT INTO users (id, username, email, display_name, password_hash, role, created_at, "
      "updated_at) VALUES (1, 'bench', 'bench@example.com', 'Bench', 'x', 'member', 0, 0)");
  (*store)->Stop();
  std::string text(280, 'x');
  int rows = 0;
  auto start = Clock::now();
  while (Seconds(start) < 5) {
    (void)(*c)->exec("BEGIN");
    auto stmt = (*c)->prepare(
        "INSERT INTO posts (id, author_id, kind, text, created_at) VALUES (?, 1, 'status', ?, 0)");
    (*stmt)->bind(1, static_cast<int64_t>(rows + 1)).bind(2, text);
    (void)(*stmt)->run();
    (void)(*c)->exec("COMMIT");
    ++rows;
  }
  double seconds = Seconds(start);
  std::printf("sqlite_loop rows=%d seconds=%.2f rows_per_s=%.0f\n", rows, seconds, rows / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  if (command == "fanout") return Fanout(dir);
  if (command == "celebrity") return Celebrity();
  if (command == "memory") return Memory(dir);
  if (command == "crossover") return Crossover();
  if (command == "sqlite") return SqliteLoop(dir);
  std::fprintf(stderr,
               "usage: feed_bench fanout DIR | celebrity | memory DIR | crossover | sqlite DIR\n");
  return 2;
}
