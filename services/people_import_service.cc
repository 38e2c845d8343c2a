#include "services/people_import_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/csv.h"
#include "profiles/account_records.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

using storage::Connection;

// Stored as the password hash of imported accounts: no Argon2id string, so no password ever
// verifies against it.
constexpr const char* kNoPassword = "!";

enum class Column {
  kExternalId,
  kEmployeeNumber,
  kUsername,
  kEmail,
  kDisplayName,
  kTitle,
  kDepartment,
  kLocation,
  kManager,
  kSkills
};

constexpr std::pair<std::string_view, Column> kColumns[] = {
    {"external_id", Column::kExternalId},   {"employee_number", Column::kEmployeeNumber},
    {"username", Column::kUsername},        {"email", Column::kEmail},
    {"display_name", Column::kDisplayName}, {"title", Column::kTitle},
    {"department", Column::kDepartment},    {"location", Column::kLocation},
    {"manager", Column::kManager},          {"skills", Column::kSkills}};

std::string Trimmed(std::string_view text) {
  auto blank = [](unsigned char ch) { return ch == ' ' || ch == '\t'; };
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  return std::string(text);
}

std::string Lower(std::string_view text) { return profiles::NormalizeUsername(text); }

std::vector<std::string> SplitSkills(std::string_view cell) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find(';', start);
    if (end == std::string_view::npos) end = cell.size();
    std::string skill = Trimmed(cell.substr(start, end - start));
    if (!skill.empty()) out.push_back(std::move(skill));
    start = end + 1;
  }
  return out;
}

Status ReadRow(const std::vector<Column>& columns, const CsvRecord& record, PersonRow& row) {
  if (record.fields.size() != columns.size()) {
    return Status::InvalidArgument("wrong_field_count",
                                   "the row has " + std::to_string(record.fields.size()) +
                                       " fields, the header " + std::to_string(columns.size()));
  }
  profiles::ProfileChanges& p = row.profile;
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string value = Trimmed(record.fields[i]);
    switch (columns[i]) {
      case Column::kExternalId:
        row.external_id = value;
        break;
      case Column::kEmployeeNumber:
        row.employee_number = value;
        break;
      case Column::kUsername:
        row.username = profiles::NormalizeUsername(value);
        break;
      case Column::kEmail:
        p.email = value;
        break;
      case Column::kDisplayName:
        p.display_name = value;
        break;
      case Column::kTitle:
        p.title = value;
        break;
      case Column::kDepartment:
        p.department = value;
        break;
      case Column::kLocation:
        p.location = value;
        break;
      case Column::kManager:
        row.manager = value;
        break;
      case Column::kSkills:
        p.skills = SplitSkills(value);
        break;
    }
  }
  row.key_readable = true;
  if (row.external_id.empty() && row.employee_number.empty()) {
    row.key_readable = false;
    return Status::Unprocessable("missing_key",
                                 "the row has neither external_id nor "
                                 "employee_number");
  }
  if (p.email && p.email->empty()) {
    return Status::Unprocessable("missing_field", "email must not be empty");
  }
  if (p.display_name && p.display_name->empty()) {
    return Status::Unprocessable("missing_field", "display_name must not be empty");
  }
  if (!row.external_id.empty()) p.external_id = row.external_id;
  if (!row.employee_number.empty()) p.employee_number = row.employee_number;
  if (row.username && !row.username->empty()) {
    AGORA_RETURN_IF_ERROR(profiles::ValidateUsername(*row.username));
  }
  return profiles::ValidateProfile(p);
}

