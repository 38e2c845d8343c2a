// Store: the durable database (a SQLite file, or PostgreSQL), one writer thread and a pool of
// reader connections.
//
// Thread-safety: every public method may be called from any thread, and every one of them
// blocks (disk I/O), so call them from worker threads, never from the threads that drive
// sockets. Writes are queued to one writer thread that groups whatever is waiting into one
// transaction (group commit); each write returns only after its transaction committed, so an
// acknowledged write survives a crash. A failing write rolls back alone (a savepoint per
// write) and does not disturb the others of its group.
//
// Lost connections (PostgreSQL restarted, or a standby promoted in its place): the writer's or a
// reader's connection whose server went away fails the request that met it with kUnavailable,
// never retried (a COMMIT cut off has an unknown outcome), and is opened anew, with the same
// URL and settings, at its next use. At most one attempt per connection per kReopenInterval:
// in between, a use of the lost connection fails at once with kUnavailable.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/mutex.h"
#include "core/status.h"
#include "core/worker_thread.h"
#include "storage/connection.h"
#include "storage/transaction.h"

namespace agora::storage {

struct StoreOptions {
  // The SQLite file, created with its folder's permissions, or a PostgreSQL URL
  // (postgresql://...; see IsPostgresLocation) whose database the store migrates.
  std::string path;
  int reader_connections = 8;  // concurrent readers
  int max_batch = 256;         // writes grouped into one transaction at most
  // SQLite only (PostgreSQL keeps its server's settings). "FULL" fsyncs the WAL on every commit: an
  // acknowledged write survives power loss, not only a process crash. Group commit amortises the
  // fsync over every write of a batch.
  std::string synchronous = "FULL";
  // PostgreSQL only: the node whose writer this is, recorded in the outbox entries it writes.
  int node_id = 0;
};

struct StoreStats {
  uint64_t transactions = 0;  // committed groups
  uint64_t writes = 0;        // writes acknowledged
  uint64_t failed_writes = 0;
  uint64_t reads = 0;  // read() calls
};

class Store {
 public:
  using UseCase = std::function<Status(Transaction&)>;

  // Opens or creates the database, applies pending migrations and starts the writer thread.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();  // Stop()s

  // Runs `fn` on the writer thread inside the next group transaction (in a savepoint of its
  // own) and blocks until that transaction committed; then runs the effects `fn` registered
  // with Transaction::AfterCommit. Returns fn's own error (its changes and effects dropped),
  // the commit's error, or kUnavailable after Stop().
  Status Transact(UseCase fn);

  // Like Transact(), for a use case that produces a value.
  template <typename T>
  Result<T> Transact(std::function<Result<T>(Transaction&)> fn) {
    std::optional<Result<T>> out;
    Status status = Transact([&](Transaction& tx) {
      out.emplace(fn(tx));
      return out->status();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }

  // A single write with no rule to re-check: Transact() over the bare connection.
  Status write(std::function<Status(Connection&)> fn) {
    return Transact([&](Transaction& tx) { return fn(tx.connection()); });
  }
  template <typename T>
  Result<T> write_value(std::function<Result<T>(Connection&)> fn) {
    return Transact<T>([&](Transaction& tx) { return fn(tx.connection()); });
  }

  // Runs `fn` on a reader connection (a snapshot per statement; wrap in a transaction for more).
  // Blocks while every reader is in use.
  template <typename F>
  auto read(F&& fn) {
    ReaderLease lease(*this);
    return fn(lease.connection());
  }

  // Consistent online copy of the database into `destination` (SQLite backup API); refused
  // (kInvalidArgument) on PostgreSQL, which pg_dump backs up.
  Status BackupTo(const std::string& destination);

  // Finishes every queued write, then stops the writer. Idempotent.
  void Stop();

  StoreStats stats() const;

 private:
  struct PendingWrite {
    UseCase fn;
    std::promise<Status> done;
    std::vector<std::function<void()>> after_commit;  // set on the writer before `done`
  };

  // A connection, and the earliest time it may be reopened once lost.
  struct Slot {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point next_reopen{};
  };

  class ReaderLease {
   public:
    explicit ReaderLease(Store& store);
    ~ReaderLease();
    Connection& connection() { return *slot_.connection; }

   private:
    Store& store_;
    Slot slot_;
  };

  static constexpr std::chrono::milliseconds kReopenInterval{200};

  explicit Store(StoreOptions options) : options_(std::move(options)), writer_("agora-writer") {}
  // A new connection with its session settings: the writer's engine settings (SQLite's pragmas,
  // PostgreSQL's agora.node_id), a reader's read-only mode.
  Result<std::unique_ptr<Connection>> OpenConnection(Connection::Mode mode) const;
  // Replaces `slot`'s connection with a new one when it was lost and kReopenInterval passed
  // since the last attempt; when the attempt fails the lost one stays, failing fast.
  void ReopenIfLost(Slot& slot, Connection::Mode mode) const;
  void WriterLoop();
  void CommitBatch(std::vector<std::shared_ptr<PendingWrite>>& batch);

  // Constant after Open.
  StoreOptions options_;
  Slot writer_slot_;  // used by the writer thread only

  // Thread-safe: the writer thread and the writes queued for it.
  WorkerThread<std::shared_ptr<PendingWrite>> writer_;

  // Guarded by readers_mu_; readers_free_ is signalled when a reader comes back.
  Mutex readers_mu_;
  CondVar readers_free_;
  std::vector<Slot> idle_readers_ GUARDED_BY(readers_mu_);

  // Atomic.
  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> failed_writes_{0};
  std::atomic<uint64_t> reads_{0};
};

// Applies the migrations that `connection` has not seen yet: storage/schema.cc's on SQLite,
// storage/postgres_schema.cc's on PostgreSQL.
Status Migrate(Connection& connection);
// The schema version the code expects.
int SchemaVersion();
// The largest id in any table whose ids come from an IdGenerator (0 when empty).
Result<int64_t> LargestStoredId(Connection& connection);

}  // namespace agora::storage
