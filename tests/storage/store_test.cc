#include "storage/store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "storage/maintenance.h"
#include "storage/migrations.h"

namespace agora::storage {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agora-store-XXXXXX";
    dir_ = mkdtemp(pattern);
    options_.path = dir_ + "/agora.db";
    auto store = Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_
                    ->write([](Connection& c) {
                      return c.exec(
                          "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
                    })
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status Insert(int id, const std::string& name) {
    return store_->write([&](Connection& c) -> Status {
      auto stmt = c.prepare("INSERT INTO items (id, name) VALUES (?, ?)");
      if (!stmt.ok()) return stmt.status();
      (*stmt)->bind(1, int64_t{id}).bind(2, name);
      return (*stmt)->run();
    });
  }

  int64_t Count() {
    return store_->read([](Connection& c) -> int64_t {
      auto stmt = c.prepare("SELECT count(*) FROM items");
      (*stmt)->step();
      return (*stmt)->column_int64(0);
    });
  }

  std::string dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, MigrationsSetTheSchemaVersion) {
  int64_t version = store_->read([](Connection& c) {
    auto stmt = c.prepare("PRAGMA user_version");
    (*stmt)->step();
    return (*stmt)->column_int64(0);
  });
  EXPECT_EQ(version, SchemaVersion());
}

TEST_F(StoreTest, UsesWriteAheadLogging) {
  std::string mode = store_->read([](Connection& c) {
    auto stmt = c.prepare("PRAGMA journal_mode");
    (*stmt)->step();
    return (*stmt)->column_text(0);
  });
  EXPECT_EQ(mode, "wal");
}

TEST_F(StoreTest, AWriteIsVisibleToReadersOnceAcknowledged) {
  ASSERT_TRUE(Insert(1, "one").ok());
  EXPECT_EQ(Count(), 1);
}

TEST_F(StoreTest, ConcurrentWritesShareTransactions) {
  StoreStats before = store_->stats();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!Insert(t * 1000 + i + 1, "n" + std::to_string(t * 1000 + i)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  StoreStats after = store_->stats();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count(), 800);
  EXPECT_EQ(after.writes - before.writes, 800u);
  // Group commit: with 16 writers waiting, transactions carry many writes each.
  EXPECT_LT(after.transactions - before.transactions, 800u);
}

TEST_F(StoreTest, AFailingWriteRollsBackAloneAndReportsConflict) {
  ASSERT_TRUE(Insert(1, "taken").ok());
  Status failed = store_->write([](Connection& c) -> Status {
    AGORA_RETURN_IF_ERROR(c.exec("INSERT INTO items (id, name) VALUES (2, 'partial')"));
    return c.exec("INSERT INTO items (id, name) VALUES (3, 'taken')");  // unique violation
  });
  EXPECT_EQ(failed.code(), StatusCode::kConflict);
  ASSERT_TRUE(Insert(4, "after").ok());
  EXPECT_EQ(Count(), 2);  // 'taken' and 'after'; 'partial' rolled back with its write
}

TEST_F(StoreTest, WriteValueReturnsTheProducedValue) {
  auto changed = store_->write_value<int64_t>([](Connection& c) -> Result<int64_t> {
    AGORA_RETURN_IF_ERROR(c.exec("INSERT INTO items (name) VALUES ('x'), ('y')"));
    return c.changes();
  });
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 2);
}

TEST_F(StoreTest, WritesAreRefusedAfterStop) {
  store_->Stop();
  EXPECT_EQ(Insert(1, "late").code(), StatusCode::kUnavailable);
}

