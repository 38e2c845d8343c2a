// The `agora` command line: serve, user add, demo, backup, restore, migrate, reindex, deals
// import, import people, export, scim-token. Every option may also come from the environment
// (AGORA_<OPTION>) or a TOML config file (--config), the command line winning.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <iostream>
#include <thread>

#include "app/commands.h"

namespace {

using agora::app::ApplicationOptions;

void AddDataOption(CLI::App& command, ApplicationOptions& options) {
  command.add_option("--data", options.data_dir, "data folder (SQLite store, search index)")
      ->capture_default_str();
  command.add_option("--store", options.store,
                     "PostgreSQL URL (postgresql://...) of the store; --data then holds only "
                     "the search index");
}

void AddPasswordCostOption(CLI::App& command, ApplicationOptions& options) {
  command
      .add_option_function<std::string>(
          "--password-cost",
          [&options](const std::string& cost) {
            options.accounts.password_cost = cost == "minimum"
                                                 ? agora::profiles::PasswordCost::Minimum()
                                                 : agora::profiles::PasswordCost::Interactive();
          },
          "Argon2id cost: interactive (default) or minimum (tests only)")
      ->check(CLI::IsMember({"interactive", "minimum"}));
}

// --listen-address -> AGORA_LISTEN_ADDRESS, on every named option of every (sub)command.
void NameEnvironmentVariables(CLI::App& command) {
  for (CLI::Option* option : command.get_options()) {
    if (option->get_lnames().empty()) continue;
    const std::string& long_name = option->get_lnames().front();
    if (long_name == "help" || long_name == "version") continue;
    std::string name = "AGORA_" + long_name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return c == '-' ? '_' : static_cast<char>(std::toupper(c));
    });
    option->envname(name);
  }
  for (CLI::App* sub : command.get_subcommands({})) NameEnvironmentVariables(*sub);
}