// The fields of `row` that differ from `user`, as changes and as names.
profiles::ProfileChanges Diff(const profiles::User& user, const PersonRow& row,
                              std::vector<std::string>& fields) {
  const profiles::ProfileChanges& p = row.profile;
  profiles::ProfileChanges out;
  auto text = [&](const char* name, const std::optional<std::string>& wanted,
                  const std::string& current, std::optional<std::string>& change) {
    if (wanted && *wanted != current) {
      change = *wanted;
      fields.emplace_back(name);
    }
  };
  text("display_name", p.display_name, user.display_name, out.display_name);
  text("email", p.email, user.email, out.email);
  text("title", p.title, user.title, out.title);
  text("department", p.department, user.department, out.department);
  text("location", p.location, user.location, out.location);
  text("external_id", p.external_id, user.external_id, out.external_id);
  text("employee_number", p.employee_number, user.employee_number, out.employee_number);
  if (p.skills && *p.skills != user.skills) {
    out.skills = p.skills;
    fields.emplace_back("skills");
  }
  return out;
}

std::vector<std::string> FieldsOfNew(const profiles::NewUser& person) {
  std::vector<std::string> fields = {"username"};
  const profiles::ProfileChanges& p = person.profile;
  for (auto [name, set] :
       {std::pair{"display_name", p.display_name.has_value()},
        std::pair{"email", p.email.has_value()}, std::pair{"title", p.title && !p.title->empty()},
        std::pair{"department", p.department && !p.department->empty()},
        std::pair{"location", p.location && !p.location->empty()},
        std::pair{"external_id", p.external_id.has_value()},
        std::pair{"employee_number", p.employee_number.has_value()},
        std::pair{"skills", p.skills && !p.skills->empty()}}) {
    if (set) fields.emplace_back(name);
  }
  return fields;
}

Result<std::optional<Id>> FindIdByEmployeeNumber(Connection& c, std::string_view number) {
  return storage::ReadOne(
      c,
      "SELECT id FROM users WHERE employee_number = ? AND employee_number != '' "
      "ORDER BY id LIMIT 1",
      [](storage::Statement& s) { return s.column_int64(0); }, std::string(number));
}

// The stored account a row names: by external_id, then employee_number, then email.
Result<std::optional<Id>> FindAccount(Connection& c, const PersonRow& row) {
  if (!row.external_id.empty()) {
    AGORA_ASSIGN_OR_RETURN(auto id, profiles::FindIdByExternalId(c, row.external_id));
    if (id) return id;
  }
  if (!row.employee_number.empty()) {
    AGORA_ASSIGN_OR_RETURN(auto id, FindIdByEmployeeNumber(c, row.employee_number));
    if (id) return id;
  }
  if (row.profile.email) return profiles::FindIdByEmail(c, *row.profile.email);
  return std::optional<Id>();
}

// The stored account a manager cell names, by any of its keys.
Result<std::optional<Id>> FindManagerAccount(Connection& c, const std::string& key) {
  AGORA_ASSIGN_OR_RETURN(auto id, FindIdByEmployeeNumber(c, key));
  if (id) return id;
  AGORA_ASSIGN_OR_RETURN(id, profiles::FindIdByExternalId(c, key));
  if (id) return id;
  return profiles::FindIdByEmail(c, key);
}

Result<std::optional<Id>> StoredManager(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto row,
                         storage::ReadOne(
                             c, "SELECT manager_id FROM users WHERE id = ?",
                             [](storage::Statement& s) { return s.column_optional_int64(0); }, id));
  if (!row) return std::optional<Id>();
  return *row;
}

// A dry run's uniqueness checks for an account it does not create: the errors the insert
// would meet.
Status CheckInsertable(Connection& c, const profiles::NewUser& person) {
  AGORA_ASSIGN_OR_RETURN(
      auto by_name,
      storage::ReadInt64(c, "SELECT count(*) FROM users WHERE username = ?", person.username));
  if (by_name.value_or(0) > 0) return Status::Conflict("username_taken", "username is taken");
  AGORA_ASSIGN_OR_RETURN(auto by_email, profiles::FindIdByEmail(c, *person.profile.email));
  if (by_email) return Status::Conflict("email_taken", "email is taken");
  return Status::Ok();
}

