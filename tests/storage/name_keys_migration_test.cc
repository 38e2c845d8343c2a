// Schema step 14 on a database written by an older build: names that only looked different
// become keys that clash, and each clash is settled visibly.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "storage/migrations.h"
#include "storage/rows.h"
#include "storage/store.h"

namespace agora::storage {
namespace {

constexpr int kVersionBeforeNameKeys = 13;

class NameKeysMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agora-migrate-XXXXXX";
    dir_ = mkdtemp(pattern);
    options_.path = dir_ + "/agora.db";
    auto old = Connection::Open(options_.path, Connection::Mode::kReadWrite);
    ASSERT_TRUE(old.ok());
    ASSERT_TRUE((*old)->exec("PRAGMA foreign_keys=ON").ok());
    ASSERT_TRUE(MigrateTo(**old, kVersionBeforeNameKeys).ok());
    ASSERT_TRUE(
        (*old)
            ->exec("INSERT INTO users (id, username, email, display_name, password_hash, "
                   "role, created_at, updated_at) VALUES "
                   "(1, 'gabriel', 'Gabriel.Laurent@example.com', 'G', '', 'member', 0, 0),"
                   "(2, 'glaurent', 'gabriel.laurent@example.com', 'G', '', 'member', 0, 0),"
                   "(3, 'other', 'other@example.com', 'O', '', 'member', 0, 0);"
                   "INSERT INTO communities (id, name, name_key, visibility, created_by, "
                   "created_at, updated_at) VALUES "
                   "(10, 'Caf\u00e9 Eco', 'caf\u00e9 eco', 'open', 1, 0, 0),"
                   "(11, 'Cafe\u0301 Eco', 'cafe\u0301 eco', 'private', 1, 0, 0),"
                   "(12, 'CAF\u00c9 ECO', 'caf\u00e9 eco ', 'secret', 1, 0, 0);"
                   "INSERT INTO memberships (community_id, user_id, role, state, since) "
                   "VALUES (11, 1, 'owner', 'member', 0), (12, 2, 'owner', 'member', 0);")
            .ok());
    old->reset();
    auto store = Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Text(const char* sql, int64_t id) {
    return store_->read([&](Connection& c) {
      auto stmt = c.prepare(sql);
      (*stmt)->bind(1, id);
      (*stmt)->step();
      return (*stmt)->column_text(0);
    });
  }

  std::string dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_F(NameKeysMigrationTest, TheYoungerOfTwoClashingListedCommunitiesGetsItsIdAppended) {
  EXPECT_EQ(Text("SELECT name FROM communities WHERE id = ?", 10), "Caf\u00e9 Eco");
  EXPECT_EQ(Text("SELECT name FROM communities WHERE id = ?", 11), "Caf\u00e9 Eco (11)");
  EXPECT_EQ(Text("SELECT name_key FROM communities WHERE id = ?", 11), "caf\u00e9 eco (11)");
}

TEST_F(NameKeysMigrationTest, ASecretCommunityKeepsANameThatAListedOneHas) {
  EXPECT_EQ(Text("SELECT name FROM communities WHERE id = ?", 12), "CAF\u00c9 ECO");
  EXPECT_EQ(Text("SELECT name_key FROM communities WHERE id = ?", 12), "caf\u00e9 eco");
}

TEST_F(NameKeysMigrationTest, MembershipsSurviveTheRebuildAndForeignKeysAreEnforcedAgain) {
  EXPECT_EQ(Text("SELECT count(*) FROM memberships WHERE community_id = ?", 11), "1");
  Status orphan = store_->write([](Connection& c) {
    return c.exec(
        "INSERT INTO memberships (community_id, user_id, role, state, since) "
        "VALUES (999, 1, 'member', 'member', 0)");
  });
  EXPECT_FALSE(orphan.ok());
}

TEST_F(NameKeysMigrationTest, TheYoungerOfTwoClashingEmailsKeepsItsEmailButNotTheKey) {
  EXPECT_EQ(Text("SELECT email_key FROM users WHERE id = ?", 1), "gabriel.laurent@example.com");
  EXPECT_EQ(Text("SELECT email_key FROM users WHERE id = ?", 2), "gabriel.laurent@example.com#2");
  EXPECT_EQ(Text("SELECT email FROM users WHERE id = ?", 2), "gabriel.laurent@example.com");
  EXPECT_EQ(Text("SELECT email_key FROM users WHERE id = ?", 3), "other@example.com");
}

TEST_F(NameKeysMigrationTest, ListedNamesAreUniqueByKeyAfterwards) {
  Status clash = store_->write([](Connection& c) {
    return c.exec(
        "INSERT INTO communities (id, name, name_key, visibility, created_by, created_at, "
        "updated_at) VALUES (13, 'x', 'caf\u00e9 eco', 'open', 1, 0, 0)");
  });
  EXPECT_EQ(clash.code(), StatusCode::kConflict);
}

}  // namespace
}  // namespace agora::storage
