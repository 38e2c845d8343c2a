#include "storage/store.h"

#include <filesystem>

#include "storage/maintenance.h"
#include "storage/write_guard.h"

namespace agora::storage {

Result<std::unique_ptr<Connection>> Store::OpenConnection(Connection::Mode mode) const {
  auto opened = Connection::Open(options_.path, mode);
  if (!opened.ok() || mode == Connection::Mode::kReadOnly) return opened;
  Connection& w = **opened;
  if (w.engine() == Engine::kSqlite) {
    AGORA_RETURN_IF_ERROR(w.exec("PRAGMA journal_mode=WAL"));
    AGORA_RETURN_IF_ERROR(w.exec("PRAGMA synchronous=" + options_.synchronous));
    AGORA_RETURN_IF_ERROR(w.exec("PRAGMA foreign_keys=ON"));
  } else {
    // The outbox's node_id column defaults to it (postgres_schema.cc, step 10).
    AGORA_RETURN_IF_ERROR(w.exec("SET agora.node_id = '" + std::to_string(options_.node_id) + "'"));
  }
  return opened;
}

void Store::ReopenIfLost(Slot& slot, Connection::Mode mode) const {
  if (!slot.connection->lost()) return;
  auto now = std::chrono::steady_clock::now();
  if (now < slot.next_reopen) return;
  slot.next_reopen = now + kReopenInterval;
  auto reopened = OpenConnection(mode);
  if (reopened.ok()) slot.connection = std::move(*reopened);
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store(options));
  auto writer = store->OpenConnection(Connection::Mode::kReadWrite);
  if (!writer.ok()) return writer.status();
  store->writer_slot_.connection = std::move(*writer);
  AGORA_RETURN_IF_ERROR(Migrate(*store->writer_slot_.connection));

  for (int i = 0; i < options.reader_connections; ++i) {
    auto reader = store->OpenConnection(Connection::Mode::kReadOnly);
    if (!reader.ok()) return reader.status();
    MutexLock lock(&store->readers_mu_);
    store->idle_readers_.push_back(Slot{std::move(*reader)});
  }
  store->writer_.Start([s = store.get()] { s->WriterLoop(); });
  return store;
}

Store::~Store() { Stop(); }

void Store::Stop() { writer_.Stop(); }

Status Store::Transact(UseCase fn) {
  auto pending = std::make_shared<PendingWrite>();
  WriteGuard* guard = PendingWriteGuard();
  if (guard) {
    pending->fn = [guard, fn = std::move(fn)](Transaction& tx) {
      AGORA_RETURN_IF_ERROR(guard->Before(tx.connection()));
      AGORA_RETURN_IF_ERROR(fn(tx));
      return guard->After(tx.connection());
    };
  } else {
    pending->fn = std::move(fn);
  }
  std::future<Status> done = pending->done.get_future();
  if (!writer_.Post(pending)) return Status::Unavailable("the store is shutting down");
  Status status = done.get();
  if (status.ok()) {
    if (guard) guard->committed_ = true;
    for (auto& effect : pending->after_commit) effect();
  }
  return status;
}

void Store::WriterLoop() {
  std::vector<std::shared_ptr<PendingWrite>> batch;
  // Ends when stopping, once everything queued was written.
  while (writer_.Take(batch, static_cast<size_t>(options_.max_batch))) {
    CommitBatch(batch);
    batch.clear();
  }
}

void Store::CommitBatch(std::vector<std::shared_ptr<PendingWrite>>& batch) {
  ReopenIfLost(writer_slot_, Connection::Mode::kReadWrite);
  Connection& c = *writer_slot_.connection;
  std::vector<Status> results;
  std::vector<std::vector<std::function<void()>>> in_order(batch.size());
  results.reserve(batch.size());
  Status begin = c.BeginWrite();
  if (begin.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      PendingWrite& pending = *batch[i];
      Status savepoint = c.exec("SAVEPOINT write");
      Transaction tx(c);
      Status status = savepoint.ok() ? pending.fn(tx) : savepoint;
      if (status.ok()) {
        in_order[i] = std::move(tx.in_order_);
        pending.after_commit = std::move(tx.after_);
        status = c.exec("RELEASE write");
      } else if (savepoint.ok()) {
        c.exec("ROLLBACK TO write").ok();
        c.exec("RELEASE write").ok();
      }
      results.push_back(std::move(status));
    }
    Status commit = c.Commit();
    if (!commit.ok()) {
      c.exec("ROLLBACK").ok();
      for (auto& r : results) {
        if (r.ok()) r = commit;
      }
    }
  } else {
    results.assign(batch.size(), begin);
  }
  transactions_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!results[i].ok()) continue;
    for (auto& effect : in_order[i]) effect();
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    (results[i].ok() ? writes_ : failed_writes_).fetch_add(1, std::memory_order_relaxed);
    batch[i]->done.set_value(std::move(results[i]));
  }
}

Store::ReaderLease::ReaderLease(Store& store) : store_(store) {
  {
    MutexLock lock(&store_.readers_mu_);
    while (store_.idle_readers_.empty()) store_.readers_free_.Wait(store_.readers_mu_);
    slot_ = std::move(store_.idle_readers_.back());
    store_.idle_readers_.pop_back();
  }
  store_.reads_.fetch_add(1, std::memory_order_relaxed);
  store_.ReopenIfLost(slot_, Connection::Mode::kReadOnly);  // outside the lock: it connects
}

Store::ReaderLease::~ReaderLease() {
  {
    MutexLock lock(&store_.readers_mu_);
    store_.idle_readers_.push_back(std::move(slot_));
  }
  store_.readers_free_.Signal();
}

// The copy is made mode 0600 (it holds every password and token hash) and integrity checked.
Status Store::BackupTo(const std::string& destination) {
  if (IsPostgresLocation(options_.path)) {
    return Status::InvalidArgument("bad_store", "back up a PostgreSQL store with pg_dump");
  }
  std::error_code ec;
  if (std::filesystem::equivalent(destination, options_.path, ec)) {
    return Status::InvalidArgument("bad_destination", "the backup would overwrite the store");
  }
  auto target = OpenPrivateDatabase(destination);
  if (!target.ok()) return target.status();
  AGORA_RETURN_IF_ERROR(read([&](Connection& source) { return CopyPages(source, **target); }));
  return CheckIntegrity(**target);
}

StoreStats Store::stats() const {
  return {transactions_.load(), writes_.load(), failed_writes_.load(), reads_.load()};
}

}  // namespace agora::storage
