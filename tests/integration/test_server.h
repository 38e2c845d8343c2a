// TestServer: a real `agora serve` process on a fresh data folder, plus the account helpers
// every integration test needs. Failures to start throw std::runtime_error (GoogleTest reports
// them as a failed test).
//
// With AGORA_TEST_STORE=postgresql in the environment the whole suite runs on PostgreSQL: each
// TestServer keeps its store in a fresh database of this process's throwaway cluster
// (tests/support/postgres_cluster.h) and passes `--store URL` to the commands it runs, and
// every test skips when PostgreSQL is not installed.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/json_helpers.h"

namespace agora::integration {

// The `agora` executable under test: $AGORA_BINARY when set (to run the suite against another
// build, e.g. a sanitizer one), else the one CMake built next to these tests.
const char* AgoraBinary();

// Exit status of a child process: its exit code when it exited, 128 + N when signal N ended it
// (the shell's convention), -1 when it did not end in time (it is then killed).
struct CommandResult {
  int exit_status = -1;
  std::string output;  // standard output and standard error, interleaved
};

// True when the suite runs on PostgreSQL (AGORA_TEST_STORE=postgresql).
bool OnPostgres();

// Runs `agora ARGS...`. `stdin_text` is fed to standard input then closed; nullopt gives an empty
// standard input (/dev/null). On PostgreSQL, `--data DIR` naming a live TestServer's data folder
// brings `--store` with that server's database.
CommandResult RunAgora(const std::vector<std::string>& args,
                       const std::optional<std::string>& stdin_text,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

// `agora user add` of the admin TestServer logs in with (kAdminUsername), into the store at
// `store_url`, for tests that start their nodes on one PostgreSQL database themselves.
CommandResult AddAdminToStore(const std::string& store_url, const std::string& data_dir);

struct TestUser {
  std::string id;
  std::string username;
  std::string token;
};

class TestServer {
 public:
  static constexpr const char* kAdminUsername = "admin";
  static constexpr const char* kAdminPassword = "admin-password-1";
  // The password CreateUser gives accounts that do not name one.
  static constexpr const char* kDefaultPassword = "correct-horse-1";

  // Makes the data folder, provisions the admin with `agora user add`, starts `agora serve`
  // with `extra_serve_args` appended (e.g. {"--idle-timeout-ms", "300"}). The server hashes
  // with `--password-cost minimum` unless `extra_serve_args` names a cost, serves no web
  // client (`/` answers 503) unless they name a `--web-root`, with `--no-quotas` unless
  // they name a `--quota`, and with no queue deadline unless they name `--max-queue-wait-ms`. A
  // non-zero `open_files` is the server's open-file limit (soft and hard, so it cannot raise it).
  explicit TestServer(std::vector<std::string> extra_serve_args = {}, rlim_t open_files = 0);
  // Another node of a store that was provisioned already (a PostgreSQL store another
  // TestServer or `agora user add --store` made): no admin is added; `extra_serve_args` name
  // the store and the node (--store URL --node-id N).
  struct JoinStore {};
  TestServer(JoinStore, std::vector<std::string> extra_serve_args);
  ~TestServer();  // kills the process, removes the folder
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  const Endpoint& endpoint() const { return endpoint_; }
  const std::string& host() const { return endpoint_.host; }
  int port() const { return endpoint_.port; }
  const std::string& data_dir() const { return data_dir_; }
  // The PostgreSQL URL of the store; empty on SQLite (the store is then in data_dir()).
  const std::string& store_url() const { return store_url_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // SIGTERM, then waits (up to `timeout`, then SIGKILL); returns the exit status as in
  // CommandResult.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL and wait: a crash, as far as the data folder can tell.
  void Kill();
  // Sends `signal` without waiting.
  void Signal(int signal);
  // Waits for the process to end; returns its exit status, or -1 after `timeout` (still running).
  int WaitForExit(std::chrono::milliseconds timeout);
  // Starts `agora serve` again on the same data folder (a new port). Stops nothing: call Stop()
  // or Kill() first.
  void Restart();

  // The server's standard error so far (its log), for failure messages.
  std::string Log() const;

  // Runs `sql` on the server's store (its SQLite file or PostgreSQL database), beside the
  // server, as an operator or the passing of time would change it; a test failure on error.
  void ExecSql(const std::string& sql) const;
  // The first column of every row `sql` reads from the store, as text (none when it only
  // changes rows).
  std::vector<std::string> SqlColumn(const std::string& sql) const;

  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& token = "",
                     const HeaderList& extra_headers = {}) const;

  // The bearer token of a successful login; "" (and a test failure) otherwise.
  std::string Login(const std::string& username, const std::string& password) const;
  std::string LoginAdmin() const { return Login(kAdminUsername, kAdminPassword); }
  // Creates an account through POST /api/v1/users and returns its id ("" and a test failure
  // otherwise). `body` may carry any field; display_name, email and password get defaults.
  std::string CreateUser(const std::string& admin_token, const std::string& username,
                         JsonBody body = {}) const;
  // CreateUser, then Login with kDefaultPassword (so `body` must not set a password).
  TestUser CreateAndLogin(const std::string& admin_token, const std::string& username,
                          JsonBody body = {}) const;

 private:
  void Start();

  std::vector<std::string> extra_serve_args_;
  rlim_t open_files_ = 0;
  std::string root_dir_;  // holds data/ and server.log
  std::string data_dir_;
  std::string store_url_;
  std::string log_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // read end of the server's standard output, kept open while it runs
  Endpoint endpoint_;
};

}  // namespace agora::integration
