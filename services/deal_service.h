// DealService: recording, reading, changing and importing deals, and asking for the story of a
// win (the benchmarking loop).
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Access follows
// services/deal_access.h: a deal the viewer may not see is kNotFound. Every change is one
// transaction that re-checks its rule, writes the deal, its team, its audit row and the
// owner's story_requested notification (when it became won) and its outbox entry together,
// and tells DealEventsRelay after the commit, in commit order; other nodes tell theirs
// (ApplyRemote). A change that changes no fact writes nothing and tells
// nobody, so re-importing a file is a no-op.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user.h"
#include "sales/deal.h"
#include "sales/deal_repository.h"
#include "services/deal_events_relay.h"
#include "services/notification_service.h"
#include "services/quotas.h"
#include "storage/store.h"

namespace agora::services {

struct TeamMemberInput {
  profiles::UserRef user;
  std::string share;  // decimal text in (0, 1]
};

// The fields of a deal as a request or an import row gives them, each optional: absent fields
// keep the stored value on an update, and take their default on a creation.
struct DealInput {
  std::optional<std::string> external_id;
  std::optional<profiles::UserRef> owner;
  std::optional<std::string> customer;
  std::optional<std::string> sector;
  std::optional<std::string> product;
  std::optional<std::string> region;
  std::optional<std::string> amount;  // decimal text, read in `currency`
  std::optional<std::string> currency;
  std::optional<std::string> outcome;
  // Present: set (an inner nullopt clears it, for a deal that is open again).
  std::optional<std::optional<std::string>> closed_on;
  std::optional<bool> new_customer;
  std::optional<std::vector<TeamMemberInput>> team;
};

struct DealView {
  sales::Deal deal;  // with story_post_ids
  bool created = false;
};

// One row of an import file: its line number and its fields, or why they could not be read.
struct ImportRow {
  int64_t line = 0;
  Status parse_error;
  DealInput input;
};

struct ImportError {
  int64_t line = 0;
  std::string code;
  std::string message;
};

struct ImportReport {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  std::vector<ImportError> errors;
};

struct ImportOptions {
  bool dry_run = false;  // validate and count, write nothing
  // Called after each batch with the rows done and the total.
  std::function<void(int64_t, int64_t)> progress;
};

// The accounts a deal's fields name, looked up once per transaction: an import batch names the
// same people again and again. Valid for the transaction (or read) of its connection only.
class AccountLookup {
 public:
  struct Account {
    Id id = 0;
    bool active = false;
  };
  explicit AccountLookup(storage::Connection& connection) : connection_(connection) {}
  storage::Connection& connection() { return connection_; }
  // nullopt when no account (active or not) is named so.
  Result<std::optional<Account>> Find(const profiles::UserRef& ref);

 private:
  storage::Connection& connection_;
  std::unordered_map<std::string, std::optional<Account>> found_;  // "#id" or username
};

class DealService {
 public:
  // Rows per import transaction: large enough to amortise the commit, small enough that other
  // writers wait little.
  static constexpr size_t kImportBatch = 500;

  // Every reference must outlive the service.
  DealService(storage::Store& store, IdGenerator& ids, const Clock& clock,
              NotificationService& notifications, DealEventsRelay& events, Quotas& quotas);

  // A new deal, or, when `external_id` names a stored one, an update of it (created = false).
  // The caller records deals for themselves, for someone under them, or for anyone as
  // sales_ops or admin (kPermissionDenied otherwise); an external_id held by a deal the caller
  // may not change is kConflict "external_id_taken". kUnprocessable "invalid_owner" for an
  // unknown owner, "invalid_team" for a member who is not an active account, and the codes of
  // sales::ValidateDeal.
  Result<DealView> Create(const Viewer& viewer, const DealInput& input);
  Result<DealView> Get(const Viewer& viewer, Id id);
  // Deals the viewer may see, newest first.
  Result<Page<sales::Deal>> List(const Viewer& viewer, sales::DealFilter filter,
                                 const PageRequest& page);
  // The owner, their managers, sales_ops and admins; the whole deal is validated again.
  Result<DealView> Patch(const Viewer& viewer, Id id, const DealInput& input);
  // Inside a leaver's deactivation: each open deal `leaver` owns passes to `receiver` (with the
  // leaver's team share), with an "update" audit row by `actor`, a notification to the
  // receiver, and its event after the commit. Returns the deals' ids.
  Result<std::vector<Id>> HandOverOpenDeals(storage::Transaction& tx, Id leaver, Id receiver,
                                            Id actor);
  // sales_ops and admins only. Each row is checked on its own; good rows are kept, in
  // transactions of kImportBatch rows.
  Result<ImportReport> Import(const Viewer& viewer, const std::vector<ImportRow>& rows,
                              const ImportOptions& options);

  // Another node changed the deal (its outbox entry): this node's engines are told its state
  // as stored now. On the outbox tailer's thread.
  Status ApplyRemote(Id deal_id);

 private:
  enum class RowResult { kCreated, kUpdated, kUnchanged };
  // Inside a transaction (or on a reader for a dry run, `tx` null): the rule checked and the
  // upsert of one deal written, with its audit row, notification and event.
  Result<std::pair<RowResult, sales::Deal>> Upsert(AccountLookup& accounts,
                                                   storage::Transaction* tx, const Viewer& viewer,
                                                   const DealInput& input,
                                                   sales::DealSource source);
  // Writes `after` (new when `before` is absent: it gets its id and times here) with its
  // audit row, notification and outbox entry, registers its event, and returns it as stored.
  Result<sales::Deal> Write(storage::Transaction& tx, const Viewer& viewer,
                            const std::optional<sales::Deal>& before, sales::Deal after,
                            sales::DealSource source);
  Result<DealView> WithStories(sales::Deal deal, bool created);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  NotificationService& notifications_;
  DealEventsRelay& events_;
  Quotas& quotas_;
};

}  // namespace agora::services
