// Transaction: one use case's unit of work on the store's writer.
//
// A service runs one function inside one transaction (Store::Transact): it re-reads what its
// rule depends on through connection(), writes the change, its audit record, notifications and
// outbox events, and registers the effects that must wait for the commit. If the function
// fails, or the commit does, every write and every registered effect is dropped together.
//
// Thread-safety: a Transaction lives on the writer thread for the duration of one call and is
// never shared; effects registered with AfterCommitInOrder run there too.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "storage/connection.h"

namespace agora::storage {

class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // The writer's connection, inside this use case's transaction.
  Connection& connection() { return connection_; }

  // Runs `effect` on the writer thread once the transaction committed, before the write is
  // acknowledged, in commit order across all use cases (live fan-out relies on that). Keep
  // it short: other writers wait while it runs.
  void AfterCommitInOrder(std::function<void()> effect) { in_order_.push_back(std::move(effect)); }

  // Runs `effect` on the calling thread after the commit was acknowledged: for slower effects
  // that need no order (e.g. loading a timeline for a new member).
  void AfterCommit(std::function<void()> effect) { after_.push_back(std::move(effect)); }

 private:
  friend class Store;
  Connection& connection_;
  std::vector<std::function<void()>> in_order_;
  std::vector<std::function<void()>> after_;
};

}  // namespace agora::storage
