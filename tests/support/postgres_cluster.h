// A throwaway PostgreSQL cluster for one test binary: a copy of an initdb-made data folder (made
// once, kept in /tmp/agora-pg-template-UID-VERSION) in a temporary folder, a server listening
// only on a unix socket in that folder (no TCP port at all), started on first use and stopped,
// folder removed, when the binary exits. Each test takes a fresh database of it.
//
// PostgreSQL refuses to run as root, so as root the cluster runs as `nobody` (runuser). Tests
// that need it skip when PostgreSQL's server binaries are not installed:
//   auto* cluster = agora::testing::PostgresCluster::Get();
//   if (!cluster) GTEST_SKIP() << agora::testing::PostgresCluster::WhyNot();
#pragma once

#include <pwd.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/connection.h"

namespace agora::testing {

class PostgresCluster {
 public:
  // The cluster, started on the first call; null when it cannot run here (see WhyNot).
  static PostgresCluster* Get() {
    static std::unique_ptr<PostgresCluster> cluster = Start();
    return cluster.get();
  }
  static std::string WhyNot() { return Reason(); }

  ~PostgresCluster() {
    Run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "stop"});
    std::filesystem::remove_all(dir_);
  }

  // The URL of a new, empty database.
  std::string NewDatabase() {
    static std::atomic<int> next{0};
    std::string name = "agora_test_" + std::to_string(++next);
    auto admin = storage::Connection::Open(Url("postgres"), storage::Connection::Mode::kReadWrite);
    if (!admin.ok()) return "postgresql:///unreachable";
    if (!(*admin)->exec("CREATE DATABASE " + name).ok()) return "postgresql:///unreachable";
    return Url(name);
  }

  std::string Url(const std::string& database) const {
    return "postgresql:///" + database + "?host=" + dir_ + "&user=agora";
  }

  // What tests/support/postgres_pair.h starts its clusters with too.

  static std::string& Reason() {
    static std::string reason;
    return reason;
  }

  // Debian installs one folder of server binaries per major version; the newest wins.
  static std::string FindBinaries() {
    std::string found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      std::string bin = entry.path().string() + "/bin";
      if (std::filesystem::exists(bin + "/initdb") && bin > found) found = bin;
    }
    return found;
  }

  // Runs `argv` (as `nobody` when we are root), its output appended to `log`; true on exit 0.
  static bool Run(std::vector<std::string> argv, const std::string& log = "/dev/null") {
    if (::geteuid() == 0) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "nobody", "--"});
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
      if (!std::freopen(log.c_str(), "a", stdout) || !std::freopen(log.c_str(), "a", stderr)) {
        ::_exit(127);
      }
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  // A new folder from `pattern` (mkdtemp's) that the cluster's user owns; empty on failure,
  // with the reason in Reason().
  static std::string MakeFolder(std::string pattern) {
    if (!::mkdtemp(pattern.data())) {
      Reason() = "mkdtemp failed";
      return {};
    }
    if (::geteuid() == 0) {
      const passwd* nobody = ::getpwnam("nobody");
      if (!nobody || ::chown(pattern.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
        Reason() = "cannot hand " + pattern + " to the user nobody";
        std::filesystem::remove_all(pattern);
        return {};
      }
    }
    return pattern;
  }

  // The data folder initdb makes, made once per user and PostgreSQL version and kept in /tmp
  // for every test binary after (initdb takes seconds, a copy a fraction of one); empty on
  // failure.
  static std::string Template(const std::string& bin, const std::string& log) {
    const std::string version = std::filesystem::path(bin).parent_path().filename().string();
    const std::string kept =
        "/tmp/agora-pg-template-" + std::to_string(::geteuid()) + "-" + version;
    if (std::filesystem::exists(kept + "/data/PG_VERSION")) return kept + "/data";
    std::string fresh = MakeFolder("/tmp/agora-pg-initdb-XXXXXX");
    if (fresh.empty()) return {};
    if (!Run({bin + "/initdb", "-D", fresh + "/data", "-U", "agora", "--auth=trust", "-E", "UTF8",
              "--locale=C", "--no-sync", "--no-instructions"},
             log)) {
      std::filesystem::remove_all(fresh);
      return {};
    }
    // Kept whole or not at all; when another binary kept its own first, either will do.
    if (::rename(fresh.c_str(), kept.c_str()) != 0) std::filesystem::remove_all(fresh);
    return std::filesystem::exists(kept + "/data/PG_VERSION") ? kept + "/data" : "";
  }

 private:
  PostgresCluster(std::string bin, std::string dir) : bin_(std::move(bin)), dir_(std::move(dir)) {}

  static std::unique_ptr<PostgresCluster> Start() {
    std::string bin = FindBinaries();
    if (bin.empty()) {
      Reason() = "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are not installed";
      return nullptr;
    }
    std::string dir = MakeFolder("/tmp/agora-pg-XXXXXX");
    if (dir.empty()) return nullptr;
    std::unique_ptr<PostgresCluster> cluster(new PostgresCluster(bin, dir));
    const std::string log = dir + "/cluster.log";
    const std::string data = Template(bin, log);
    // Tests need no durability across a power cut: fsync off keeps them quick.
    if (data.empty() || !Run({"/bin/cp", "-a", data, dir + "/data"}, log) ||
        !Run({bin + "/pg_ctl", "-D", dir + "/data", "-l", dir + "/server.log", "-w", "-o",
              "-c listen_addresses='' -k " + dir + " -c fsync=off", "start"},
             log)) {
      Reason() = "the PostgreSQL cluster did not start; see " + log;
      cluster->dir_ = "/nonexistent";  // keep the log for the reader
      return nullptr;
    }
    return cluster;
  }

  const std::string bin_;  // initdb and pg_ctl
  std::string dir_;        // the cluster's data, socket and logs
};

}  // namespace agora::testing
