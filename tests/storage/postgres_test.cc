#include "storage/postgres.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "storage/node_session.h"
#include "storage/outbox.h"
#include "storage/rows.h"
#include "storage/store.h"
#include "tests/support/postgres_cluster.h"

namespace agora::storage {
namespace {

TEST(TranslatePlaceholders, NumbersBarePlaceholdersAsSqliteDoes) {
  int count = 0;
  EXPECT_EQ(TranslatePlaceholders("SELECT ? + ?", &count), "SELECT $1 + $2");
  EXPECT_EQ(count, 2);
  // A bare ? takes the number after the largest so far.
  EXPECT_EQ(TranslatePlaceholders("WHERE a = ?3 AND b = ? AND c = ?1", &count),
            "WHERE a = $3 AND b = $4 AND c = $1");
  EXPECT_EQ(count, 4);
}

TEST(TranslatePlaceholders, LeavesQuotedTextAndCommentsAlone) {
  int count = 0;
  EXPECT_EQ(TranslatePlaceholders("SELECT '?', 'it''s ?1', \"odd?\" -- why?\n, ?2 /* ? */", &count),
            "SELECT '?', 'it''s ?1', \"odd?\" -- why?\n, $2 /* ? */");
  EXPECT_EQ(count, 2);
}

// A connection to a fresh database of the test binary's cluster, with the Agora schema.
class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* cluster = testing::PostgresCluster::Get();
    if (!cluster) GTEST_SKIP() << testing::PostgresCluster::WhyNot();
    url_ = cluster->NewDatabase();
    auto c = Connection::Open(url_, Connection::Mode::kReadWrite);
    ASSERT_TRUE(c.ok()) << c.status().message();
    c_ = std::move(*c);
    ASSERT_TRUE(Migrate(*c_).ok());
  }

  std::string url_;
  std::unique_ptr<Connection> c_;
};

TEST_F(PostgresTest, AParameterTheSqlCannotTypeIsABigintWhenNullAndTextWhenText) {
  ASSERT_TRUE(
      c_->exec("CREATE TABLE t (id BIGINT PRIMARY KEY); INSERT INTO t VALUES (1), (2)").ok());
  // PostgreSQL cannot type ?1 from `?1 IS NULL`, which it meets first.
  const char* by_id = "SELECT count(*) FROM t WHERE ?1 IS NULL OR id < ?1";
  auto all = ReadInt64(*c_, by_id, std::optional<int64_t>());
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(**all, 2);
  EXPECT_EQ(*ReadInt64(*c_, by_id, int64_t{2}), 1);
  const char* by_text = "SELECT count(*) FROM t WHERE ?1 IS NULL OR id::text = ?1";
  auto two = ReadInt64(*c_, by_text, "2");
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(**two, 1);
  // Only the parameter PostgreSQL cannot type is taken as a bigint: ?2, a NULL it can type from
  // the SQL, stays text.
  auto mixed = ReadInt64(*c_,
                         "SELECT count(*) FROM t WHERE (?1 IS NULL OR id < ?1) "
                         "AND (CAST(?2 AS TEXT) IS NULL OR id::text = ?2)",
                         std::optional<int64_t>(), std::optional<std::string>());
  ASSERT_TRUE(mixed.ok()) << mixed.status().message();
  EXPECT_EQ(**mixed, 2);
}

TEST_F(PostgresTest, ReadsBooleansAsOneAndZeroAndBlobsAsTheirBytes) {
  std::string bytes("\0\xff\x01", 3);
  auto row = ReadOne(
      *c_, "SELECT 1 = 1, 1 = 2, ?1::bytea, ?2",
      [](Statement& s) {
        return std::tuple(s.column_int64(0), s.column_int64(1), s.column_text(2),
                          s.column_double(3));
      },
      Blob{bytes}, 0.1);
  ASSERT_TRUE(row.ok()) << row.status().message();
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ(std::get<0>(**row), 1);
  EXPECT_EQ(std::get<1>(**row), 0);
  EXPECT_EQ(std::get<2>(**row), bytes);
  EXPECT_EQ(std::get<3>(**row), 0.1);  // doubles travel exactly
}

