// Store maintenance: backup, restore, migrate. Each refuses a data folder without a store, so a
// typo in --data never backs up or upgrades a new, empty company.
#include "storage/maintenance.h"

#include <filesystem>
#include <iostream>

#include "app/commands.h"

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

// PostgreSQL has its own tools for what these commands do to a SQLite file.
int RefusePostgres(const ApplicationOptions& options, const char* instead) {
  if (options.store.empty()) return 0;
  std::cerr << "agora: --store: this command works on the SQLite store; on PostgreSQL, " << instead
            << "\n";
  return 2;
}

}  // namespace

// Straight from the file, schema untouched: a store behind this build must be backed up before
// `agora migrate` upgrades it.
int Backup(const ApplicationOptions& options, const std::string& destination) {
  if (int refused = RefusePostgres(options, "use pg_dump")) return refused;
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
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Fail(Status::Internal("cannot create " + options.data_dir + ": " + ec.message()));
  // Emptying the index both proves no server holds the folder (it holds the index lock) and
  // makes the next `agora serve` rebuild it from the restored store.
  auto index = search::SearchIndex::Open(SearchIndexPath(options.data_dir), {}, true);
  if (!index.ok()) {
    return Fail(index.status(), index.status().code() == StatusCode::kUnavailable
                                    ? "; stop the server on this data folder first"
                                    : "");
  }
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
