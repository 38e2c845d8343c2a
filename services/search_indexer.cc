#include "services/search_indexer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/logfmt.h"
#include "storage/outbox.h"

namespace agora::services {
namespace {

// Documents per commit when building: Xapian merges postings at each commit, so larger batches
// build faster.
constexpr int kBuildBatch = 5000;

search::Language FirstLanguage(const std::vector<std::string>& languages) {
  return languages.empty() ? search::Language::kEnglish : search::LanguageOfTag(languages.front());
}

search::PersonDocument PersonDocumentOf(const profiles::User& user) {
  search::PersonDocument doc;
  doc.id = user.id;
  doc.username = user.username;
  doc.display_name = user.display_name;
  doc.title = user.title;
  doc.department = user.department;
  doc.location = user.location;
  doc.bio = user.bio;
  doc.skills = user.skills;
  for (const auto& verified : user.verified_skills) {
    if (!verified.community_id) doc.verified_skills.push_back(verified.skill);
  }
  doc.language = FirstLanguage(user.languages);
  doc.active = user.active;
  return doc;
}

// The documents of the live posts among `ids`; the others are returned in `gone`. A post's
// language comes from its text, or else from its author's first language.
Status PostDocuments(posts::PostRepository& posts, profiles::UserRepository& users,
                     const std::vector<Id>& ids, std::vector<search::PostDocument>& out,
                     std::vector<Id>& gone) {
  auto found = posts.FindManyCommitted(ids);
  if (!found.ok()) return found.status();
  std::unordered_set<Id> live;
  std::vector<Id> author_ids;
  for (const posts::Post& p : *found) {
    live.insert(p.id);
    author_ids.push_back(p.author_id);
  }
  for (Id id : ids) {
    if (!live.count(id)) gone.push_back(id);
  }
  std::sort(author_ids.begin(), author_ids.end());
  author_ids.erase(std::unique(author_ids.begin(), author_ids.end()), author_ids.end());
  auto authors = users.FindMany(author_ids);
  if (!authors.ok()) return authors.status();
  std::unordered_map<Id, search::Language> author_language;
  for (const profiles::User& u : *authors) author_language[u.id] = FirstLanguage(u.languages);

  for (const posts::Post& p : *found) {
    search::PostDocument doc;
    doc.id = p.id;
    doc.author_id = p.author_id;
    doc.community_id = p.community_id;
    doc.kind = posts::KindName(p.kind);
    doc.text = p.text;
    doc.hashtags = p.hashtags;
    doc.created_at = p.created_at;
    doc.reactions = p.reactions_count;
    doc.accepted_answer = p.accepted;
    if (p.deal) {
      const posts::Deal& d = *p.deal;
      doc.deal =
          search::DealFields{d.customer, d.sector,   d.product,   d.region,
                             d.amount,   d.currency, d.closed_on, posts::OutcomeName(d.outcome)};
    }
    auto language = author_language.find(p.author_id);
    doc.language = search::DetectLanguage(
        p.text, language != author_language.end() ? language->second : search::Language::kEnglish);
    out.push_back(std::move(doc));
  }
  return Status::Ok();
}

Status PersonDocuments(profiles::UserRepository& users, const std::vector<Id>& ids,
                       std::vector<search::PersonDocument>& out) {
  auto found = users.FindMany(ids);
  if (!found.ok()) return found.status();
  for (const profiles::User& u : *found) out.push_back(PersonDocumentOf(u));
  return Status::Ok();
}

}  // namespace

SearchIndexer::SearchIndexer(storage::Store& store, posts::PostRepository& posts,
                             profiles::UserRepository& users, search::SearchIndex& index,
                             SearchIndexerOptions options)
    : store_(store),
      posts_(posts),
      users_(users),
      index_(index),
      options_(options),
      thread_("agora-indexer") {}

SearchIndexer::~SearchIndexer() { Stop(); }

void SearchIndexer::Start() {
  thread_.Start([this] { Run(); });
}

void SearchIndexer::Stop() { thread_.Stop(); }

int64_t SearchIndexer::lag() const {
  int64_t applied = index_.applied_seq().value_or(0);
  return std::max<int64_t>(0, seen_seq_.load() - applied);
}

Status SearchIndexer::BuildAll(storage::Store& store, posts::PostRepository& posts,
                               profiles::UserRepository& users, search::SearchIndex& index,
                               const BuildProgress& progress) {
  // Starting empty: what a half-done earlier build indexed may have been deleted since.
  AGORA_RETURN_IF_ERROR(index.Clear());
  auto start_seq = store.read(storage::LastOutboxSeq);
  if (!start_seq.ok()) return start_seq.status();
  auto post_count = posts.CountLive();
  if (!post_count.ok()) return post_count.status();
  auto user_count = users.Count();
  if (!user_count.ok()) return user_count.status();
  int64_t total = *post_count + *user_count;
  int64_t done = 0;
  if (progress) progress(done, total);

  for (Id after = 0;;) {
    auto ids = users.IdsAfter(after, kBuildBatch);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) break;
    std::vector<search::PersonDocument> people;
    AGORA_RETURN_IF_ERROR(PersonDocuments(users, *ids, people));
    AGORA_RETURN_IF_ERROR(index.Apply({}, people, {}, *start_seq));
    after = ids->back();
    done += static_cast<int64_t>(ids->size());
    if (progress) progress(std::min(done, total), total);
  }
  for (Id after = 0;;) {
    auto ids = posts.LiveIdsAfter(after, kBuildBatch);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) break;
    std::vector<search::PostDocument> documents;
    std::vector<Id> gone;
    AGORA_RETURN_IF_ERROR(PostDocuments(posts, users, *ids, documents, gone));
    AGORA_RETURN_IF_ERROR(index.Apply(documents, {}, gone, *start_seq));
    after = ids->back();
    done += static_cast<int64_t>(ids->size());
    if (progress) progress(std::min(done, total), total);
  }
  return index.MarkBuilt(*start_seq);
}

