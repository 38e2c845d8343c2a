#include "posts/post_repository.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/people.h"
#include "tests/support/temp_store.h"

namespace agora::posts {
namespace {

// The repository on each engine.
class PostRepositoryTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    ASSERT_TRUE(agora::testing::AddPeople(*store_, {{1, "ana"}, {2, "ben"}}).ok());
  }

  // Posts 1..count in one transaction: every third a deal story, each naming `@ben` and a
  // hashtag of its own; then every tenth deleted.
  void AddMany(int count) {
    Status status = store_->Transact([&](storage::Transaction& tx) -> Status {
      for (Id id = 1; id <= count; ++id) {
        NewPost post;
        post.text = "post " + std::to_string(id) + " for @ben #tag" + std::to_string(id);
        if (id % 3 == 0) {
          post.kind = PostKind::kDealStory;
          post.deal =
              Deal{"Customer " + std::to_string(id), "banking", "core",       "EMEA",
                   static_cast<double>(id) + 0.5,    "EUR",     "2026-01-02", DealOutcome::kWon};
        }
        AGORA_RETURN_IF_ERROR(posts_.InsertIn(tx.connection(), id, 1, post, {{2, "ben"}}).status());
      }
      for (Id id = 10; id <= count; id += 10) {
        AGORA_RETURN_IF_ERROR(posts_.Delete(tx, id).status());
      }
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.message();
  }

  static void ExpectWhole(const Post& p) {
    std::string n = std::to_string(p.id);
    EXPECT_EQ(p.text, "post " + n + " for @ben #tag" + n);
    ASSERT_EQ(p.mentions.size(), 1u);
    EXPECT_EQ(p.mentions[0].user_id, 2);
    EXPECT_EQ(p.hashtags, std::vector<std::string>{"tag" + n});
    if (p.id % 3 == 0) {
      ASSERT_TRUE(p.deal.has_value()) << p.id;
      EXPECT_EQ(p.deal->customer, "Customer " + n);
      EXPECT_EQ(p.deal->amount, static_cast<double>(p.id) + 0.5);
    } else {
      EXPECT_FALSE(p.deal.has_value()) << p.id;
    }
  }

  // Every id from `count` down to 1 with unknown ids among them, and the first one twice.
  static std::vector<Id> DescendingWithGaps(int count) {
    std::vector<Id> ids;
    for (Id id = count; id >= 1; --id) {
      ids.push_back(id);
      if (id % 100 == 1) ids.push_back(1'000'000 + id);
    }
    ids.push_back(count - 1);
    return ids;
  }

  // What FindMany should answer for `ids`: known, undeleted, in the order given.
  static std::vector<Id> LiveOnly(const std::vector<Id>& ids, int count) {
    std::vector<Id> out;
    for (Id id : ids) {
      if (id <= count && id % 10 != 0) out.push_back(id);
    }
    return out;
  }

  static std::vector<Id> IdsOf(const std::vector<Post>& posts) {
    std::vector<Id> out;
    for (const Post& p : posts) out.push_back(p.id);
    return out;
  }

  // `read` of 1,100 posts (three batches) asked newest first with gaps answers the live ones,
  // whole, in the order asked.
  template <typename Read>
  void ExpectReadsPastOneBatch(Read read) {
    constexpr int kCount = 1'100;
    AddMany(kCount);
    std::vector<Id> ids = DescendingWithGaps(kCount);
    auto posts = read(ids);
    ASSERT_TRUE(posts.ok()) << posts.status().message();
    EXPECT_EQ(IdsOf(*posts), LiveOnly(ids, kCount));
    for (const Post& p : *posts) ExpectWhole(p);
  }

  agora::testing::TempStore store_{GetParam()};
  ManualClock clock_{1'795'330'000'000};
  PostRepository posts_{*store_, clock_};
};

AGORA_INSTANTIATE_ON_EACH_ENGINE(PostRepositoryTest);

TEST_P(PostRepositoryTest, FindManyPastOneBatchKeepsTheOrderGivenAndSkipsMissingAndDeleted) {
  ExpectReadsPastOneBatch([&](const std::vector<Id>& ids) { return posts_.FindMany(ids); });
}

TEST_P(PostRepositoryTest, FindManyCommittedPastOneBatchKeepsTheOrderGiven) {
  ExpectReadsPastOneBatch(
      [&](const std::vector<Id>& ids) { return posts_.FindManyCommitted(ids); });
}

TEST_P(PostRepositoryTest, FindManyMixesCachedAndStoredPostsInTheOrderGiven) {
  AddMany(30);
  ASSERT_TRUE(posts_.Find(5).ok());  // cached
  auto posts = posts_.FindMany({7, 5, 2, 20, 999});
  ASSERT_TRUE(posts.ok());
  EXPECT_EQ(IdsOf(*posts), (std::vector<Id>{7, 5, 2}));
  for (const Post& p : *posts) ExpectWhole(p);
}

TEST_P(PostRepositoryTest, ReloadReadsOneDealStoryWhole) {
  AddMany(3);
  auto post = store_->read([&](storage::Connection& c) { return posts_.Reload(c, 3); });
  ASSERT_TRUE(post.ok());
  ExpectWhole(*post);
  EXPECT_EQ(
      store_->read([&](storage::Connection& c) { return posts_.Reload(c, 4); }).status().code(),
      StatusCode::kNotFound);
}

TEST_P(PostRepositoryTest, AReactionCountsOnceHoweverOftenItIsGiven) {
  AddMany(1);
  auto react = [&] {
    return store_->Transact<PostRepository::Reacted>(
        [&](storage::Transaction& tx) { return posts_.React(tx, 1, 2, "like"); });
  };
  auto first = react();
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->changed);
  auto again = react();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->post.reactions_count, 1);
}

TEST_P(PostRepositoryTest, QuestionsMatchTextWhateverItsCaseAndPageBackwards) {
  Status status = store_->Transact([&](storage::Transaction& tx) -> Status {
    for (Id id = 1; id <= 4; ++id) {
      NewPost post;
      post.kind = PostKind::kQuestion;
      post.text = id % 2 ? "Who knows SQLite?" : "Lunch?";
      AGORA_RETURN_IF_ERROR(posts_.InsertIn(tx.connection(), id, 1, post, {}).status());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  PostRepository::QuestionFilter filter;
  filter.text = "sqlite";
  auto all = posts_.Questions(filter);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(IdsOf(*all), (std::vector<Id>{3, 1}));
  filter.before = 3;
  auto older = posts_.Questions(filter);
  ASSERT_TRUE(older.ok()) << older.status().message();
  EXPECT_EQ(IdsOf(*older), (std::vector<Id>{1}));
}

}  // namespace
}  // namespace agora::posts
