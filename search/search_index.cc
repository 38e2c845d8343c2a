#include "search/search_index.h"

#include <xapian.h>

#include <sstream>
#include <utility>

#include "search/documents.h"
#include "search/expert_model.h"
#include "search/queries.h"
#include "search/schema.h"

namespace agora::search {
namespace {

using schema::kAppliedSeqKey;
using schema::PersonKey;
using schema::PostKey;

Status XapianError(const Xapian::Error& e, const char* what) {
  return Status::Internal(std::string(what) + ": " + e.get_description());
}

std::string Serialise(double sum, double count) {
  return std::to_string(sum) + " " + std::to_string(count);
}

}  // namespace

// A reader borrowed from the pool, reopened when the writer committed since it last looked.
class SearchIndex::ReaderLease {
 public:
  explicit ReaderLease(SearchIndex& index) : index_(index) {
    {
      MutexLock lock(&index_.readers_mu_);
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
    MutexLock lock(&index_.readers_mu_);
    if (index_.idle_readers_.size() < index_.limits_.readers) {
      index_.idle_readers_.push_back(std::move(db_));
    }
  }
  Xapian::Database& db() { return *db_; }

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

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& path, SearchLimits limits,
                                                       bool overwrite) {
  std::unique_ptr<SearchIndex> index(new SearchIndex(path, limits));
  try {
    index->writer_ = std::make_unique<Xapian::WritableDatabase>(
        path, overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN);
    if (index->writer_->get_metadata(schema::kSchemaVersionKey) != schema::kSchemaVersion) {
      // Written by another version (or new): its documents would be read wrongly, some hidden
      // posts as company-wide among them. Emptied now, before any reader sees it.
      index->writer_.reset();
      index->writer_ =
          std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OVERWRITE);
      index->writer_->set_metadata(schema::kSchemaVersionKey, schema::kSchemaVersion);
      index->writer_->commit();
    }
    std::string seq = index->writer_->get_metadata(kAppliedSeqKey);
    if (!seq.empty()) index->applied_seq_ = std::stoll(seq);
    for (auto [key, totals] : {std::pair{schema::kPostLengthKey, &index->post_lengths_},
                               std::pair{schema::kPersonLengthKey, &index->person_lengths_}}) {
      std::istringstream(index->writer_->get_metadata(key)) >> totals->sum >> totals->count;
    }
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

void SearchIndex::Normalise(std::vector<Xapian::Document>& docs, LengthTotals& totals) {
  std::vector<Xapian::termcount> lengths;
  for (const Xapian::Document& doc : docs) {
    lengths.push_back(schema::TextLength(doc));
    totals.sum += lengths.back();
    totals.count += 1;
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    schema::LengthNormalise(docs[i], lengths[i], totals.average());
  }
}

Status SearchIndex::Apply(const std::vector<PostDocument>& posts,
                          const std::vector<PersonDocument>& people,
                          const std::vector<Id>& removed_posts, int64_t applied_seq) {
  const LengthTotals post_lengths = post_lengths_;
  const LengthTotals person_lengths = person_lengths_;
  try {
    std::vector<Xapian::Document> post_docs;
    for (const PostDocument& post : posts) post_docs.push_back(PostToDocument(post));
    Normalise(post_docs, post_lengths_);
    std::vector<Xapian::Document> person_docs;
    for (const PersonDocument& person : people) {
      if (person.active) person_docs.push_back(PersonToDocument(person));
    }
    Normalise(person_docs, person_lengths_);
    writer_->begin_transaction();  // flushed: commit_transaction() commits
    try {
      for (size_t i = 0; i < posts.size(); ++i) {
        writer_->replace_document(PostKey(posts[i].id), post_docs[i]);
      }
      for (Id id : removed_posts) writer_->delete_document(PostKey(id));
      for (size_t i = 0, active = 0; i < people.size(); ++i) {
        if (people[i].active) {
          writer_->replace_document(PersonKey(people[i].id), person_docs[active++]);
        } else {
          writer_->delete_document(PersonKey(people[i].id));
        }
      }
      writer_->set_metadata(schema::kPostLengthKey,
                            Serialise(post_lengths_.sum, post_lengths_.count));
      writer_->set_metadata(schema::kPersonLengthKey,
                            Serialise(person_lengths_.sum, person_lengths_.count));
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
    post_lengths_ = post_lengths;  // the batch's lengths were not kept
    person_lengths_ = person_lengths;
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
    writer_->delete_document(schema::kPostType);  // every document carrying the term
    writer_->delete_document(schema::kPersonType);
    writer_->set_metadata(kAppliedSeqKey, "");
    writer_->set_metadata(schema::kPostLengthKey, "");
    writer_->set_metadata(schema::kPersonLengthKey, "");
    writer_->commit_transaction();
    documents_ = writer_->get_doccount();
  } catch (const Xapian::Error& e) {
    return XapianError(e, "clearing the search index");
  }
  post_lengths_ = {};
  person_lengths_ = {};
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

template <typename T>
Result<T> SearchIndex::Read(const char* what,
                            const std::function<Result<T>(Xapian::Database&)>& fn) {
  // Commits may overwrite the blocks of the revision a reader holds while it opens or reads.
  // Xapian says so with DatabaseModifiedError, or, when the block was a root (glass does not
  // check roots for that), with DatabaseCorruptError: either way the read starts again on the
  // newest revision (a lease reopens its reader). Real corruption fails every attempt.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    try {
      ReaderLease reader(*this);
      return fn(reader.db());
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt == kAttempts) return XapianError(e, what);
    } catch (const Xapian::DatabaseCorruptError& e) {
      if (attempt == kAttempts) return XapianError(e, what);
    } catch (const Xapian::Error& e) {
      return XapianError(e, what);
    }
  }
}

Result<PostResults> SearchIndex::SearchPosts(const PostQuery& query, const Audience& audience) {
  return Read<PostResults>("searching posts", [&](Xapian::Database& db) {
    return QueryPosts(db, query, audience, limits_);
  });
}

Result<PeopleResults> SearchIndex::SearchPeople(const PeopleQuery& query) {
  return Read<PeopleResults>("searching people",
                             [&](Xapian::Database& db) { return QueryPeople(db, query, limits_); });
}

Result<std::vector<ExpertHit>> SearchIndex::FindExperts(const std::string& q, size_t limit,
                                                        const Audience& audience) {
  return Read<std::vector<ExpertHit>>("finding experts", [&](Xapian::Database& db) {
    return RankExperts(db, q, limit, audience, limits_);
  });
}

Result<DealResults> SearchIndex::SearchDeals(const DealQuery& query, const Audience& audience) {
  return Read<DealResults>("searching deals", [&](Xapian::Database& db) {
    return QueryDeals(db, query, audience, limits_);
  });
}

std::string SearchIndex::Highlight(std::string_view text, const MatchedTerms& matched,
                                   size_t max_chars) {
  return HighlightMatches(text, matched, max_chars);
}

}  // namespace agora::search
