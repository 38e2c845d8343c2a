#include "communities/moderation.h"

#include <gtest/gtest.h>

#include "tests/support/people.h"
#include "tests/support/temp_store.h"

namespace agora::communities {
namespace {

class ModerationRepositoryTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    ASSERT_TRUE(agora::testing::AddPeople(*store_, {{1, "ana"}}).ok());
    ASSERT_TRUE(store_
                    ->write([](storage::Connection& c) {
                      return c.exec(
                          "INSERT INTO posts (id, author_id, kind, text, created_at) VALUES "
                          "(100, 1, 'status', 'hello', 0), (101, 1, 'status', 'again', 0)");
                    })
                    .ok());
  }

  Result<Report> File(Id id, Id post_id) {
    return store_->write_value<Report>([&](storage::Connection& c) {
      return reports_.File(c, id, post_id, std::nullopt, 1, "spam");
    });
  }

  agora::testing::TempStore store_{GetParam()};
  ManualClock clock_{1'795'330'000'000};
  ModerationRepository reports_{*store_, clock_};
};

TEST_P(ModerationRepositoryTest, FilingTwiceReturnsTheOpenReport) {
  auto first = File(1, 100);
  ASSERT_TRUE(first.ok());
  auto again = File(2, 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, 1);
  EXPECT_EQ(again->reason, "spam");
  EXPECT_TRUE(again->open);
  EXPECT_EQ(again->created_at, clock_.now_ms());
}

TEST_P(ModerationRepositoryTest, ResolvedReportsReadBackWholeAndListApart) {
  ASSERT_TRUE(File(1, 100).ok());
  ASSERT_TRUE(File(2, 101).ok());
  auto resolved = store_->write_value<Report>([&](storage::Connection& c) {
    return reports_.Resolve(c, 1, ReportAction::kRemovePost, "gone", 1, std::nullopt);
  });
  ASSERT_TRUE(resolved.ok());
  EXPECT_FALSE(resolved->open);
  EXPECT_EQ(resolved->action, ReportAction::kRemovePost);
  EXPECT_EQ(resolved->note, "gone");
  EXPECT_EQ(resolved->resolved_by, 1);
  EXPECT_EQ(resolved->resolved_at, clock_.now_ms());

  PageRequest page;
  page.limit = 10;
  auto open = reports_.List(std::nullopt, true, page);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->items.size(), 1u);
  EXPECT_EQ(open->items[0].id, 2);
  EXPECT_FALSE(open->items[0].action.has_value());
  auto closed = reports_.List(std::nullopt, false, page);
  ASSERT_TRUE(closed.ok());
  ASSERT_EQ(closed->items.size(), 1u);
  EXPECT_EQ(closed->items[0].note, "gone");
}

AGORA_INSTANTIATE_ON_EACH_ENGINE(ModerationRepositoryTest);

}  // namespace

}  // namespace agora::communities
