// The PostgreSQL schema's migrations (storage/postgres_schema.cc), for Migrate and
// LargestStoredId in storage/store.h, which pick them when a connection is PostgreSQL's.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

// The number of PostgreSQL schema steps this build knows.
int PostgresSchemaVersion();
// The step `connection`'s database is at (0: no Agora schema yet).
Result<int> StoredPostgresSchemaVersion(Connection& connection);
// Applies the PostgreSQL steps the database has not seen, in one transaction under an advisory
// lock, so nodes starting at once migrate it once. kInternal for a database from a newer build.
Status MigratePostgres(Connection& connection);
// LargestStoredId on PostgreSQL.
Result<int64_t> LargestStoredPostgresId(Connection& connection);

}  // namespace agora::storage