TEST_F(PostgresTest, AConstraintViolationIsAConflictAndChangesCountRows) {
  ASSERT_TRUE(c_->exec("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(storage::Run(*c_, "INSERT INTO t VALUES (?), (?)", int64_t{1}, int64_t{2}).ok());
  EXPECT_EQ(c_->changes(), 2);
  ASSERT_TRUE(ReadInt64(*c_, "SELECT count(*) FROM t").ok());
  EXPECT_EQ(c_->changes(), 2);  // a SELECT changes nothing, as in SQLite
  EXPECT_EQ(storage::Run(*c_, "INSERT INTO t VALUES (?)", int64_t{1}).code(),
            StatusCode::kConflict);
}

TEST_F(PostgresTest, AUniqueViolationNamesItsColumnsAsSqliteDoes) {
  ASSERT_TRUE(c_->exec("CREATE TABLE t (a BIGINT, b TEXT, UNIQUE (a, b)); "
                       "CREATE UNIQUE INDEX t_b ON t (lower(b)) WHERE a > 5; "
                       "INSERT INTO t VALUES (1, 'x'), (6, 'y')")
                  .ok());
  Status pair = c_->exec("INSERT INTO t VALUES (1, 'x')");
  EXPECT_NE(pair.message().find("UNIQUE constraint failed: t.a, t.b"), std::string::npos)
      << pair.message();
  Status folded = c_->exec("INSERT INTO t VALUES (7, 'Y')");
  EXPECT_NE(folded.message().find("UNIQUE constraint failed: t.b)"), std::string::npos)
      << folded.message();
}

TEST_F(PostgresTest, AReadOnlyConnectionRefusesWrites) {
  ASSERT_TRUE(c_->exec("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  auto reader = Connection::Open(url_, Connection::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE((*reader)->exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_TRUE(ReadInt64(**reader, "SELECT count(*) FROM t").ok());
}

TEST_F(PostgresTest, ACommitAfterAFailedStatementIsAnError) {
  ASSERT_TRUE(c_->BeginWrite().ok());
  EXPECT_FALSE(c_->exec("SELECT no_such_column FROM users").ok());
  EXPECT_FALSE(c_->Commit().ok());  // PostgreSQL rolled it back
}

TEST_F(PostgresTest, MigratingAgainChangesNothing) {
  ASSERT_TRUE(Migrate(*c_).ok());
  auto tables = ReadInt64(*c_, "SELECT count(*) FROM agora_schema");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(**tables, 1);
}

TEST_F(PostgresTest, TheOutboxRemembersItsLastSeqAfterPruning) {
  EXPECT_EQ(*LastOutboxSeq(*c_), 0);
  ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kPost, 42).ok());
  ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kUser, 7).ok());
  auto entries = ReadOutbox(*c_, 0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].entity_id, 7);
  ASSERT_TRUE(PruneOutbox(*c_, (*entries)[1].seq).ok());
  EXPECT_EQ(*LastOutboxSeq(*c_), (*entries)[1].seq);
}

// Two nodes' writers: the second one's entry may not become visible before the first one's
// lower seq commits, or a tailer reading "seq > last" would skip the first forever.
TEST_F(PostgresTest, OutboxEntriesBecomeVisibleInSeqOrderAcrossWriters) {
  auto second = Connection::Open(url_, Connection::Mode::kReadWrite);
  ASSERT_TRUE(second.ok()) << second.status().message();
  ASSERT_TRUE(c_->BeginWrite().ok());
  ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kPost, 1).ok());  // takes the lower seq
  std::atomic<bool> committed{false};
  std::thread other([&] {
    EXPECT_TRUE((*second)->BeginWrite().ok());
    EXPECT_TRUE(AppendOutbox(**second, OutboxTopic::kPost, 2).ok());
    EXPECT_TRUE((*second)->Commit().ok());
    committed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto reader = Connection::Open(url_, Connection::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  auto seen = ReadOutbox(**reader, 0, 10);
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(seen->empty()) << "a later writer committed while an earlier one was open";
  EXPECT_FALSE(committed.load());
  ASSERT_TRUE(c_->Commit().ok());
  other.join();
  seen = ReadOutbox(**reader, 0, 10);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[0].entity_id, 1);
  EXPECT_LT((*seen)[0].seq, (*seen)[1].seq);
}

TEST_F(PostgresTest, OutboxEntriesCarryTheirKindSubjectAndNode) {
  ASSERT_TRUE(c_->exec("SET agora.node_id = '7'").ok());
  ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kFollow, 5, OutboxKind::kRemoved, 6).ok());
  auto entries = ReadOutbox(*c_, 0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].topic, OutboxTopic::kFollow);
  EXPECT_EQ((*entries)[0].kind, OutboxKind::kRemoved);
  EXPECT_EQ((*entries)[0].subject_id, 6);
  EXPECT_EQ((*entries)[0].node_id, 7);
}

TEST_F(PostgresTest, PruningKeepsWhatALiveNodeHasNotApplied) {
  for (Id id = 1; id <= 4; ++id) ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kPost, id).ok());
  auto entries = ReadOutbox(*c_, 0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_TRUE(RecordNodeProgress(*c_, 1, (*entries)[3].seq).ok());
  ASSERT_TRUE(RecordNodeProgress(*c_, 2, (*entries)[1].seq).ok());
  ASSERT_TRUE(PruneOutbox(*c_, (*entries)[3].seq).ok());
  auto left = ReadOutbox(*c_, 0, 10);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);  // node 2 has applied only the first two
  EXPECT_EQ((*left)[0].entity_id, 3);
}

