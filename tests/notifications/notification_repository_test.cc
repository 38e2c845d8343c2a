#include "notifications/notification_repository.h"

#include <gtest/gtest.h>

#include "tests/support/temp_store.h"

namespace agora::notifications {
namespace {

class NotificationRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_
                    ->write([](storage::Connection& c) {
                      return c.exec(
                          "INSERT INTO users (id, username, email, display_name, password_hash, "
                          "role, created_at, updated_at) VALUES "
                          "(1, 'ana', 'a@x', 'Ana', 'h', 'member', 0, 0), "
                          "(2, 'ben', 'b@x', 'Ben', 'h', 'member', 0, 0), "
                          "(3, 'cleo', 'c@x', 'Cleo', 'h', 'member', 0, 0)");
                    })
                    .ok());
  }

  Notification AddOne(NewNotification n) {
    auto stored = store_->write_value<std::vector<Notification>>(
        [&](storage::Connection& c) { return repo_.Add(c, {n}); });
    EXPECT_TRUE(stored.ok());
    EXPECT_EQ(stored->size(), 1u);
    return stored->empty() ? Notification{} : stored->front();
  }
  std::vector<Notification> All(Id recipient, bool unread_only = false) {
    PageRequest page;
    page.limit = 100;
    auto list = repo_.List(recipient, unread_only, page);
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->items : std::vector<Notification>{};
  }
  int64_t Unread(Id recipient) {
    auto groups = repo_.UnreadGroups(recipient);
    int64_t total = 0;
    for (const auto& g : *groups) total += g.count;
    return total;
  }

  testing::TempStore store_;
  ManualClock clock_{1'700'000'000'000};
  NotificationRepository repo_{*store_, clock_};
};

TEST_F(NotificationRepositoryTest, ReactionsToOnePostFoldIntoOneUnreadNotification) {
  AddOne({1, NotificationType::kReaction, 2, 77, std::nullopt});
  clock_.advance_ms(10);
  Notification second = AddOne({1, NotificationType::kReaction, 3, 77, std::nullopt});
  EXPECT_EQ(second.count, 2);
  auto all = All(1);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].count, 2);
  EXPECT_EQ(all[0].actor_id, 3);
  EXPECT_EQ(all[0].id, second.id);
  // Another post is another notification.
  AddOne({1, NotificationType::kReaction, 2, 78, std::nullopt});
  EXPECT_EQ(All(1).size(), 2u);
}

TEST_F(NotificationRepositoryTest, AReadReactionNotificationIsNotReopened) {
  Notification first = AddOne({1, NotificationType::kReaction, 2, 77, std::nullopt});
  ASSERT_TRUE(repo_.MarkRead(1, {first.id}).ok());
  Notification next = AddOne({1, NotificationType::kReaction, 3, 77, std::nullopt});
  EXPECT_EQ(next.count, 1);
  auto all = All(1);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].read);
  EXPECT_TRUE(all[1].read);
}

TEST_F(NotificationRepositoryTest, RepeatedFollowWhileUnreadIsSkipped) {
  AddOne({1, NotificationType::kFollow, 2, std::nullopt, std::nullopt});
  auto again = store_->write_value<std::vector<Notification>>([&](storage::Connection& c) {
    return repo_.Add(c, {{1, NotificationType::kFollow, 2, std::nullopt, std::nullopt}});
  });
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(All(1).size(), 1u);
}

TEST_F(NotificationRepositoryTest, PagesNewestFirstAndFiltersUnread) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(AddOne({1, NotificationType::kMention, 2, 100 + i, std::nullopt}).id);
  }
  PageRequest page;
  page.limit = 2;
  auto first = repo_.List(1, false, page);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, ids[4]);
  ASSERT_TRUE(first->next_cursor);
  page.after_key = ParseId(*first->next_cursor);
  auto second = repo_.List(1, false, page);
  EXPECT_EQ(second->items[0].id, ids[2]);

  ASSERT_TRUE(repo_.MarkRead(1, {ids[0], ids[4]}).ok());
  EXPECT_EQ(All(1, true).size(), 3u);
  EXPECT_EQ(Unread(1), 3);
  ASSERT_TRUE(repo_.MarkAllRead(1).ok());
  EXPECT_EQ(Unread(1), 0);
  EXPECT_EQ(All(1).size(), 5u);
}

TEST_F(NotificationRepositoryTest, MarkingIgnoresOtherPeoplesIds) {
  Notification bens = AddOne({2, NotificationType::kMention, 1, 100, std::nullopt});
  ASSERT_TRUE(repo_.MarkRead(3, {bens.id}).ok());
  EXPECT_EQ(Unread(2), 1);
}

TEST_F(NotificationRepositoryTest, MarkReadPastOneBatchMarksEveryIdGiven) {
  std::vector<NewNotification> items;
  for (Id post = 1; post <= 1'200; ++post) {
    items.push_back({1, NotificationType::kMention, 2, post, std::nullopt});
  }
  auto stored = store_->write_value<std::vector<Notification>>(
      [&](storage::Connection& c) { return repo_.Add(c, items); });
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1'200u);
  std::vector<Id> ids;
  for (size_t i = 0; i < stored->size(); ++i) {
    if (i != 600) ids.push_back((*stored)[i].id);  // all but one
  }
  ASSERT_TRUE(repo_.MarkRead(1, ids).ok());
  EXPECT_EQ(Unread(1), 1);
}

TEST_F(NotificationRepositoryTest, UnreadGroupsSeparateAudiences) {
  AddOne({1, NotificationType::kMention, 2, 100, std::nullopt});
  AddOne({1, NotificationType::kMention, 2, 101, 9});
  AddOne({1, NotificationType::kInvitation, 2, std::nullopt, 9});
  auto groups = repo_.UnreadGroups(1);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 3u);
  for (const auto& g : *groups) EXPECT_EQ(g.count, 1);
}

TEST_F(NotificationRepositoryTest, RemovingAPostRemovesItsNotifications) {
  AddOne({1, NotificationType::kMention, 2, 100, std::nullopt});
  AddOne({3, NotificationType::kReply, 2, 100, std::nullopt});
  AddOne({1, NotificationType::kMention, 2, 101, std::nullopt});
  ASSERT_TRUE(
      store_->write([&](storage::Connection& c) { return repo_.RemoveAboutPost(c, 100); }).ok());
  EXPECT_EQ(All(1).size(), 1u);
  EXPECT_TRUE(All(3).empty());
}

TEST(NotificationTypeTest, NamesRoundTrip) {
  for (auto type :
       {NotificationType::kMention, NotificationType::kReply, NotificationType::kReaction,
        NotificationType::kFollow, NotificationType::kJoinRequest, NotificationType::kInvitation,
        NotificationType::kReport, NotificationType::kAnnouncement}) {
    EXPECT_EQ(ParseType(TypeName(type)), type);
  }
  EXPECT_FALSE(ParseType("poke"));
}

}  // namespace
}  // namespace agora::notifications