TEST_F(StoreTest, DataSurvivesReopening) {
  ASSERT_TRUE(Insert(7, "kept").ok());
  store_.reset();
  auto reopened = Store::Open(options_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  EXPECT_EQ(Count(), 1);
}

TEST_F(StoreTest, BackupCopiesACommittedSnapshot) {
  ASSERT_TRUE(Insert(1, "a").ok());
  ASSERT_TRUE(Insert(2, "b").ok());
  std::string copy = dir_ + "/backup.db";
  ASSERT_TRUE(store_->BackupTo(copy).ok());
  StoreOptions copy_options;
  copy_options.path = copy;
  auto restored = Store::Open(copy_options);
  ASSERT_TRUE(restored.ok());
  int64_t rows = (*restored)->read([](Connection& c) {
    auto stmt = c.prepare("SELECT count(*) FROM items");
    (*stmt)->step();
    return (*stmt)->column_int64(0);
  });
  EXPECT_EQ(rows, 2);
}

TEST_F(StoreTest, BackupIsPrivateAndNeverOverwritesTheStore) {
  ASSERT_TRUE(Insert(1, "a").ok());
  std::string copy = dir_ + "/backup.db";
  {
    std::ofstream existing(copy);  // a world-readable file already there is made private
  }
  std::filesystem::permissions(copy, std::filesystem::perms::all);

  ASSERT_TRUE(store_->BackupTo(copy).ok());
  EXPECT_EQ(std::filesystem::status(copy).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(store_->BackupTo(options_.path).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->read([](Connection& c) {
    auto stmt = c.prepare("SELECT count(*) FROM items");
    (*stmt)->step();
    return (*stmt)->column_int64(0);
  }),
            1);
}

TEST(StoreMigrations, AStoreBehindIsRefusedUntilMigratedAndANewOneIsNot) {
  char pattern[] = "/tmp/agora-store-XXXXXX";
  std::string dir = mkdtemp(pattern);
  std::string old_path = dir + "/old.db";
  {
    auto c = Connection::Open(old_path, Connection::Mode::kReadWrite);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(MigrateTo(**c, SchemaVersion() - 1).ok());
  }

  EXPECT_EQ(CheckSchemaIsCurrent(old_path).code(), StatusCode::kUnavailable);
  EXPECT_TRUE(CheckSchemaIsCurrent(dir + "/missing.db").ok());
  {
    auto c = Connection::Open(old_path, Connection::Mode::kReadWrite);
    EXPECT_EQ(*StoredSchemaVersion(**c), SchemaVersion() - 1);
    ASSERT_TRUE(Migrate(**c).ok());
    EXPECT_EQ(*StoredSchemaVersion(**c), SchemaVersion());
  }
  EXPECT_TRUE(CheckSchemaIsCurrent(old_path).ok());
  std::filesystem::remove_all(dir);
}

TEST(StoreMigrations, EveryStepSaysWhatItChanges) {
  for (int step = 1; step <= SchemaVersion(); ++step) {
    EXPECT_FALSE(DescribeMigration(step).empty()) << "step " << step;
  }
}

TEST(StoreOpen, RefusesADatabaseFromANewerSchema) {
  char pattern[] = "/tmp/agora-store-XXXXXX";
  std::string dir = mkdtemp(pattern);
  StoreOptions options;
  options.path = dir + "/agora.db";
  {
    auto c = Connection::Open(options.path, Connection::Mode::kReadWrite);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->exec("PRAGMA user_version=" + std::to_string(SchemaVersion() + 1)).ok());
  }
  auto store = Store::Open(options);
  EXPECT_FALSE(store.ok());
  std::filesystem::remove_all(dir);
}

TEST_F(StoreTest, AUseCaseThatFailsDropsItsWritesAndItsEffects) {
  std::atomic<int> effects{0};
  Status failed = store_->Transact([&](Transaction& tx) -> Status {
    AGORA_RETURN_IF_ERROR(tx.connection().exec("INSERT INTO items (id, name) VALUES (1, 'a')"));
    tx.AfterCommitInOrder([&] { effects.fetch_add(1); });
    tx.AfterCommit([&] { effects.fetch_add(1); });
    return Status::Conflict("rule", "the rule said no");
  });
  EXPECT_EQ(failed.error_code(), "rule");
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(effects.load(), 0);
}

TEST_F(StoreTest, EffectsRunOnceAfterTheCommitInOrderThenOnTheCallingThread) {
  std::vector<std::string> seen;  // written by the writer, then by this thread, never at once
  std::thread::id in_order_thread, after_thread;
  Status status = store_->Transact([&](Transaction& tx) -> Status {
    AGORA_RETURN_IF_ERROR(tx.connection().exec("INSERT INTO items (id, name) VALUES (1, 'a')"));
    tx.AfterCommit([&] {
      after_thread = std::this_thread::get_id();
      seen.push_back("after");
    });
    tx.AfterCommitInOrder([&] {
      in_order_thread = std::this_thread::get_id();
      // Committed already: a reader sees the row.
      seen.push_back(Count() == 1 ? "in order, committed" : "in order, not committed");
    });
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(seen, (std::vector<std::string>{"in order, committed", "after"}));
  EXPECT_NE(in_order_thread, std::this_thread::get_id());
  EXPECT_EQ(after_thread, std::this_thread::get_id());
}

TEST_F(StoreTest, ACommitThatFailsFailsEveryUseCaseOfItsGroupWithoutEffects) {
  // A deferred foreign key fails at COMMIT, after every savepoint of the group was released.
  ASSERT_TRUE(store_
                  ->write([](Connection& c) {
                    return c.exec(
                        "CREATE TABLE children (id INTEGER PRIMARY KEY, item_id INTEGER "
                        "REFERENCES items(id) DEFERRABLE INITIALLY DEFERRED)");
                  })
                  .ok());
  std::atomic<int> effects{0};
  std::vector<std::thread> clients;
  std::vector<Status> results(8);
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      results[i] = store_->Transact([&, i](Transaction& tx) -> Status {
        // The first one writes an orphan that no savepoint notices.
        std::string sql = i == 0 ? "INSERT INTO children (id, item_id) VALUES (1, 999)"
                                 : "INSERT INTO items (id, name) VALUES (" +
                                       std::to_string(100 + i) + ", 'n" + std::to_string(i) + "')";
        AGORA_RETURN_IF_ERROR(tx.connection().exec(sql));
        tx.AfterCommitInOrder([&] { effects.fetch_add(1); });
        return Status::Ok();
      });
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_FALSE(results[0].ok());
  // Whatever shared the orphan's group failed with it and left nothing; the rest committed.
  int committed = 0;
  for (const auto& r : results) committed += r.ok() ? 1 : 0;
  EXPECT_EQ(Count(), committed);
  EXPECT_EQ(effects.load(), committed);
}

}  // namespace
}  // namespace agora::storage
