// Store maintenance: backup, restore, migrate. Each refuses a data folder (or database) without a
// store, so a typo in --data never backs up or upgrades a new, empty company. On PostgreSQL,
// backup and restore run pg_dump and pg_restore.
#include "storage/maintenance.h"

#include <stdlib.h>  // mkstemp
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "app/commands.h"
#include "app/subprocess.h"
#include "storage/postgres_schema.h"

namespace agora::app {

namespace {

int Fail(const Status& status, const std::string& hint = "") {
  std::cerr << "agora: " << status.message() << hint << "\n";
  return 1;
}

// Moves the store and its WAL files aside; returns the new name of the store.
Result<std::string> MoveStoreAside(const std::string& store_path) {
  const std::string kept = store_path + ".before-restore";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    if (!std::filesystem::exists(store_path + suffix, ec)) continue;
    std::filesystem::rename(store_path + suffix, kept + suffix, ec);
    if (ec) return Status::Internal("cannot move " + store_path + suffix + ": " + ec.message());
  }
  return kept;
}

// For a command of the SQLite file alone; `instead` says what does its work on PostgreSQL.
int RefusePostgres(const ApplicationOptions& options, const char* instead) {
  if (options.store.empty()) return 0;
  std::cerr << "agora: --store: this command works on the SQLite store; on PostgreSQL, " << instead
            << "\n";
  return 2;
}

int RefuseNonPostgresUrl(const std::string& store) {
  if (storage::IsPostgresLocation(store)) return 0;
  std::cerr << "agora: --store takes a postgresql:// URL\n";
  return 2;
}

// Emptying the index both proves no server holds the folder (it holds the index lock) and
// makes the next `agora serve` rebuild it from the restored store. Kept open, it keeps a server
// from starting on the folder until the restore is done.
Result<std::unique_ptr<search::SearchIndex>> EmptySearchIndex(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::Internal("cannot create " + data_dir + ": " + ec.message());
  auto index = search::SearchIndex::Open(SearchIndexPath(data_dir), {}, true);
  if (!index.ok() && index.status().code() == StatusCode::kUnavailable) {
    return Status::Unavailable(index.status().message() +
                               "; stop the server on this data folder first");
  }
  return index;
}

// Debian installs the client programs of each major version in /usr/lib/postgresql/N/bin; the
// newest reads dumps of every older server. Elsewhere, PATH's.
std::string PostgresProgram(const std::string& name) {
  std::string found = name;
  int newest = -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string program = entry.path().string() + "/bin/" + name;
    const int version = std::atoi(entry.path().filename().c_str());
    if (version > newest && ::access(program.c_str(), X_OK) == 0) {
      found = program;
      newest = version;
    }
  }
  return found;
}

// Runs a PostgreSQL client program; its complaint, when it fails, becomes the error.
Result<std::string> RunPostgresProgram(std::vector<std::string> argv) {
  const std::string name = argv.at(0);
  argv[0] = PostgresProgram(name);
  auto ran = RunProgram(argv);
  if (!ran.ok()) return ran.status();
  if (ran->exit_status != 0) {
    std::string errors = ran->errors;
    while (!errors.empty() && errors.back() == '\n') errors.pop_back();
    return Status::Internal(name + " failed (exit status " + std::to_string(ran->exit_status) +
                            "): " + errors);
  }
  return ran->output;
}

// The schema step of the PostgreSQL store at `url`; 0 for a database without one.
Result<int> PostgresStoreStep(const std::string& url) {
  auto connection = storage::Connection::Open(url, storage::Connection::Mode::kReadOnly);
  if (!connection.ok()) return connection.status();
  return storage::StoredSchemaVersion(**connection);
}