// A savepoint around one row of a batch, so its failure undoes that row alone.
class RowSavepoint {
 public:
  explicit RowSavepoint(Connection* c) : c_(c) {}
  Status Begin() { return c_ ? c_->exec("SAVEPOINT import_row") : Status::Ok(); }
  Status End(bool keep) {
    if (!c_) return Status::Ok();
    if (!keep) AGORA_RETURN_IF_ERROR(c_->exec("ROLLBACK TO import_row"));
    return c_->exec("RELEASE import_row");
  }

 private:
  Connection* c_;
};

// Whether a row's failure is the row's own (reported, the import goes on) or the store's.
bool IsRowError(const Status& s) {
  return s.code() != StatusCode::kInternal && s.code() != StatusCode::kUnavailable;
}

}  // namespace

Result<PeopleFile> ParsePeopleCsv(std::string_view text) {
  CsvReader reader(text);
  AGORA_ASSIGN_OR_RETURN(auto header, reader.Next());
  if (!header) return Status::InvalidArgument("invalid_csv", "the file has no header row");
  if (!header->error.ok()) return header->error;
  std::vector<Column> columns;
  for (const auto& raw : header->fields) {
    std::string name = Lower(Trimmed(raw));
    auto known = std::find_if(std::begin(kColumns), std::end(kColumns),
                              [&](const auto& column) { return column.first == name; });
    if (known == std::end(kColumns)) {
      return Status::InvalidArgument("invalid_csv", "unknown column '" + name + "'");
    }
    if (std::find(columns.begin(), columns.end(), known->second) != columns.end()) {
      return Status::InvalidArgument("invalid_csv", "column '" + name + "' appears twice");
    }
    columns.push_back(known->second);
  }
  auto has = [&](Column c) {
    return std::find(columns.begin(), columns.end(), c) != columns.end();
  };
  if (!has(Column::kExternalId) && !has(Column::kEmployeeNumber)) {
    return Status::InvalidArgument("invalid_csv",
                                   "the header names neither external_id nor employee_number");
  }
  PeopleFile file;
  for (;;) {
    auto record = reader.Next();
    if (!record.ok()) {
      PersonRow cut;
      cut.parse_error = record.status();
      cut.line = reader.record_line();
      file.cut_short = std::move(cut);
      break;
    }
    if (!*record) break;
    PersonRow row;
    row.line = (*record)->line;
    row.parse_error = (*record)->error;
    Status read = ReadRow(columns, **record, row);
    if (row.parse_error.ok()) row.parse_error = read;
    file.rows.push_back(std::move(row));
  }
  return file;
}

struct PeopleImportService::RowState {
  Id user_id = 0;  // negative in a dry run for an account not created yet
  bool created = false;
  bool failed = false;
  bool matched = false;  // an existing account was found for the row
  std::string username;
  std::vector<std::string> fields;
  std::optional<std::optional<Id>> manager;  // the manager the row asks for, once resolved
};

PeopleImportService::PeopleImportService(storage::Store& store, IdGenerator& ids,
                                         const Clock& clock, profiles::UserRepository& users,
                                         AccountService& accounts, CommunityService& communities)
    : store_(store),
      ids_(ids),
      clock_(clock),
      users_(users),
      accounts_(accounts),
      communities_(communities) {}

Status PeopleImportService::WriteAudit(Connection& c, const Viewer& viewer, Id user_id,
                                       std::string_view action,
                                       const std::vector<std::string>& fields) {
  std::string note;
  for (const auto& field : fields) note += (note.empty() ? "" : ",") + field;
  return profiles::AppendAccountAudit(c, ids_.next(), viewer.user_id, user_id, action, note,
                                      clock_.now_ms());
}

Result<profiles::User> PeopleImportService::CreatePerson(storage::Transaction& tx,
                                                         const Viewer& viewer,
                                                         const profiles::NewUser& person) {
  AGORA_ASSIGN_OR_RETURN(auto user, profiles::InsertUser(tx.connection(), ids_.next(), person,
                                                         kNoPassword, clock_.now_ms()));
  AGORA_RETURN_IF_ERROR(
      WriteAudit(tx.connection(), viewer, user.id, "import_create", FieldsOfNew(person)));
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, user.id));
  tx.AfterCommitInOrder([this, user] { users_.Committed(user, user.manager_id.has_value()); });
  return user;
}

