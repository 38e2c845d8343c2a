// Store maintenance outside a running Store: schema steps, private copies, integrity, serving
// nodes. Used by `agora backup`, `restore` and `migrate`, and by Store::BackupTo.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

// The schema step `connection`'s database is at (0: a new, empty database), in its engine's
// own list of steps.
Result<int> StoredSchemaVersion(Connection& connection);
// kUnavailable, telling the operator to back up and run `agora migrate`, when the database at
// `path` exists at a schema step behind this build's; Ok for a missing or new, empty file.
Status CheckSchemaIsCurrent(const std::string& path);
// What step `step` (1-based) changes, one line per statement, for `agora migrate --dry-run`.
std::vector<std::string> DescribeMigration(int step);

// Opens `path` read-write, creating it, with mode 0600 set before SQLite writes a page (SQLite
// keeps an existing file's mode).
Result<std::unique_ptr<Connection>> OpenPrivateDatabase(const std::string& path);
// Every page of `source` into `target` (SQLite's backup API, in one step); kInvalidArgument
// unless both are SQLite connections.
Status CopyPages(Connection& source, Connection& target);
// Copies the database file at `source_path` into `destination` (mode 0600; never onto the
// source itself), then checks the copy's integrity. The copy is one read transaction, so a
// server may keep writing the source (WAL): the copy is a consistent snapshot.
Status CopyDatabase(const std::string& source_path, const std::string& destination);
// PRAGMA integrity_check: kInternal with SQLite's first complaint unless "ok".
Status CheckIntegrity(Connection& connection);

// Whether a live node serves the PostgreSQL database `connection` is open on: holds its node id's
// advisory lock (defined beside the claim, in storage/node_session.cc).
Result<bool> AnyNodeServes(Connection& connection);

}  // namespace agora::storage
