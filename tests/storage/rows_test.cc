#include "storage/rows.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/support/temp_store.h"

namespace agora::storage {
namespace {

// The helpers on each engine.
class RowsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    std::string sql = GetParam() == Engine::kPostgres
                          ? "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT, "
                            "weight DOUBLE PRECISION, note TEXT, data BYTEA); "
                          : "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, "
                            "weight REAL, note TEXT, data BLOB); ";
    sql +=
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 1200) INSERT INTO things (id, name) "
        "SELECT i, 'thing' || i FROM n";
    ASSERT_TRUE(store_->write([&](Connection& c) { return c.exec(sql); }).ok());
  }

  agora::testing::TempStore store_{GetParam()};
};

AGORA_INSTANTIATE_ON_EACH_ENGINE(RowsTest);

constexpr char kColumns[] = "id, name";
constexpr auto kByIds =
    Sql("SELECT ", kColumns, " FROM things WHERE id IN (SELECT value FROM json_each(?1))");

TEST(SqlTest, JoinsItsPartsAtCompileTime) {
  static_assert(std::string_view(Sql("SELECT ", kColumns, " FROM t").data()) ==
                "SELECT id, name FROM t");
  EXPECT_STREQ(kByIds.data(),
               "SELECT id, name FROM things WHERE id IN (SELECT value FROM json_each(?1))");
}

TEST(IdArrayTest, WritesAJsonArray) {
  EXPECT_EQ(IdArray(std::vector<int64_t>{}), "[]");
  EXPECT_EQ(IdArray(std::vector<int64_t>{3, -1, 9007199254740993}), "[3,-1,9007199254740993]");
}

TEST_P(RowsTest, ReadByIdsSpansBatchesAndInOrderOfKeepsTheOrderGiven) {
  std::vector<int64_t> ids;
  for (int64_t id = 1200; id >= 1; id -= 2) ids.push_back(id);
  ids.push_back(5000);  // unknown
  ids.push_back(1200);  // asked twice
  auto found = store_->read([&](Connection& c) {
    return ReadByIds(
        c, kByIds.data(), ids,
        [](Statement& s) { return std::pair(s.column_int64(0), s.column_text(1)); },
        [](const auto& row) { return row.first; });
  });
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 600u);
  auto ordered = InOrderOf(std::span<const int64_t>(ids), *found);
  ASSERT_EQ(ordered.size(), 601u);
  EXPECT_EQ(ordered.front().first, 1200);
  EXPECT_EQ(ordered[1].second, "thing1198");
  EXPECT_EQ(ordered[599].first, 2);
  EXPECT_EQ(ordered.back().first, 1200);
}

TEST_P(RowsTest, ForEachBatchCutsIdsIntoBatchesInOrder) {
  std::vector<int64_t> ids(kIdBatch * 2 + 1);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i);
  std::vector<std::string> batches;
  ASSERT_TRUE(ForEachBatch(ids, [&](const std::string& batch) {
                batches.push_back(batch);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_TRUE(batches[0].starts_with("[0,1,"));
  EXPECT_EQ(batches[2], "[" + std::to_string(kIdBatch * 2) + "]");
}

TEST_P(RowsTest, BindsDoublesAsRealsEmptyOptionalsAsNullAndBlobsAsBlobs) {
  std::string bytes("a\0b", 3);
  ASSERT_TRUE(store_
                  ->write([&](Connection& c) {
                    return storage::Run(
                        c, "UPDATE things SET weight = ?, note = ?, data = ? WHERE id = ?", 2.5,
                        std::optional<std::string>(), Blob{bytes}, int64_t{1});
                  })
                  .ok());
  auto row = store_->read([&](Connection& c) {
    return ReadOne(
        c,
        GetParam() == Engine::kPostgres
            ? "SELECT weight, note IS NULL, pg_typeof(data)::text, length(data) FROM things "
              "WHERE id = ?"
            : "SELECT weight, note IS NULL, typeof(data), length(data) FROM things WHERE id = ?",
        [](Statement& s) {
          return std::tuple(s.column_double(0), s.column_int64(1), s.column_text(2),
                            s.column_int64(3));
        },
        int64_t{1});
  });
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ(std::get<0>(**row), 2.5);
  EXPECT_EQ(std::get<1>(**row), 1);
  EXPECT_EQ(std::get<2>(**row), GetParam() == Engine::kPostgres ? "bytea" : "blob");
  EXPECT_EQ(std::get<3>(**row), 3);
  auto none = store_->read([&](Connection& c) {
    return ReadInt64(c, "SELECT id FROM things WHERE id = ?", int64_t{99999});
  });
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace agora::storage
