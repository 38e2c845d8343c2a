// Issue 16 "Operators": backup, restore and migrate against the real executable; --version and
// options from a config file. (Options from the environment: tests/packaging's systemd test.)
#include "storage/maintenance.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "storage/connection.h"
#include "storage/migrations.h"
#include "storage/store.h"
#include "tests/integration/integration_test.h"
#include "tests/support/postgres_cluster.h"

namespace agora::integration {
namespace {

class MaintenanceTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    char pattern[] = "/tmp/agora-maintenance-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    IntegrationTest::TearDown();
    std::filesystem::remove_all(dir_);
  }
  int UserStatus(const std::string& username) {
    return Get("/api/v1/users/@" + username, admin_token_).status;
  }

  std::string dir_;
};

// On PostgreSQL, a new database stands for the typo: it holds no store either.
TEST_F(MaintenanceTest, BackupRefusesAFolderWithoutAStoreAndCreatesNothing) {
  const std::string typo = dir_ + "/dta";
  std::vector<std::string> args = {"backup", "--data", typo, "--to", dir_ + "/copy.db"};
  if (OnPostgres()) {
    args.insert(args.end(), {"--store", agora::testing::PostgresCluster::Get()->NewDatabase()});
  }
  CommandResult backup = RunAgora(args, std::nullopt);

  EXPECT_EQ(backup.exit_status, 1) << backup.output;
  EXPECT_NE(backup.output.find("no store"), std::string::npos) << backup.output;
  EXPECT_FALSE(std::filesystem::exists(typo));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/copy.db"));
}

