// WriteGuard: a check and a record that travel with a request's next use case, so that they
// commit or roll back together with that use case's own writes.
//
// The server installs a guard (an Idempotency-Key to record, an If-Match to check) on the
// thread that runs a request; the first Store::Transact made on that thread runs the guard in
// the use case's own savepoint, before and after the use case. A crash can then never
// separate the create from its key, and a stale If-Match is refused against the version the
// transaction itself reads, never against an earlier read.
//
// Thread-safety: a ScopedWriteGuard belongs to the thread that made it; Before and After run
// on the store's writer thread while that thread waits in Store::Transact.
#pragma once

#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

class WriteGuard {
 public:
  virtual ~WriteGuard() = default;
  // Runs in the use case's savepoint before the use case; a non-ok Status refuses it.
  virtual Status Before(Connection& connection) = 0;
  // Runs in the same savepoint once the use case succeeded; a non-ok Status rolls it back.
  virtual Status After(Connection& connection) = 0;

  // True once a use case carrying this guard committed.
  bool committed() const { return committed_; }

 private:
  friend class Store;
  bool committed_ = false;
};

// Installs `guard` for the calling thread's use cases while the scope lives; the guard rides
// on the first of them that commits. Scopes do not nest.
class ScopedWriteGuard {
 public:
  explicit ScopedWriteGuard(WriteGuard& guard);
  ~ScopedWriteGuard();
  ScopedWriteGuard(const ScopedWriteGuard&) = delete;
  ScopedWriteGuard& operator=(const ScopedWriteGuard&) = delete;
};

// The guard the calling thread's next use case carries, or null.
WriteGuard* PendingWriteGuard();

}  // namespace agora::storage