// pg_dump's custom format, the one pg_restore restores in a single transaction. The URL goes on
// pg_dump's command line, where `ps` shows it, so it should carry no password: libpq reads one
// from ~/.pgpass or PGPASSWORD, which pg_dump inherits.
int BackupPostgres(const std::string& url, const std::string& destination) {
  if (int refused = RefuseNonPostgresUrl(url)) return refused;
  auto step = PostgresStoreStep(url);
  if (!step.ok()) return Fail(step.status());
  if (*step == 0) return Fail(Status::NotFound("no store in the --store database"));
  // mkstemp makes the file 0600 before pg_dump writes password hashes into it (pg_dump keeps
  // the mode of the file it truncates); renamed once complete, so a failure leaves nothing.
  std::string partial = destination + ".partial-XXXXXX";
  const int fd = ::mkstemp(partial.data());
  if (fd < 0) {
    return Fail(Status::Internal("cannot create " + partial + ": " +
                                 std::generic_category().message(errno)));
  }
  ::close(fd);
  auto dumped =
      RunPostgresProgram({"pg_dump", "--format=custom", "--file=" + partial, "--dbname=" + url});
  std::error_code ec;
  if (dumped.ok()) std::filesystem::rename(partial, destination, ec);
  if (!dumped.ok() || ec) {
    std::filesystem::remove(partial, ec);
    return Fail(dumped.ok() ? Status::Internal("cannot move the copy to " + destination)
                            : dumped.status());
  }
  std::cout << "backed up to " << destination << " (pg_dump custom format, schema step " << *step
            << ")\n";
  return 0;
}

// The schema step of the agora store in the pg_dump archive `file`, read from its agora_schema
// table's data before anything is restored. kInvalidArgument for a file that is not such an
// archive or holds no agora store.
Result<int> ArchivedSchemaStep(const std::string& file) {
  auto data =
      RunPostgresProgram({"pg_restore", "--data-only", "--table=agora_schema", "--file=-", file});
  if (!data.ok()) {
    return Status::InvalidArgument(
        "bad_backup", file + " is not a backup of a PostgreSQL store: " + data.status().message());
  }
  // The table's rows follow its COPY line, one step a line, up to "\.".
  std::istringstream lines(*data);
  std::string line;
  bool in_table = false;
  bool has_table = false;
  int step = 0;
  while (std::getline(lines, line)) {
    if (!in_table) {
      in_table = line.rfind("COPY ", 0) == 0 && line.find("agora_schema ") != std::string::npos;
      has_table = has_table || in_table;
    } else if (line == "\\.") {
      in_table = false;
    } else {
      step = std::max(step, std::atoi(line.c_str()));
    }
  }
  if (!has_table) {
    return Status::InvalidArgument("bad_backup", file + " holds no agora store");
  }
  return step;
}

int RestorePostgres(const RestoreOptions& options) {
  if (int refused = RefuseNonPostgresUrl(options.store)) return refused;
  auto step = ArchivedSchemaStep(options.from);
  if (!step.ok()) return Fail(step.status());
  if (*step < 1 || *step > storage::PostgresSchemaVersion()) {
    return Fail(Status::InvalidArgument(
        "bad_backup", options.from + " is not an agora store this build can read (schema step " +
                          std::to_string(*step) + ")"));
  }
  bool replacing = false;
  {
    auto connection =
        storage::Connection::Open(options.store, storage::Connection::Mode::kReadOnly);
    if (!connection.ok()) return Fail(connection.status());
    // Each serving node holds its node id's advisory lock for as long as it runs.
    auto serving = storage::AnyNodeServes(**connection);
    if (!serving.ok()) return Fail(serving.status());
    if (*serving) {
      std::cerr << "agora: a node serves the --store database; stop the server on every node "
                   "first\n";
      return 1;
    }
    auto stored = storage::StoredSchemaVersion(**connection);
    if (!stored.ok()) return Fail(stored.status());
    replacing = *stored > 0;
  }
  auto index = EmptySearchIndex(options.data_dir);
  if (!index.ok()) return Fail(index.status());
  if (replacing && !options.force) {
    std::cerr << "agora: the --store database holds a store; --force replaces it (the current "
                 "one is not kept: back it up first with agora backup)\n";
    return 1;
  }
  // One transaction that stops at the first error: a failed restore changes nothing. --clean
  // drops what the archive holds before creating it again.
  auto restored = RunPostgresProgram({"pg_restore", "--clean", "--if-exists",
                                      "--single-transaction", "--no-owner", "--exit-on-error",
                                      "--dbname=" + options.store, options.from});
  if (!restored.ok()) return Fail(restored.status(), "; the database is unchanged");
  std::cout << "restored " << options.from << " into the --store database (schema step " << *step
            << ")\n";
  if (replacing) std::cout << "the previous store was replaced (it is not kept)\n";
  std::cout << "the search index is rebuilt by the next agora serve (or agora reindex); empty "
               "every other node's too (agora reindex on its --data) before it serves again\n";
  return 0;
}

}  // namespace