Result<size_t> SearchIndexer::ApplyNext() {
  int64_t applied = index_.applied_seq().value_or(0);
  auto newest = store_.read(storage::LastOutboxSeq);
  if (!newest.ok()) return newest.status();
  seen_seq_ = *newest;
  auto pruned = store_.read(storage::OutboxPrunedThrough);
  if (!pruned.ok()) return pruned.status();
  if (applied < *pruned) {
    // Entries this index never applied are gone (it was restored from an older copy, or its
    // node was away longer than pruning waits): only a full build brings it back in step.
    spdlog::warn("event=search_index_behind_outbox applied_seq={} pruned_through={}", applied,
                 *pruned);
    AGORA_RETURN_IF_ERROR(index_.Clear());
    return 0;
  }
  auto entries = store_.read(
      [&](storage::Connection& c) { return storage::ReadOutbox(c, applied, options_.batch); });
  if (!entries.ok()) return entries.status();
  if (entries->empty()) return 0;
  std::vector<Id> post_ids;
  std::vector<Id> user_ids;
  for (const storage::OutboxEntry& e : *entries) {
    if (e.topic != storage::OutboxTopic::kPost && e.topic != storage::OutboxTopic::kUser) continue;
    auto& ids = e.topic == storage::OutboxTopic::kPost ? post_ids : user_ids;
    if (std::find(ids.begin(), ids.end(), e.entity_id) == ids.end()) ids.push_back(e.entity_id);
  }
  int64_t last = entries->back().seq;
  std::vector<search::PostDocument> posts;
  std::vector<Id> gone;
  std::vector<search::PersonDocument> people;
  AGORA_RETURN_IF_ERROR(PostDocuments(posts_, users_, post_ids, posts, gone));
  AGORA_RETURN_IF_ERROR(PersonDocuments(users_, user_ids, people));
  AGORA_RETURN_IF_ERROR(index_.Apply(posts, people, gone, last));
  return entries->size();
}

void SearchIndexer::BuildUntilDone() {
  while (!index_.applied_seq() && !thread_.stopping()) {
    spdlog::info("event=search_build_started");
    Status built = BuildAll(store_, posts_, users_, index_, nullptr);
    if (built.ok()) {
      spdlog::info("event=search_build_done documents={}", index_.documents());
      return;
    }
    ++failures_;
    spdlog::error("event=search_build_failed message={}", LogValue(built.message()));
    thread_.SleepUntil(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }
}

void SearchIndexer::Run() {
  using Clock = std::chrono::steady_clock;
  auto last_prune = Clock::now();
  while (!thread_.stopping()) {
    BuildUntilDone();  // a new index, or one ApplyNext found behind the outbox's horizon
    if (thread_.stopping()) break;
    auto more = ApplyNext();
    if (!more.ok()) {
      ++failures_;
      spdlog::error("event=search_index_failed message={}", LogValue(more.status().message()));
    }
    auto now = Clock::now();
    if (now - last_prune >= options_.prune_interval) {
      last_prune = now;
      int64_t applied = index_.applied_seq().value_or(0);
      Status pruned = store_.write(
          [applied](storage::Connection& c) { return storage::PruneOutbox(c, applied); });
      if (!pruned.ok())
        spdlog::warn("event=outbox_prune_failed message={}", LogValue(pruned.message()));
    }
    // A full batch: more is waiting, look again at once. Otherwise wait for the next poll even
    // after a partial batch, so that a steady stream of writes is indexed in commits of a poll
    // interval's worth rather than back to back: each Xapian commit merges postings and
    // fsyncs, and under a posting load commits one after the other took a quarter of the core
    // the writer needs (profile in docs/performance.md, "Durable posts over HTTP").
    if (more.ok() && *more >= static_cast<size_t>(options_.batch)) continue;
    thread_.SleepUntil(Clock::now() + options_.poll_interval);
  }
}

}  // namespace agora::services