int Run(int argc, char** argv) {
  CLI::App cli{"agora: an enterprise social network server"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", "agora " AGORA_VERSION " (" AGORA_REVISION ")");
  cli.set_config("--config", "",
                 "TOML file of options: a [serve] table for agora serve's, and so on");

  agora::app::ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP server");
  AddDataOption(*serve_cmd, serve.app);
  AddPasswordCostOption(*serve_cmd, serve.app);
  serve_cmd
      ->add_option("--node-id", serve.app.node_id,
                   "this node's id among the nodes sharing a PostgreSQL store (docs/scaling.md); "
                   "part of every id it makes, refused while another live node holds it")
      ->check(CLI::Range(0, 1023))
      ->capture_default_str();
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT; port 0 picks a free port")
      ->capture_default_str();
  serve_cmd->add_option("--public-url", serve.public_url,
                        "absolute URL clients reach the server at, the base of ActivityStreams "
                        "ids (default http://<the listening address>)");
  serve_cmd->add_option("--web-root", serve.web_root,
                        "built web client served at / (default ./web/dist, else the source "
                        "tree's web/dist)");
  serve_cmd->add_option("--io-threads", serve.io_threads, "socket threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  serve_cmd->add_option("--workers", serve.worker_threads, "threads for blocking work")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-queued-requests", serve.max_queued_requests,
                   "requests waiting for a worker; more are answered 503 at once (overload)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-queue-wait-ms", serve.max_queue_wait_ms,
                   "a request that waited longer for a worker is answered 503 (0: no limit)")
      ->check(CLI::Range(0, 600'000))
      ->capture_default_str();
  int64_t idle_ms = serve.http.idle_timeout.count();
  int64_t read_ms = serve.http.read_timeout.count();
  serve_cmd->add_option("--idle-timeout-ms", idle_ms, "close a connection idle this long")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  serve_cmd->add_option("--read-timeout-ms", read_ms, "deadline for reading a request body")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  int64_t header_ms = serve.http.header_timeout.count();
  serve_cmd
      ->add_option("--header-timeout-ms", header_ms,
                   "deadline for a request's head: a new connection's first, any other's "
                   "from its first byte")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve.http.max_connections,
                   "open connections cap (lowered to fit the open-file limit)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections-per-address", serve.http.max_connections_per_address,
                   "open HTTP connections cap per client address")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  int64_t search_poll_ms = serve.indexer.poll_interval.count();
  serve_cmd
      ->add_option("--search-poll-ms", search_poll_ms,
                   "how often the search indexer looks for changes to apply")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  int64_t outbox_prune_ms = serve.indexer.prune_interval.count();
  serve_cmd
      ->add_option("--outbox-prune-ms", outbox_prune_ms,
                   "how often outbox entries every consumer applied are deleted")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();

  int64_t stream_idle_ms = serve.streams.idle_timeout.count();
  serve_cmd
      ->add_option("--stream-idle-timeout-ms", stream_idle_ms,
                   "close a WebSocket stream silent this long (pings at half of it)")
      ->check(CLI::Range(int64_t{100}, int64_t{3'600'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-queue", serve.streams.queue_limit,
                   "messages queued per stream before a slow client is closed")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-message-max", serve.streams.message_max,
                   "largest message a stream client may send, in bytes")
      ->check(CLI::Range(16, 1 << 20))
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-pending-subscribes", serve.streams.pending_subscribes,
                   "new streams waiting for the live hub; more are closed with 1013 (retry)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-window", serve.streams.window,
                   "recent live events kept for resuming with last_event_id")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-window-bytes", serve.streams.window_bytes,
                   "memory those events may hold, messages included, in bytes")
      ->check(CLI::Range(size_t{0}, size_t{1} << 34))
      ->capture_default_str();

  serve_cmd->add_option("--oidc-issuer", serve.oidc.issuer,
                        "OpenID Connect issuer URL (https; http only to loopback)");
  serve_cmd->add_option("--oidc-client-id", serve.oidc.client_id, "client id at the issuer");
  serve_cmd->add_option("--oidc-client-secret-file", serve.oidc.client_secret_file,
                        "file holding the client secret (mode 600)");
  serve_cmd->add_option("--oidc-redirect-url", serve.oidc.redirect_url,
                        "callback URL registered at the issuer (default: http://<Host>"
                        "/api/v1/auth/oidc/callback)");
  serve_cmd
      ->add_option("--oidc-name", serve.oidc.display_name,
                   "name on the sign-in button (\"Sign in with NAME\")")
      ->capture_default_str();
  serve_cmd->add_flag("--oidc-create-accounts", serve.oidc.create_accounts,
                      "make an account for a verified sign-in that matches none (email "
                      "required and verified by the provider)");
  serve_cmd
      ->add_option("--oidc-clock-skew-s", serve.oidc.clock_skew_s,
                   "tolerance for ID token times, in seconds")
      ->check(CLI::Range(int64_t{0}, int64_t{600}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--oidc-jwks-refetch-s", serve.oidc.jwks_refetch_interval_s,
                   "least interval between JWKS refetches for an unknown key, in seconds")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400}))
      ->capture_default_str();
  bool no_password_login = false;
  serve_cmd->add_flag("--no-password-login", no_password_login,
                      "refuse POST /api/v1/auth/login (sign in through OpenID Connect only)");
  std::vector<std::string> trusted_proxies;
  serve_cmd->add_option("--trusted-proxy", trusted_proxies,
                        "CIDR of a reverse proxy whose Forwarded / X-Forwarded-For headers name "
                        "the client (repeatable; IPv4 or IPv6)");
  std::vector<std::string> cors_origins;
  serve_cmd->add_option("--cors-origin", cors_origins,
                        "origin of a browser client served elsewhere that may call the API, "
                        "like https://app.example.com (repeatable; none by default)");
  bool no_access_log = false;
  serve_cmd->add_flag("--no-access-log", no_access_log,
                      "leave out the event=request line logged for every request");
  serve_cmd->add_option("--log-level", serve.log_level, "least level logged")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  bool no_quotas = false;
  serve_cmd->add_flag("--no-quotas", no_quotas,
                      "turn every per-account quota off (load tests, benchmarks)");
  std::vector<std::string> quotas;
  serve_cmd->add_option("--quota", quotas,
                        "ACTION=COUNT/DURATION, e.g. post=120/1h (repeatable; actions: post, "
                        "reply, react, follow, create_community, invite, join_request, mention, "
                        "search, deal_write)");
  serve_cmd
      ->add_option("--max-sessions-per-account", serve.app.accounts.max_sessions_per_account,
                   "sessions one account holds; a new login ends the oldest past it")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();

  agora::app::UserAddOptions user_add;
  auto* user_cmd = cli.add_subcommand("user", "manage accounts");
  user_cmd->require_subcommand(1);
  auto* add_cmd = user_cmd->add_subcommand("add", "create an account; password on stdin");
  AddDataOption(*add_cmd, user_add.app);
  AddPasswordCostOption(*add_cmd, user_add.app);
  add_cmd->add_option("--username", user_add.username, "3-30 of a-z 0-9 _ . -")->required();
  add_cmd->add_option("--display-name", user_add.display_name, "full name")->required();
  add_cmd->add_option("--email", user_add.email, "work email")->required();
  add_cmd->add_flag("--admin", user_add.admin, "give the admin role");

  ApplicationOptions demo;
  auto* demo_cmd = cli.add_subcommand("demo", "fill the data folder with a sample company");
  AddDataOption(*demo_cmd, demo);

  ApplicationOptions backup;
  std::string backup_to;
  auto* backup_cmd =
      cli.add_subcommand("backup", "consistent copy of the store, live (mode 0600, checked)");
  AddDataOption(*backup_cmd, backup);
  backup_cmd->add_option("--to", backup_to, "destination file")->required();

  agora::app::RestoreOptions restore;
  auto* restore_cmd =
      cli.add_subcommand("restore", "put a backup in place (server stopped); checks it first");
  restore_cmd->add_option("--data", restore.data_dir, "data folder to restore into")->required();
  restore_cmd->add_option("--store", restore.store,
                          "PostgreSQL URL (postgresql://...) of the store to restore into");
  restore_cmd->add_option("--from", restore.from, "a file made by agora backup")->required();
  restore_cmd->add_flag("--force", restore.force,
                        "replace the store (on SQLite kept as agora.db.before-restore)");

  ApplicationOptions migrate;
  bool migrate_dry_run = false;
  auto* migrate_cmd =
      cli.add_subcommand("migrate", "upgrade the store's schema to this build (back up first)");
  AddDataOption(*migrate_cmd, migrate);
  migrate_cmd->add_flag("--dry-run", migrate_dry_run, "list the pending steps, change nothing");

  ApplicationOptions reindex;
  auto* reindex_cmd = cli.add_subcommand("reindex", "rebuild the search index from the store");
  AddDataOption(*reindex_cmd, reindex);

  agora::app::DealsImportOptions deals_import;
  auto* deals_cmd = cli.add_subcommand("deals", "manage deals");
  deals_cmd->require_subcommand(1);
  auto* deals_import_cmd =
      deals_cmd->add_subcommand("import", "import deals from a CRM export (CSV or JSON lines)");
  AddDataOption(*deals_import_cmd, deals_import.app);
  deals_import_cmd->add_option("FILE", deals_import.file, "the export")->required();
  deals_import_cmd->add_flag("--dry-run", deals_import.dry_run,
                             "check every row and report, write nothing");
  deals_import_cmd->add_option("--as", deals_import.as,
                               "username recorded as importer (admin or sales ops; default: the "
                               "first admin)");

  ApplicationOptions scim_token;
  std::string scim_token_name = "identity provider";
  agora::Id scim_token_id = 0;
  auto* scim_cmd = cli.add_subcommand("scim-token", "provisioning tokens for SCIM (/scim/v2)");
  scim_cmd->require_subcommand(1);
  auto* scim_create_cmd =
      scim_cmd->add_subcommand("create", "make a provisioning token and print it once");
  AddDataOption(*scim_create_cmd, scim_token);
  scim_create_cmd->add_option("--name", scim_token_name, "what the token is for")
      ->capture_default_str();
  auto* scim_list_cmd = scim_cmd->add_subcommand("list", "list provisioning tokens");
  AddDataOption(*scim_list_cmd, scim_token);
  auto* scim_revoke_cmd = scim_cmd->add_subcommand("revoke", "revoke a provisioning token");
  AddDataOption(*scim_revoke_cmd, scim_token);
  scim_revoke_cmd->add_option("ID", scim_token_id, "the token's id (see list)")->required();
  agora::app::ImportPeopleOptions import_people;
  auto* import_cmd = cli.add_subcommand("import", "import data from other systems");
  import_cmd->require_subcommand(1);
  auto* import_people_cmd =
      import_cmd->add_subcommand("people",
                                 "create, update and deactivate people from an HR "
                                 "export (CSV)");
  AddDataOption(*import_people_cmd, import_people.app);
  import_people_cmd->add_option("FILE", import_people.file, "the HR export")->required();
  import_people_cmd->add_flag("--dry-run", import_people.dry_run,
                              "print the changes, write nothing");
  import_people_cmd->add_flag("--deactivate-missing", import_people.deactivate_missing,
                              "deactivate active accounts with a key missing from the file");
  import_people_cmd->add_option("--as", import_people.as,
                                "admin recorded as importer (default: the first admin)");

  agora::app::ExportOptions export_options;
  auto* export_cmd =
      cli.add_subcommand("export", "one person's data as JSON, or the whole network as JSON lines");
  AddDataOption(*export_cmd, export_options.app);
  export_cmd->add_option("--user", export_options.user, "ID or @username: that person's data");
  export_cmd->add_option("--out", export_options.out, "file to write (default: standard output)");
  export_cmd->add_option("--as", export_options.as,
                         "admin recorded in the audit (default: the first admin)");

  NameEnvironmentVariables(cli);
  // Commands that read a company's store must not create an empty one from a mistyped --data.
  for (ApplicationOptions* existing :
       {&reindex, &scim_token, &deals_import.app, &import_people.app, &export_options.app}) {
    existing->store_must_exist = true;
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "agora: " << e.what() << " (see --help)\n";
    return 2;
  }

  if (*serve_cmd) {
    serve.http.idle_timeout = std::chrono::milliseconds(idle_ms);
    serve.http.read_timeout = std::chrono::milliseconds(read_ms);
    serve.http.header_timeout = std::chrono::milliseconds(header_ms);
    serve.indexer.poll_interval = std::chrono::milliseconds(search_poll_ms);
    serve.indexer.prune_interval = std::chrono::milliseconds(outbox_prune_ms);
    serve.streams.idle_timeout = std::chrono::milliseconds(stream_idle_ms);
    serve.app.accounts.password_login = !no_password_login;
    serve.app.quotas.enabled = !no_quotas;
    for (const auto& quota : quotas) {
      if (agora::Status set = serve.app.quotas.Set(quota); !set.ok()) {
        std::cerr << "agora: --quota: " << set.message() << "\n";
        return 2;
      }
    }
    for (const auto& cidr : trusted_proxies) {
      auto proxy = agora::server::Cidr::Parse(cidr);
      if (!proxy.ok()) {
        std::cerr << "agora: --trusted-proxy: " << proxy.status().message() << "\n";
        return 2;
      }
      serve.trusted_proxies.push_back(*proxy);
    }
    std::vector<std::string> origins;
    for (const auto& text : cors_origins) {
      auto origin = agora::server::ParseCorsOrigin(text);
      if (!origin.ok()) {
        std::cerr << "agora: --cors-origin: " << origin.status().message() << "\n";
        return 2;
      }
      origins.push_back(*origin);
    }
    serve.cors = agora::server::CorsPolicy(std::move(origins));
    serve.access_log = !no_access_log;
    serve.version = AGORA_VERSION;
    serve.revision = AGORA_REVISION;
    return agora::app::Serve(serve);
  }
  if (*add_cmd) return agora::app::UserAdd(user_add);
  if (*demo_cmd) return agora::app::Demo(demo);
  if (*backup_cmd) return agora::app::Backup(backup, backup_to);
  if (*restore_cmd) return agora::app::Restore(restore);
  if (*migrate_cmd) return agora::app::Migrate(migrate, migrate_dry_run);
  if (*reindex_cmd) return agora::app::Reindex(reindex);
  if (*deals_import_cmd) return agora::app::DealsImport(deals_import);
  if (*scim_create_cmd) return agora::app::ScimTokenCreate(scim_token, scim_token_name);
  if (*scim_list_cmd) return agora::app::ScimTokenList(scim_token);
  if (*scim_revoke_cmd) return agora::app::ScimTokenRevoke(scim_token, scim_token_id);
  if (*import_people_cmd) return agora::app::ImportPeople(import_people);
  if (*export_cmd) return agora::app::Export(export_options);
  return 2;
}

}  // namespace

// Expected failures are Status values reported by the commands; anything thrown past them
// (allocation failure, a library's exception) ends the process with a message, not a crash.
int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "agora: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "agora: unknown error\n";
  }
  return 1;
}