// Straight from the file, schema untouched: a store behind this build must be backed up before
// `agora migrate` upgrades it.
int Backup(const ApplicationOptions& options, const std::string& destination) {
  if (!options.store.empty()) return BackupPostgres(options.store, destination);
  const std::string database = DatabasePath(options.data_dir);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(database, ec)) {
    return Fail(Status::NotFound("no store at " + options.data_dir));
  }
  Status status = storage::CopyDatabase(database, destination);
  if (!status.ok()) return Fail(status);
  std::cout << "backed up to " << destination << " (integrity checked)\n";
  return 0;
}

int Restore(const RestoreOptions& options) {
  if (!options.store.empty()) return RestorePostgres(options);
  {
    auto backup = storage::Connection::Open(options.from, storage::Connection::Mode::kReadOnly);
    if (!backup.ok()) return Fail(backup.status());
    Status intact = storage::CheckIntegrity(**backup);
    if (!intact.ok()) return Fail(intact, " in " + options.from);
    auto step = storage::StoredSchemaVersion(**backup);
    if (!step.ok()) return Fail(step.status());
    if (*step < 1 || *step > storage::SchemaVersion()) {
      return Fail(Status::InvalidArgument(
          "bad_backup", options.from + " is not an agora store this build can read (schema step " +
                            std::to_string(*step) + ")"));
    }
  }
  auto index = EmptySearchIndex(options.data_dir);
  if (!index.ok()) return Fail(index.status());
  std::error_code ec;
  const std::string store_path = DatabasePath(options.data_dir);
  const bool replacing = std::filesystem::exists(store_path, ec);
  if (replacing && !options.force) {
    std::cerr << "agora: " << options.data_dir
              << " holds a store; --force replaces it (the current one is kept next to it)\n";
    return 1;
  }
  // Copied under another name first: a failed copy leaves the current store in place.
  const std::string incoming = store_path + ".restoring";
  std::filesystem::remove(incoming, ec);
  Status copied = storage::CopyDatabase(options.from, incoming);
  if (!copied.ok()) return Fail(copied);
  std::string kept;
  if (replacing) {
    auto moved = MoveStoreAside(store_path);
    if (!moved.ok()) return Fail(moved.status());
    kept = *moved;
  }
  std::filesystem::rename(incoming, store_path, ec);
  if (ec) return Fail(Status::Internal("cannot move " + incoming + ": " + ec.message()));
  std::cout << "restored " << options.from << " into " << store_path << "\n";
  if (!kept.empty()) std::cout << "the previous store is kept as " << kept << "\n";
  std::cout << "the search index is rebuilt by the next agora serve (or agora reindex)\n";
  return 0;
}

int Migrate(const ApplicationOptions& options, bool dry_run) {
  if (int refused = RefusePostgres(options, "every command migrates the schema when it opens it")) {
    return refused;
  }
  int stored = 0;
  {
    auto connection = storage::Connection::Open(DatabasePath(options.data_dir),
                                                storage::Connection::Mode::kReadOnly);
    if (!connection.ok()) return Fail(Status::NotFound("no store at " + options.data_dir));
    auto step = storage::StoredSchemaVersion(**connection);
    if (!step.ok()) return Fail(step.status());
    stored = *step;
  }
  if (stored >= storage::SchemaVersion()) {
    std::cout << "the store is at schema step " << stored << ": nothing to do\n";
    return 0;
  }
  std::cout << "the store is at schema step " << stored << "; this agora needs step "
            << storage::SchemaVersion() << "\n";
  for (int step = stored + 1; step <= storage::SchemaVersion(); ++step) {
    std::cout << "step " << step << ":\n";
    for (const std::string& statement : storage::DescribeMigration(step)) {
      std::cout << "  " << statement << "\n";
    }
  }
  if (dry_run) {
    std::cout << "dry run: nothing changed\n";
    return 0;
  }
  ApplicationOptions migrating = options;
  migrating.store_must_exist = true;
  migrating.migrate_store = true;
  auto app = Application::Open(migrating);
  if (!app.ok()) return Fail(app.status());
  std::cout << "migrated to schema step " << storage::SchemaVersion() << "\n";
  return 0;
}

}  // namespace agora::app