TEST_F(PostgresTest, ANodeIdIsHeldByOneLiveSessionAtATime) {
  auto first = NodeSession::Claim(url_, 3);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto twin = NodeSession::Claim(url_, 3);
  ASSERT_FALSE(twin.ok());
  EXPECT_EQ(twin.status().error_code(), "node_id_in_use");
  EXPECT_TRUE(NodeSession::Claim(url_, 4).ok());
  // A notification committed by any writer wakes the session.
  ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kPost, 1).ok());
  auto woken = (*first)->Wait(std::chrono::seconds(5));
  ASSERT_TRUE(woken.ok());
  EXPECT_TRUE(*woken);
  first->reset();  // the node ends: its id is free at once
  EXPECT_TRUE(NodeSession::Claim(url_, 3).ok());
}

// Ends every other session on the test's database, as a server restart or a failover would, and
// waits until they are gone.
void CutOtherSessions(Connection& admin) {
  ASSERT_TRUE(admin
                  .exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                        "datname = current_database() AND pid <> pg_backend_pid()")
                  .ok());
  for (int waited = 0; waited < 500; ++waited) {
    auto left = ReadInt64(admin,
                          "SELECT count(*) FROM pg_stat_activity WHERE "
                          "datname = current_database() AND pid <> pg_backend_pid()");
    ASSERT_TRUE(left.ok()) << left.status().message();
    if (left->value_or(0) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "the sessions did not end";
}

TEST_F(PostgresTest, AStoreWhoseConnectionsWereCutAnswersUnavailableOnceThenReconnects) {
  StoreOptions options;
  options.path = url_;
  options.reader_connections = 1;
  options.node_id = 7;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto read = [&] {
    return (*store)->read([](Connection& c) { return ReadInt64(c, "SELECT 1"); });
  };
  auto node_id = [&] {
    return (*store)->write_value<std::string>([](Connection& c) -> Result<std::string> {
      auto row = ReadOne(c, "SELECT current_setting('agora.node_id')",
                         [](Statement& s) { return s.column_text(0); });
      if (!row.ok()) return row.status();
      return row->value_or("");
    });
  };
  ASSERT_TRUE(read().ok());
  ASSERT_TRUE(node_id().ok());

  CutOtherSessions(*c_);
  // The call that meets a cut connection fails, and is not retried (a COMMIT cut off has an
  // unknown outcome); the next one runs on a new connection.
  EXPECT_EQ(read().status().code(), StatusCode::kUnavailable);
  auto again = read();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->value_or(0), 1);
  EXPECT_EQ(node_id().status().code(), StatusCode::kUnavailable);
  auto written = node_id();
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(*written, "7") << "the new writer connection sets the node id again";
  // The new reader is read-only again.
  Status refused = (*store)->read([](Connection& c) { return c.exec("CREATE TABLE t (a int)"); });
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.code(), StatusCode::kUnavailable);
}

TEST_F(PostgresTest, ALostNodeSessionReclaimsItsIdUnlessAnotherNodeTookIt) {
  auto session = NodeSession::Claim(url_, 3);
  ASSERT_TRUE(session.ok()) << session.status().message();
  CutOtherSessions(*c_);
  // The server's goodbye may come apart from the end of the connection: a wait or two.
  bool lost = false;
  for (int waits = 0; waits < 5 && !lost; ++waits) {
    lost = !(*session)->Wait(std::chrono::seconds(1)).ok();
  }
  EXPECT_TRUE(lost);
  {
    auto rival = NodeSession::Claim(url_, 3);  // the lock went with the connection
    ASSERT_TRUE(rival.ok()) << rival.status().message();
    EXPECT_EQ((*session)->Reclaim().error_code(), "node_id_in_use");
  }
  ASSERT_TRUE((*session)->Reclaim().ok());
  EXPECT_EQ(NodeSession::Claim(url_, 3).status().error_code(), "node_id_in_use");
  // It listens again.
  ASSERT_TRUE(AppendOutbox(*c_, OutboxTopic::kPost, 1).ok());
  auto woken = (*session)->Wait(std::chrono::seconds(5));
  ASSERT_TRUE(woken.ok()) << woken.status().message();
  EXPECT_TRUE(*woken);
}

TEST_F(PostgresTest, LargestStoredIdSpansPeopleFollowsAndPosts) {
  ASSERT_TRUE(c_->exec("INSERT INTO users (id, username, email, display_name, password_hash, "
                       "role, created_at, updated_at) VALUES (5, 'a', 'a@x', 'A', '', 'member', "
                       "0, 0); INSERT INTO posts (id, author_id, kind, text, created_at) "
                       "VALUES (9, 5, 'status', 'hi', 0)")
                  .ok());
  EXPECT_EQ(*LargestStoredId(*c_), 9);
}

}  // namespace
}  // namespace agora::storage
