// Migrating a database to a chosen schema version, for tests that build an older database.
// The server itself uses Migrate (storage/store.h), which goes to SchemaVersion().
#pragma once

#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

// Applies the migrations of storage/schema.cc that `connection` (a SQLite one; kInvalidArgument
// for another engine) has not seen yet, up to `target_version`. Steps run with foreign key
// enforcement off (a step may rebuild a table others refer to) and must each pass `PRAGMA
// foreign_key_check`; SQL in them may call agora_name_key(text) and agora_nfc(text), registered on
// every Connection.
Status MigrateTo(Connection& connection, int target_version);

}  // namespace agora::storage