// On PostgreSQL through pg_dump and pg_restore, into the server's database.
TEST_F(MaintenanceTest, BackupOfARunningServerIsPrivateAndRestoresIntoAStoppedOne) {
  CreateUser("before_backup");
  const std::string copy = dir_ + "/copy.db";
  CommandResult backup =
      RunAgora({"backup", "--data", server().data_dir(), "--to", copy}, std::nullopt);
  ASSERT_EQ(backup.exit_status, 0) << backup.output;
  struct stat info {};
  ASSERT_EQ(stat(copy.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  CreateUser("after_backup");

  CommandResult while_running =
      RunAgora({"restore", "--data", server().data_dir(), "--from", copy, "--force"}, std::nullopt);
  EXPECT_EQ(while_running.exit_status, 1) << while_running.output;
  EXPECT_NE(while_running.output.find("stop the server"), std::string::npos)
      << while_running.output;
  if (OnPostgres()) {
    // Another node's folder, free: the serving node's claim on its id alone refuses it.
    CommandResult other_node = RunAgora({"restore", "--data", dir_ + "/other-node", "--store",
                                         server().store_url(), "--from", copy, "--force"},
                                        std::nullopt);
    EXPECT_EQ(other_node.exit_status, 1) << other_node.output;
    EXPECT_NE(other_node.output.find("stop the server on every node"), std::string::npos)
        << other_node.output;
  }

  ASSERT_EQ(server().Stop(), 0);
  CommandResult without_force =
      RunAgora({"restore", "--data", server().data_dir(), "--from", copy}, std::nullopt);
  EXPECT_EQ(without_force.exit_status, 1) << without_force.output;
  EXPECT_NE(without_force.output.find("--force"), std::string::npos) << without_force.output;

  CommandResult restore =
      RunAgora({"restore", "--data", server().data_dir(), "--from", copy, "--force"}, std::nullopt);
  ASSERT_EQ(restore.exit_status, 0) << restore.output;
  if (OnPostgres()) {
    EXPECT_NE(restore.output.find("not kept"), std::string::npos) << restore.output;
  } else {
    EXPECT_TRUE(std::filesystem::exists(server().data_dir() + "/agora.db.before-restore"));
  }
  server().Restart();
  admin_token_ = server().LoginAdmin();
  EXPECT_EQ(UserStatus("before_backup"), 200);
  EXPECT_EQ(UserStatus("after_backup"), 404);
  // The emptied index is rebuilt from the restored store.
  EXPECT_TRUE(Eventually([&] {
    HttpResult found = Get("/api/v1/search/people?q=before_backup", admin_token_);
    return found.status == 200 && found.body.find("before_backup") != std::string::npos;
  }));
}

TEST_F(MaintenanceTest, RestoreRefusesAFileThatIsNotAnIntactStore) {
  CreateUser("kept");
  ASSERT_EQ(server().Stop(), 0);
  const std::string garbage = dir_ + "/garbage.db";
  std::ofstream(garbage) << "SQLite format 3" << std::string(4096, 'x');

  CommandResult restore = RunAgora(
      {"restore", "--data", server().data_dir(), "--from", garbage, "--force"}, std::nullopt);

  EXPECT_EQ(restore.exit_status, 1) << restore.output;
  server().Restart();
  admin_token_ = server().LoginAdmin();
  EXPECT_EQ(UserStatus("kept"), 200);
}

TEST_F(MaintenanceTest, AStoreOfAnEarlierReleaseIsUpgradedOnlyByMigrate) {
  const std::string data = dir_ + "/old";
  std::filesystem::create_directories(data);
  {
    auto connection =
        storage::Connection::Open(data + "/agora.db", storage::Connection::Mode::kReadWrite);
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE(storage::MigrateTo(**connection, storage::SchemaVersion() - 1).ok());
  }
  const std::string last_step = "step " + std::to_string(storage::SchemaVersion());

  CommandResult serve = RunAgora({"serve", "--data", data, "--listen", "127.0.0.1:0"}, std::nullopt,
                                 std::chrono::seconds(10));
  EXPECT_EQ(serve.exit_status, 1) << serve.output;
  EXPECT_NE(serve.output.find("back it up first"), std::string::npos) << serve.output;

  // The upgrade's first step works on the store as it is.
  CommandResult backup =
      RunAgora({"backup", "--data", data, "--to", dir_ + "/before-upgrade.db"}, std::nullopt);
  EXPECT_EQ(backup.exit_status, 0) << backup.output;

  CommandResult dry_run = RunAgora({"migrate", "--data", data, "--dry-run"}, std::nullopt);
  EXPECT_EQ(dry_run.exit_status, 0) << dry_run.output;
  EXPECT_NE(dry_run.output.find(last_step + ":"), std::string::npos) << dry_run.output;
  CommandResult still_behind = RunAgora({"migrate", "--data", data, "--dry-run"}, std::nullopt);
  EXPECT_NE(still_behind.output.find(last_step + ":"), std::string::npos)
      << "--dry-run changed the store: " << still_behind.output;

  CommandResult migrate = RunAgora({"migrate", "--data", data}, std::nullopt);
  EXPECT_EQ(migrate.exit_status, 0) << migrate.output;
  CommandResult added =
      RunAgora({"user", "add", "--data", data, "--username", "eve", "--display-name", "Eve",
                "--email", "eve@example.com", "--password-cost", "minimum"},
               std::string("a-long-password-1\n"));
  EXPECT_EQ(added.exit_status, 0) << added.output;
}

TEST_F(MaintenanceTest, VersionAndOptionsFromAConfigFile) {
  CommandResult version = RunAgora({"--version"}, std::nullopt);
  EXPECT_EQ(version.exit_status, 0) << version.output;
  EXPECT_EQ(version.output.rfind("agora ", 0), 0u) << version.output;

  // A [backup] table gives backup its --data: the error names the folder the file gave.
  const std::string config = dir_ + "/agora.toml";
  std::ofstream(config) << "[backup]\ndata = \"" << dir_ << "/from-config\"\n";
  CommandResult backup =
      RunAgora({"--config", config, "backup", "--to", dir_ + "/copy.db"}, std::nullopt);
  EXPECT_EQ(backup.exit_status, 1) << backup.output;
  EXPECT_NE(backup.output.find("from-config"), std::string::npos) << backup.output;
}

}  // namespace
}  // namespace agora::integration
