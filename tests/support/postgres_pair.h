// A PostgreSQL primary and its streaming standby on loopback TCP ports, for failover tests: two
// throwaway clusters in one temporary folder, made by the test that needs them and removed with
// it. The primary is a copy of PostgresCluster's initdb template (whose pg_hba.conf trusts
// replication connections from loopback), started with synchronous_standby_names = '*': a
// commit returns only once the standby has it, so a promoted standby holds every acknowledged
// write. The standby is pg_basebackup -R of it. Start() returns once the standby streams in
// sync, which takes a few seconds.
//
// As root both run as `nobody`, like PostgresCluster. Tests skip when PostgreSQL's server
// binaries are not installed:
//   auto pair = agora::testing::PostgresPair::Start();
//   if (!pair) GTEST_SKIP() << agora::testing::PostgresPair::WhyNot();
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "storage/connection.h"
#include "storage/rows.h"
#include "tests/support/postgres_cluster.h"

namespace agora::testing {

class PostgresPair {
 public:
  // Both clusters, the standby in sync; null when they cannot run here (see WhyNot).
  static std::unique_ptr<PostgresPair> Start() {
    std::string bin = PostgresCluster::FindBinaries();
    if (bin.empty()) {
      Reason() = "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are not installed";
      return nullptr;
    }
    std::string dir = PostgresCluster::MakeFolder("/tmp/agora-pg-pair-XXXXXX");
    if (dir.empty()) {
      Reason() = PostgresCluster::WhyNot();
      return nullptr;
    }
    std::unique_ptr<PostgresPair> pair(new PostgresPair(bin, dir, FreePort(), FreePort()));
    if (std::string failed = pair->StartBoth(); !failed.empty()) {
      Reason() = failed + "; see " + dir + "/pair.log";
      pair->dir_ = "/nonexistent";  // keep the logs for the reader
      return nullptr;
    }
    return pair;
  }
  static std::string WhyNot() { return Reason(); }

  ~PostgresPair() {
    for (const char* cluster : {"/primary", "/standby"}) {
      PostgresCluster::Run({bin_ + "/pg_ctl", "-D", dir_ + cluster, "-m", "immediate", "stop"});
    }
    std::filesystem::remove_all(dir_);
  }
  PostgresPair(const PostgresPair&) = delete;
  PostgresPair& operator=(const PostgresPair&) = delete;

  // Creates `database` on the primary (the standby gets it by replication); false on failure.
  bool CreateDatabase(const std::string& database) const {
    auto admin = storage::Connection::Open(HostUrl(primary_port_, "postgres"),
                                           storage::Connection::Mode::kReadWrite);
    return admin.ok() && (*admin)->exec("CREATE DATABASE " + database).ok();
  }

  // Both hosts, as an operator lists them for Agora: libpq connects to the one that accepts
  // writes (Agora asks for target_session_attrs=read-write; the URL says it too).
  std::string FailoverUrl(const std::string& database) const {
    return "postgresql://127.0.0.1:" + std::to_string(primary_port_) +
           ",127.0.0.1:" + std::to_string(standby_port_) + "/" + database +
           "?target_session_attrs=read-write&user=agora";
  }
  // The standby alone (the primary once promoted).
  std::string StandbyUrl(const std::string& database) const {
    return HostUrl(standby_port_, database);
  }

  // Stops the primary the way a crash does: no checkpoint, connections cut.
  bool CrashPrimary() const {
    return PostgresCluster::Run(
        {bin_ + "/pg_ctl", "-D", dir_ + "/primary", "-m", "immediate", "stop"}, Log());
  }
  // Promotes the standby and waits until it accepts writes.
  bool PromoteStandby() const {
    return PostgresCluster::Run({bin_ + "/pg_ctl", "-D", dir_ + "/standby", "-w", "promote"},
                                Log());
  }

 private:
  PostgresPair(std::string bin, std::string dir, int primary_port, int standby_port)
      : bin_(std::move(bin)),
        dir_(std::move(dir)),
        primary_port_(primary_port),
        standby_port_(standby_port) {}

  static std::string& Reason() {
    static std::string reason;
    return reason;
  }

  // A TCP port free on loopback now (the kernel's choice; nothing holds it after).
  static int FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    if (fd >= 0) ::close(fd);
    return port;
  }

  std::string Log() const { return dir_ + "/pair.log"; }

  std::string HostUrl(int port, const std::string& database) const {
    return "postgresql://127.0.0.1:" + std::to_string(port) + "/" + database + "?user=agora";
  }

  // `pg_ctl start` of the cluster in `data` on `port` (TCP on loopback, its socket in dir_).
  bool StartCluster(const std::string& data, int port, const std::string& settings) const {
    // Tests need no durability across a power cut: fsync off keeps them quick.
    return PostgresCluster::Run({bin_ + "/pg_ctl", "-D", data, "-l", data + ".log", "-w", "-o",
                                 "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port) +
                                     " -k " + dir_ + " -c fsync=off " + settings,
                                 "start"},
                                Log());
  }

  // True once the primary reports the standby streaming in sync (within 30 s).
  bool WaitForSyncStandby() const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto admin = storage::Connection::Open(HostUrl(primary_port_, "postgres"),
                                             storage::Connection::Mode::kReadOnly);
      if (admin.ok()) {
        auto in_sync = storage::ReadInt64(**admin,
                                          "SELECT count(*) FROM pg_stat_replication WHERE "
                                          "state = 'streaming' AND sync_state = 'sync'");
        if (in_sync.ok() && in_sync->value_or(0) == 1) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Empty on success, else what failed.
  std::string StartBoth() const {
    if (primary_port_ == 0 || standby_port_ == 0) return "no free TCP port on loopback";
    const std::string data = PostgresCluster::Template(bin_, Log());
    if (data.empty()) return "initdb failed";
    if (!PostgresCluster::Run({"/bin/cp", "-a", data, dir_ + "/primary"}, Log())) {
      return "copying the template failed";
    }
    if (!StartCluster(dir_ + "/primary", primary_port_,
                      "-c wal_level=replica -c max_wal_senders=4 "
                      "-c synchronous_standby_names='*' -c synchronous_commit=on")) {
      return "the primary did not start";
    }
    if (!PostgresCluster::Run({bin_ + "/pg_basebackup", "-D", dir_ + "/standby", "-R", "-X",
                               "stream", "--checkpoint=fast", "--no-sync", "-h", "127.0.0.1", "-p",
                               std::to_string(primary_port_), "-U", "agora"},
                              Log())) {
      return "pg_basebackup failed";
    }
    if (!StartCluster(dir_ + "/standby", standby_port_, "")) return "the standby did not start";
    if (!WaitForSyncStandby()) return "the standby did not reach sync streaming within 30 s";
    return {};
  }

  const std::string bin_;
  std::string dir_;  // both clusters' data folders, their socket and logs
  const int primary_port_;
  const int standby_port_;
};

}  // namespace agora::testing
