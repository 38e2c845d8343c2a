// The subcommands of the `agora` executable. Each returns the process exit status.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "app/application.h"
#include "server/client_address.h"
#include "server/cors.h"
#include "server/http_server.h"
#include "server/live_hub.h"
#include "server/router.h"
#include "server/stream_item_cache.h"

namespace agora::app {

// OpenID Connect sign-in (docs/operations.md); off while `issuer` is empty.
struct OidcServeOptions {
  std::string issuer;
  std::string client_id;
  std::string client_secret_file;  // readable by its owner only
  std::string redirect_url;        // "" derives it from the Host of each request
  std::string display_name = "SSO";
  int64_t clock_skew_s = 60;
  int64_t jwks_refetch_interval_s = 60;
  bool create_accounts = false;  // a verified sign-in with no account makes one
};

struct ServeOptions {
  ApplicationOptions app;
  std::string listen = "127.0.0.1:8080";
  int io_threads = 0;  // 0: one per core
  int worker_threads = 16;
  size_t max_queued_requests = 1024;  // DispatcherOptions::max_queued_requests
  int max_queue_wait_ms = 100;        // DispatcherOptions::max_queue_wait
  server::HttpOptions http;
  server::StreamOptions streams;
  std::chrono::milliseconds shutdown_grace{10'000};
  // The built web client served at /; empty: ./web/dist, else web/dist of the source tree the
  // executable was built in (build/<preset>/app/agora).
  std::string web_root;
  search::SearchLimits search;
  services::SearchIndexerOptions indexer;
  OidcServeOptions oidc;
  server::TrustedProxies trusted_proxies;
  // The absolute URL clients reach the server at, the base of ActivityStreams ids; empty:
  // http://<the listening address> once it is bound.
  std::string public_url;
  server::CorsPolicy cors;
  bool access_log = true;
  std::string log_level = "info";  // spdlog's names: trace, debug, info, warn, error, critical, off
  // Exported as agora_build_info; main.cc fills them from what CMake configured.
  std::string version = "unknown";
  std::string revision = "unknown";
};

int Serve(const ServeOptions& options);

// Every route of the API's resources on `app` (after OpenSearch): what `serve` answers besides
// the operations endpoints, OpenID Connect sign-in and the web client. The fuzzers use it too.
// ActivityStreams ids are built on `public_url`; stream pages reuse the items `stream_items`
// rendered before. Both must outlive the routes.
void AddResourceRoutes(server::Router& router, Application& app,
                       const server::PublicUrl& public_url, server::StreamItemCache& stream_items);

struct UserAddOptions {
  ApplicationOptions app;
  std::string username;
  std::string display_name;
  std::string email;
  bool admin = false;
};

// Reads the password from the first line of standard input.
int UserAdd(const UserAddOptions& options);

// Fills the data folder with a sample company; does nothing when people already exist.
int Demo(const ApplicationOptions& options);

// Refuses a data folder (or, with options.store, a database) without a store; the copy is
// created mode 0600. A SQLite copy is integrity checked; a PostgreSQL one is pg_dump's custom
// format.
int Backup(const ApplicationOptions& options, const std::string& destination);

struct RestoreOptions {
  std::string data_dir;  // holds the search index, and the SQLite store unless `store` is set
  std::string store;     // a PostgreSQL URL: restore into that database with pg_restore
  std::string from;      // a file made by `agora backup`
  // Replace a store already there (on SQLite kept as agora.db.before-restore; on PostgreSQL not
  // kept).
  bool force = false;
};

// Checks the backup (integrity, a schema this build reads), then puts it in place and empties
// the search index in the data folder for the next `agora serve` to rebuild. Refuses while a
// server holds the folder or, on PostgreSQL, while any node serves the database.
int Restore(const RestoreOptions& options);

// Lists the pending schema steps and, unless `dry_run`, applies them. Every other command
// refuses a store that is behind, so an upgrade is a deliberate step taken after a backup.
int Migrate(const ApplicationOptions& options, bool dry_run);

// Rebuilds the search index from the store, with a progress bar on standard error. Refuses
// (exit status 1) while a server holds the index.
int Reindex(const ApplicationOptions& options);

struct DealsImportOptions {
  ApplicationOptions app;
  std::string file;  // CSV, or JSON lines (.jsonl, .ndjson, or a first line starting with {)
  std::string as;    // the admin or sales ops account recorded as importer; default: first admin
  bool dry_run = false;  // validate and report, write nothing
};

// Imports deals from a CRM export with a progress bar on standard error; prints each bad row
// with its line and reason, then the counts. Exit status 0 once the file was read, even with
// bad rows; 1 when it cannot be imported at all; 2 when it cannot be read.
int DealsImport(const DealsImportOptions& options);

// Provisioning tokens for SCIM: `create` prints the token once on standard output; `list`
// prints id, name, creation and revocation; `revoke` stops one at once, even on a running
// server. Exit status 2 for a bad name or an unknown or already revoked id.
int ScimTokenCreate(const ApplicationOptions& options, const std::string& name);
int ScimTokenList(const ApplicationOptions& options);
int ScimTokenRevoke(const ApplicationOptions& options, Id id);
struct ImportPeopleOptions {
  ApplicationOptions app;
  std::string file;  // CSV (services/people_import_service.h names the columns)
  std::string as;    // the admin recorded as importer; default: the first active admin
  bool dry_run = false;
  bool deactivate_missing = false;
};

// Imports people from an HR export with a progress bar on standard error; prints each change,
// each bad row with its line and reason, then the counts. Exit status 0 once the file was read,
// even with bad rows; 1 when it cannot be imported at all; 2 when it cannot be read.
int ImportPeople(const ImportPeopleOptions& options);

struct ExportOptions {
  ApplicationOptions app;
  std::string user;  // an id or @username: that person's data as one JSON object
  std::string out;   // the file written; standard output when empty
  std::string as;    // the admin recorded in the audit; default: the first active admin
};

// One person's data, or (without `user`) the whole network as JSON lines, streamed.
int Export(const ExportOptions& options);

}  // namespace agora::app