Result<profiles::User> PeopleImportService::UpdatePerson(storage::Transaction& tx,
                                                         const Viewer& viewer, Id id,
                                                         const profiles::ProfileChanges& changes,
                                                         const std::vector<std::string>& fields) {
  AGORA_ASSIGN_OR_RETURN(auto user,
                         profiles::UpdateUser(tx.connection(), id, changes, clock_.now_ms()));
  AGORA_RETURN_IF_ERROR(WriteAudit(tx.connection(), viewer, id, "import_update", fields));
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, id));
  tx.AfterCommitInOrder([this, user, manager_changed = changes.manager_id.has_value()] {
    users_.Committed(user, manager_changed);
  });
  return user;
}

Status PeopleImportService::DeactivatePerson(storage::Transaction& tx, const Viewer& viewer,
                                             Id id) {
  // The leaver procedure: what they owned passes to their manager, else to the importer.
  AGORA_RETURN_IF_ERROR(
      accounts_.DeactivateInTransaction(tx, id, viewer.user_id, std::nullopt).status());
  return WriteAudit(tx.connection(), viewer, id, "import_deactivate", {});
}

Status PeopleImportService::InBatches(
    size_t count, bool dry_run,
    const std::function<Status(Connection&, storage::Transaction*, size_t)>& fn,
    const std::function<void(size_t)>& after_batch) {
  for (size_t start = 0; start < count; start += kBatch) {
    size_t end = std::min(count, start + kBatch);
    auto run = [&](Connection& c, storage::Transaction* tx) -> Status {
      for (size_t i = start; i < end; ++i) AGORA_RETURN_IF_ERROR(fn(c, tx, i));
      return Status::Ok();
    };
    Status status =
        dry_run
            ? store_.read([&](Connection& c) { return run(c, nullptr); })
            : store_.Transact([&](storage::Transaction& tx) { return run(tx.connection(), &tx); });
    if (!status.ok()) return status;
    after_batch(end);
  }
  return Status::Ok();
}

