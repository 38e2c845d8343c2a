// PeopleImportService: people from an HR export (CSV), for `agora import people` and
// POST /api/v1/admin/people/import alike.
//
// The file's columns (a header row names them, in any order; docs/operations.md "HR import"):
//   external_id, employee_number   the key: at least one column; a row needs at least one value
//   username                       required to create an account; never changed afterwards
//   email, display_name            required to create; an empty cell is refused
//   title, department, location    an empty cell clears the field
//   manager                        the manager's employee_number, external_id or email, in this
//                                  file or already stored; an empty cell clears the manager
//   skills                         separated by ';'
// A column absent from the header leaves that field as it is. A row is matched to an account by
// external_id, then employee_number, then email (an account found by email is given the row's
// keys). Created accounts have no usable password: people sign in with single sign-on or after
// an admin's password reset.
//
// Thread-safe; blocks (SQLite): call from worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/account_service.h"
#include "services/community_service.h"
#include "storage/store.h"

namespace agora::services {

// One data row of the file: its fields, or why they could not be read.
struct PersonRow {
  int64_t line = 0;
  Status parse_error;
  // The keys as read, even when another field of the row is bad, so that --deactivate-missing
  // never takes a bad row's person for a missing one.
  std::string external_id;
  std::string employee_number;
  bool key_readable = false;
  std::optional<std::string> username;
  profiles::ProfileChanges profile;    // the columns present; manager_id never set
  std::optional<std::string> manager;  // the manager's key; "" for none
};

struct PeopleFile {
  std::vector<PersonRow> rows;
  // Set when the file could not be read to its end (a quote never closed): the rows before are
  // kept, and nothing is deactivated.
  std::optional<PersonRow> cut_short;
};

// Reads the CSV text. kInvalidArgument "invalid_csv" for a file without a header, an unknown or
// repeated column, or no key column.
Result<PeopleFile> ParsePeopleCsv(std::string_view text);

struct PeopleImportOptions {
  bool dry_run = false;             // plan and report, write nothing
  bool deactivate_missing = false;  // deactivate active accounts with a key absent from the file
  // Called after each batch with the steps done and the total.
  std::function<void(int64_t, int64_t)> progress;
};

struct PersonChange {
  int64_t line = 0;    // 0 for a deactivation (the person is not in the file)
  std::string action;  // "created", "updated", "deactivated"
  Id user_id = 0;      // 0 in a dry run for an account not created yet
  std::string username;
  std::vector<std::string> fields;  // the fields set or changed
};

struct PersonRowError {
  int64_t line = 0;  // 0 for what concerns no row (a refused deactivation)
  std::string code;
  std::string message;
};

struct PeopleImportReport {
  bool dry_run = false;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t deactivated = 0;
  std::vector<PersonChange> changes;
  std::vector<PersonRowError> errors;
};

class PeopleImportService {
 public:
  // Rows per transaction: each row runs in a savepoint of its own, so a bad row is rolled back
  // alone and the good rows of its batch are kept.
  static constexpr size_t kBatch = 500;

  // Every reference must outlive the service.
  PeopleImportService(storage::Store& store, IdGenerator& ids, const Clock& clock,
                      profiles::UserRepository& users, AccountService& accounts,
                      CommunityService& communities);

  // Admins only (kPermissionDenied otherwise). Creates and updates in a first pass, then sets
  // managers, managers before their reports (a row whose manager chain loops back to it is
  // refused with "manager_cycle"), then deactivates the missing when asked. Each write is audited
  // in account_audit in its transaction.
  Result<PeopleImportReport> Import(const Viewer& viewer, const PeopleFile& file,
                                    const PeopleImportOptions& options);

 private:
  struct RowState;

  // The one place each kind of write happens, inside the batch's transaction (the lead's merge
  // adds membership rules and the leaver handover here).
  Result<profiles::User> CreatePerson(storage::Transaction& tx, const Viewer& viewer,
                                      const profiles::NewUser& person);
  Result<profiles::User> UpdatePerson(storage::Transaction& tx, const Viewer& viewer, Id id,
                                      const profiles::ProfileChanges& changes,
                                      const std::vector<std::string>& fields);
  Status DeactivatePerson(storage::Transaction& tx, const Viewer& viewer, Id id);

  Status WriteAudit(storage::Connection& c, const Viewer& viewer, Id user_id,
                    std::string_view action, const std::vector<std::string>& fields);
  // Runs `fn` on each of [0, count) in batches: in transactions, or on a reader for a dry run.
  Status InBatches(
      size_t count, bool dry_run,
      const std::function<Status(storage::Connection&, storage::Transaction*, size_t)>& fn,
      const std::function<void(size_t)>& after_batch);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  profiles::UserRepository& users_;
  AccountService& accounts_;
  CommunityService& communities_;  // membership rules follow every profile write
};

}  // namespace agora::services