Result<PeopleImportReport> PeopleImportService::Import(const Viewer& viewer, const PeopleFile& file,
                                                       const PeopleImportOptions& options) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins import people");
  const std::vector<PersonRow>& rows = file.rows;
  PeopleImportReport report;
  report.dry_run = options.dry_run;
  std::vector<RowState> state(rows.size());
  std::map<int64_t, PersonRowError> errors;  // by line: one error per row, the first
  auto fail = [&](size_t i, const Status& s) {
    state[i].failed = true;
    std::string code = s.error_code().empty() ? "invalid_row" : s.error_code();
    errors.emplace(rows[i].line, PersonRowError{rows[i].line, code, s.message()});
  };

  // Keys of the file, each naming one row: a key twice makes the later rows bad.
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].parse_error.ok()) {
      fail(i, rows[i].parse_error);
      continue;
    }
    std::vector<std::string> keys;
    if (!rows[i].employee_number.empty()) keys.push_back("n:" + rows[i].employee_number);
    if (!rows[i].external_id.empty()) keys.push_back("x:" + rows[i].external_id);
    if (rows[i].profile.email) keys.push_back("m:" + Lower(*rows[i].profile.email));
    for (const auto& key : keys) {
      auto [at, inserted] = by_key.emplace(key, i);
      if (!inserted && !state[i].failed) {
        fail(i, Status::Unprocessable("duplicate_key", "the same key as line " +
                                                           std::to_string(rows[at->second].line)));
      }
    }
  }

  int64_t steps = static_cast<int64_t>(rows.size()) * 2;
  int64_t done = 0;
  auto progress = [&](size_t) {
    if (options.progress) options.progress(std::min(done, steps), steps);
  };

  // Pass 1: create and update every field but the manager.
  Status pass1 = InBatches(
      rows.size(), options.dry_run,
      [&](Connection& c, storage::Transaction* tx, size_t i) -> Status {
        ++done;
        if (state[i].failed) return Status::Ok();
        const PersonRow& row = rows[i];
        RowState& s = state[i];
        s.fields.clear();
        RowSavepoint savepoint(tx ? &c : nullptr);
        AGORA_RETURN_IF_ERROR(savepoint.Begin());
        Status outcome = [&]() -> Status {
          AGORA_ASSIGN_OR_RETURN(auto existing, FindAccount(c, row));
          if (existing) {
            s.user_id = *existing;
            s.matched = true;
            AGORA_ASSIGN_OR_RETURN(auto user, profiles::LoadUser(c, *existing));
            s.username = user.username;
            // Found by employee number or email: the identity provider's key is never replaced.
            if (!row.external_id.empty() && !user.external_id.empty() &&
                row.external_id != user.external_id) {
              return Status::Conflict("external_id_mismatch",
                                      "the account found has another external_id");
            }
            auto changes = Diff(user, row, s.fields);
            if (s.fields.empty() || !tx) return Status::Ok();
            return UpdatePerson(*tx, viewer, *existing, changes, s.fields).status();
          }
          if (!row.username || row.username->empty() || !row.profile.email ||
              !row.profile.display_name) {
            return Status::Unprocessable("missing_field",
                                         "a new person needs username, email and display_name");
          }
          profiles::NewUser person;
          person.username = *row.username;
          person.profile = row.profile;
          s.username = person.username;
          s.fields = FieldsOfNew(person);
          s.created = true;
          if (!tx) {
            s.user_id = -static_cast<Id>(i) - 1;
            return CheckInsertable(c, person);
          }
          AGORA_ASSIGN_OR_RETURN(auto user, CreatePerson(*tx, viewer, person));
          s.user_id = user.id;
          return Status::Ok();
        }();
        if (!outcome.ok() && !IsRowError(outcome)) return outcome;
        AGORA_RETURN_IF_ERROR(savepoint.End(outcome.ok()));
        if (!outcome.ok()) {
          s.created = false;
          fail(i, outcome);
        }
        return Status::Ok();
      },
      progress);
  if (!pass1.ok()) return pass1;

  // Pass 2: managers. Resolve each row's manager, refuse the rows on a loop of the org chart
  // the file asks for, then set them managers first so no step makes a loop of its own.
  std::unordered_map<Id, std::optional<Id>> intended;  // by account, for the file's rows
  std::vector<size_t> with_manager;
  Status resolved = store_.read([&](Connection& c) -> Status {
    for (size_t i = 0; i < rows.size(); ++i) {
      if (state[i].failed || !rows[i].manager) continue;
      const std::string& key = *rows[i].manager;
      std::optional<Id> manager;
      if (!key.empty()) {
        auto in_file = by_key.find("n:" + key);
        if (in_file == by_key.end()) in_file = by_key.find("x:" + key);
        if (in_file == by_key.end()) in_file = by_key.find("m:" + Lower(key));
        if (in_file != by_key.end()) {
          if (state[in_file->second].failed) {
            fail(i, Status::Unprocessable("invalid_manager",
                                          "the manager's row (line " +
                                              std::to_string(rows[in_file->second].line) +
                                              ") was not imported"));
            continue;
          }
          manager = state[in_file->second].user_id;
        } else {
          AGORA_ASSIGN_OR_RETURN(manager, FindManagerAccount(c, key));
          if (!manager) {
            fail(i,
                 Status::Unprocessable("invalid_manager", "no person has the key '" + key + "'"));
            continue;
          }
        }
      }
      state[i].manager = manager;
      intended[state[i].user_id] = manager;
      with_manager.push_back(i);
    }
    return Status::Ok();
  });
  if (!resolved.ok()) return resolved;

  // First the rows on a loop of the chart the file asks for; their managers stay as stored.
  // Then how many of the file's rows are above each other row, refusing a chain that still
  // loops through stored managers.
  std::unordered_map<Id, std::optional<Id>> stored_managers;
  std::unordered_map<size_t, int> depth;  // rows above the row in the intended chart
  Status walked = store_.read([&](Connection& c) -> Status {
    auto manager_of = [&](Id id) -> Result<std::optional<Id>> {
      if (auto it = intended.find(id); it != intended.end()) return it->second;
      if (id < 0) return std::optional<Id>();  // a dry run's new account without a manager
      if (auto it = stored_managers.find(id); it != stored_managers.end()) return it->second;
      AGORA_ASSIGN_OR_RETURN(auto manager, StoredManager(c, id));
      stored_managers.emplace(id, manager);
      return manager;
    };
    // Walks up from row i's intended manager: whether it comes back to the row (`self_only`)
    // or loops anywhere, and how many of the file's rows it passes.
    auto walk = [&](size_t i, bool self_only) -> Result<std::pair<bool, int>> {
      Id self = state[i].user_id;
      std::unordered_set<Id> seen = {self};
      int levels = 0;
      std::optional<Id> up = *state[i].manager;
      while (up) {
        if (*up == self || !seen.insert(*up).second) return std::pair{!self_only || *up == self, 0};
        if (intended.count(*up)) ++levels;
        AGORA_ASSIGN_OR_RETURN(up, manager_of(*up));
      }
      return std::pair{false, levels};
    };
    std::vector<size_t> on_loop;
    for (size_t i : with_manager) {
      AGORA_ASSIGN_OR_RETURN(auto walked_up, walk(i, true));
      if (walked_up.first) on_loop.push_back(i);
    }
    for (size_t i : on_loop) {
      fail(i, Status::Unprocessable("manager_cycle",
                                    "the manager chain of this row comes back to it"));
      intended.erase(state[i].user_id);
    }
    for (size_t i : with_manager) {
      if (state[i].failed) continue;
      AGORA_ASSIGN_OR_RETURN(auto walked_up, walk(i, false));
      if (walked_up.first) {
        fail(i, Status::Unprocessable("manager_cycle", "the manager chain of this row loops"));
        intended.erase(state[i].user_id);
        continue;
      }
      depth[i] = walked_up.second;
    }
    return Status::Ok();
  });
  if (!walked.ok()) return walked;
  std::erase_if(with_manager, [&](size_t i) { return state[i].failed; });
  std::stable_sort(with_manager.begin(), with_manager.end(),
                   [&](size_t a, size_t b) { return depth[a] < depth[b]; });

  done = static_cast<int64_t>(rows.size()) * 2 - static_cast<int64_t>(with_manager.size());
  progress(0);
  Status pass2 = InBatches(
      with_manager.size(), options.dry_run,
      [&](Connection& c, storage::Transaction* tx, size_t k) -> Status {
        ++done;
        size_t i = with_manager[k];
        RowState& s = state[i];
        std::optional<Id> wanted = *s.manager;
        std::optional<Id> current;
        if (s.user_id > 0) {
          AGORA_ASSIGN_OR_RETURN(current, StoredManager(c, s.user_id));
        }
        if (current == wanted) return Status::Ok();
        if (!tx) {
          s.fields.emplace_back("manager");
          return Status::Ok();
        }
        RowSavepoint savepoint(&c);
        AGORA_RETURN_IF_ERROR(savepoint.Begin());
        profiles::ProfileChanges changes;
        changes.manager_id = wanted;
        Status outcome = UpdatePerson(*tx, viewer, s.user_id, changes, {"manager"}).status();
        if (!outcome.ok() && !IsRowError(outcome)) return outcome;
        AGORA_RETURN_IF_ERROR(savepoint.End(outcome.ok()));
        if (outcome.ok()) {
          s.fields.emplace_back("manager");
        } else {
          errors.emplace(rows[i].line,
                         PersonRowError{rows[i].line, outcome.error_code(), outcome.message()});
        }
        return Status::Ok();
      },
      progress);
  if (!pass2.ok()) return pass2;

  for (size_t i = 0; i < rows.size(); ++i) {
    const RowState& s = state[i];
    if (s.created) {
      ++report.created;
    } else if (!s.fields.empty()) {
      ++report.updated;
    } else if (!s.failed) {
      ++report.unchanged;
    }
    if (s.created || !s.fields.empty()) {
      report.changes.push_back({rows[i].line, s.created ? "created" : "updated",
                                s.user_id > 0 ? s.user_id : 0, s.username, s.fields});
    }
  }

  if (options.deactivate_missing) {
    bool keys_known = !file.cut_short && std::all_of(rows.begin(), rows.end(),
                                                     [](const auto& r) { return r.key_readable; });
    if (!keys_known) {
      errors.emplace(0, PersonRowError{0, "deactivation_skipped",
                                       "some rows have no readable key: nobody was deactivated"});
    } else {
      std::unordered_set<std::string> present;
      for (const auto& row : rows) {
        if (!row.external_id.empty()) present.insert("x:" + row.external_id);
        if (!row.employee_number.empty()) present.insert("n:" + row.employee_number);
      }
      for (const auto& s : state) {
        if (s.matched) present.insert("#" + std::to_string(s.user_id));
      }
      struct Candidate {
        Id id;
        std::string username;
        bool admin;
      };
      std::vector<Candidate> missing;
      Status listed = store_.read([&](Connection& c) -> Status {
        return storage::ForEachRow(
            c,
            "SELECT id, username, role = 'admin', coalesce(external_id, ''), employee_number "
            "FROM users WHERE active = 1 AND (external_id IS NOT NULL OR employee_number != '') "
            "ORDER BY id",
            [&](storage::Statement& st) {
              Id id = st.column_int64(0);
              std::string external_id = st.column_text(3);
              std::string number = st.column_text(4);
              bool in_file = present.count("#" + std::to_string(id)) ||
                             (!external_id.empty() && present.count("x:" + external_id)) ||
                             (!number.empty() && present.count("n:" + number));
              if (!in_file) missing.push_back({id, st.column_text(1), st.column_int64(2) != 0});
            });
      });
      if (!listed.ok()) return listed;
      std::vector<PersonChange> deactivated(missing.size());
      std::vector<bool> refused(missing.size());
      Status pass3 = InBatches(
          missing.size(), options.dry_run,
          [&](Connection& c, storage::Transaction* tx, size_t k) -> Status {
            const Candidate& person = missing[k];
            refused[k] = false;
            // Re-read inside the transaction: the rule is "never the importer, never the last
            // active admin".
            bool refuse = person.id == viewer.user_id;
            if (person.admin && !refuse) {
              AGORA_ASSIGN_OR_RETURN(
                  auto admins,
                  storage::ReadInt64(c,
                                     "SELECT count(*) FROM users WHERE active = 1 AND role = "
                                     "'admin' AND id != ?",
                                     person.id));
              refuse = admins.value_or(0) == 0;
            }
            if (refuse) {
              refused[k] = true;
              return Status::Ok();
            }
            deactivated[k] = {0, "deactivated", person.id, person.username, {"active"}};
            if (!tx) return Status::Ok();
            return DeactivatePerson(*tx, viewer, person.id);
          },
          [](size_t) {});
      if (!pass3.ok()) return pass3;
      for (size_t k = 0; k < missing.size(); ++k) {
        if (refused[k]) {
          report.errors.push_back({0, "not_deactivated",
                                   "'" + missing[k].username +
                                       "' is missing from the file but is the importer or the "
                                       "last active admin"});
          continue;
        }
        ++report.deactivated;
        report.changes.push_back(std::move(deactivated[k]));
      }
    }
  }
  if (file.cut_short) {
    errors.emplace(file.cut_short->line,
                   PersonRowError{file.cut_short->line, file.cut_short->parse_error.error_code(),
                                  file.cut_short->parse_error.message()});
  }
  for (auto& [line, error] : errors) report.errors.push_back(std::move(error));
  std::stable_sort(report.errors.begin(), report.errors.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  if (options.progress) options.progress(steps, steps);
  return report;
}

}  // namespace agora::services
