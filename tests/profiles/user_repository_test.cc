#include "profiles/user_repository.h"

#include <gtest/gtest.h>

#include "profiles/follow_graph.h"
#include "tests/support/temp_store.h"

namespace agora::profiles {
namespace {

// On each engine.
class UserRepositoryTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override { AGORA_SKIP_UNLESS_AVAILABLE(store_); }

  Result<User> Add(Id id, const std::string& username, std::optional<Id> manager = std::nullopt) {
    NewUser user;
    user.username = username;
    user.profile.display_name = username;
    user.profile.email = username + "@example.com";
    user.profile.skills = std::vector<std::string>{"negotiation", "C++"};
    if (manager) user.profile.manager_id = std::optional<Id>(*manager);
    return users_.Insert(id, user, "hash");
  }

  agora::testing::TempStore store_{GetParam()};
  ManualClock clock_{1'795'330'000'000};
  UserRepository users_{*store_, clock_};
  FollowGraph graph_{*store_};

  // The profile and deactivation writes, as the use cases make them: in a write, then the
  // repository told of the commit.
  Result<User> Update(Id id, const ProfileChanges& changes) {
    auto updated = store_->write_value<User>(
        [&](storage::Connection& c) { return UpdateUser(c, id, changes, clock_.now_ms()); });
    if (updated.ok()) users_.Committed(*updated, changes.manager_id.has_value());
    return updated;
  }
  Status Deactivate(Id id) {
    auto deactivated = store_->write_value<User>([&](storage::Connection& c) -> Result<User> {
      AGORA_RETURN_IF_ERROR(SetActive(c, id, false, clock_.now_ms()));
      return LoadUser(c, id);
    });
    if (!deactivated.ok()) return deactivated.status();
    users_.Committed(*deactivated, false);
    return Status::Ok();
  }

  Result<Relationship> Follow(Id follower, Id followee, Id edge_id) {
    return store_->write_value<Relationship>([&](storage::Connection& c) -> Result<Relationship> {
      AGORA_ASSIGN_OR_RETURN(auto followed, graph_.Follow(c, follower, followee, edge_id));
      return followed.relationship;
    });
  }
};

AGORA_INSTANTIATE_ON_EACH_ENGINE(UserRepositoryTest);

TEST_P(UserRepositoryTest, InsertedUserReadsBackWithListsInOrder) {
  ASSERT_TRUE(Add(1, "ana").ok());
  auto user = users_.FindByUsername("ANA");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->id, 1);
  EXPECT_EQ(user->skills, (std::vector<std::string>{"negotiation", "C++"}));
  ProfileChanges decomposed;
  decomposed.skills = std::vector<std::string>{"Cafe\u0301"};
  auto updated = Update(1, decomposed);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->skills, std::vector<std::string>{"Caf\u00e9"});  // shown NFC
  EXPECT_EQ(user->created_at, clock_.now_ms());
}

TEST_P(UserRepositoryTest, TakenUsernameAndEmailAreNamed) {
  ASSERT_TRUE(Add(1, "ana").ok());
  NewUser same_username;
  same_username.username = "ana";
  same_username.profile.display_name = "Ana Two";
  same_username.profile.email = "ana.two@example.com";
  EXPECT_EQ(users_.Insert(2, same_username, "hash").status().error_code(), "username_taken");
  NewUser same_email;
  same_email.username = "other";
  same_email.profile.display_name = "Other";
  same_email.profile.email = "ana@example.com";
  EXPECT_EQ(users_.Insert(3, same_email, "hash").status().error_code(), "email_taken");
}

TEST_P(UserRepositoryTest, EmailsThatOnlyLookDifferentAreOneEmail) {
  NewUser gabriel;
  gabriel.username = "gabriel";
  gabriel.profile.display_name = "Gabriel";
  gabriel.profile.email = "Gabri\u00e9l.Laurent@example.com";
  ASSERT_TRUE(users_.Insert(1, gabriel, "hash").ok());
  int next_id = 2;
  for (const char* same : {"gabri\u00e9l.laurent@example.com", "GABRIE\u0301L.LAURENT@EXAMPLE.COM",
                           " gabri\u00e9l.laurent@example.com\u200b"}) {
    NewUser other;
    other.username = "other" + std::to_string(next_id);
    other.profile.display_name = "Other";
    other.profile.email = same;
    EXPECT_EQ(users_.Insert(next_id++, other, "hash").status().error_code(), "email_taken") << same;
    auto found = store_->read([&](storage::Connection& c) { return FindIdByEmail(c, same); });
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, std::optional<Id>(1)) << same;
  }
  ASSERT_TRUE(Add(9, "ana").ok());
  ProfileChanges change;
  change.email = "GABRIE\u0301L.laurent@example.com";
  EXPECT_EQ(Update(9, change).status().error_code(), "email_taken");
}

TEST_P(UserRepositoryTest, UpdateChangesOnlyWhatIsGiven) {
  ASSERT_TRUE(Add(1, "ana").ok());
  ProfileChanges changes;
  changes.title = "Account Executive";
  changes.skills = std::vector<std::string>{"banking"};
  auto updated = Update(1, changes);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->title, "Account Executive");
  EXPECT_EQ(updated->display_name, "ana");
  EXPECT_EQ(updated->skills, std::vector<std::string>{"banking"});
}

TEST_P(UserRepositoryTest, ManagerMustExist) {
  ASSERT_TRUE(Add(1, "ana").ok());
  ProfileChanges changes;
  changes.manager_id = std::optional<Id>(999);
  EXPECT_EQ(Update(1, changes).status().error_code(), "invalid_manager");
}

TEST_P(UserRepositoryTest, TheOrgChartIsWalkedDownAndUpAtAnyDepth) {
  // 1 -> 2 -> 3 -> 4, and 1 -> 5.
  ASSERT_TRUE(Add(1, "ceo").ok());
  ASSERT_TRUE(Add(2, "vp", 1).ok());
  ASSERT_TRUE(Add(3, "manager", 2).ok());
  ASSERT_TRUE(Add(4, "rep", 3).ok());
  ASSERT_TRUE(Add(5, "cfo", 1).ok());
  auto read = [&](auto fn) { return store_->read(fn); };

  auto under_vp = read([](storage::Connection& c) { return PeopleUnder(c, 2); });
  ASSERT_TRUE(under_vp.ok());
  EXPECT_EQ(*under_vp, (std::vector<Id>{3, 4}));
  EXPECT_EQ(*read([](storage::Connection& c) { return PeopleUnder(c, 1); }),
            (std::vector<Id>{2, 3, 4, 5}));
  EXPECT_TRUE(read([](storage::Connection& c) { return PeopleUnder(c, 4); })->empty());

  EXPECT_TRUE(*read([](storage::Connection& c) { return IsAbove(c, 1, 4); }));
  EXPECT_TRUE(*read([](storage::Connection& c) { return IsAbove(c, 3, 4); }));
  EXPECT_FALSE(*read([](storage::Connection& c) { return IsAbove(c, 4, 4); }));
  EXPECT_FALSE(*read([](storage::Connection& c) { return IsAbove(c, 5, 4); }));
  EXPECT_FALSE(*read([](storage::Connection& c) { return IsAbove(c, 4, 1); }));
}

TEST_P(UserRepositoryTest, OrgChartCannotLoop) {
  ASSERT_TRUE(Add(1, "ceo").ok());
  ASSERT_TRUE(Add(2, "vp", 1).ok());
  ASSERT_TRUE(Add(3, "manager", 2).ok());
  ProfileChanges changes;
  changes.manager_id = std::optional<Id>(3);
  EXPECT_EQ(Update(1, changes).status().error_code(), "invalid_manager");
  changes.manager_id = std::optional<Id>(1);
  EXPECT_EQ(Update(1, changes).status().error_code(), "invalid_manager");
}

TEST_P(UserRepositoryTest, ClearingTheManagerIsAllowed) {
  ASSERT_TRUE(Add(1, "ceo").ok());
  ASSERT_TRUE(Add(2, "vp", 1).ok());
  ProfileChanges changes;
  changes.manager_id = std::optional<Id>();
  auto updated = Update(2, changes);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->manager_id.has_value());
}

TEST_P(UserRepositoryTest, DirectReportsPageThroughEveryReportOnce) {
  ASSERT_TRUE(Add(1, "boss").ok());
  for (Id id = 10; id < 15; ++id) ASSERT_TRUE(Add(id, "report" + std::to_string(id), 1).ok());
  std::vector<Id> seen;
  PageRequest page;
  page.limit = 2;
  for (;;) {
    auto result = users_.DirectReports(1, page);
    ASSERT_TRUE(result.ok());
    for (const auto& u : result->items) seen.push_back(u.id);
    if (!result->next_cursor) break;
    page.after_key = *ParseId(*result->next_cursor);
  }
  EXPECT_EQ(seen, (std::vector<Id>{10, 11, 12, 13, 14}));
}

TEST_P(UserRepositoryTest, FollowKeepsCountsAndIsIdempotent) {
  ASSERT_TRUE(Add(1, "ana").ok());
  ASSERT_TRUE(Add(2, "ben").ok());
  ASSERT_TRUE(Follow(1, 2, 100).ok());
  auto again = Follow(1, 2, 101);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->following);
  EXPECT_FALSE(again->followed_by);
  EXPECT_EQ(users_.FindById(2)->followers_count, 1);
  EXPECT_EQ(users_.FindById(1)->following_count, 1);
  ASSERT_TRUE(graph_.Unfollow(1, 2).ok());
  ASSERT_TRUE(graph_.Unfollow(1, 2).ok());
  EXPECT_EQ(users_.FindById(2)->followers_count, 0);
  EXPECT_EQ(users_.FindById(1)->following_count, 0);
}

TEST_P(UserRepositoryTest, CannotFollowSelfOrTheDeactivated) {
  ASSERT_TRUE(Add(1, "ana").ok());
  ASSERT_TRUE(Add(2, "gone").ok());
  EXPECT_EQ(Follow(1, 1, 100).status().error_code(), "self_follow");
  ASSERT_TRUE(Deactivate(2).ok());
  EXPECT_EQ(Follow(1, 2, 101).status().code(), StatusCode::kNotFound);
}

TEST_P(UserRepositoryTest, FollowersListNewestFirst) {
  ASSERT_TRUE(Add(1, "star").ok());
  for (Id id = 2; id <= 4; ++id) {
    ASSERT_TRUE(Add(id, "fan" + std::to_string(id)).ok());
    ASSERT_TRUE(Follow(id, 1, 100 + id).ok());
  }
  PageRequest page;
  page.limit = 2;
  auto first = graph_.Followers(1, page);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->items, (std::vector<Id>{4, 3}));
  ASSERT_TRUE(first->next_cursor.has_value());
  page.after_key = *ParseId(*first->next_cursor);
  auto second = graph_.Followers(1, page);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->items, std::vector<Id>{2});
  EXPECT_FALSE(second->next_cursor.has_value());
}

// People 1..count in one transaction, each with two skills and one language, so that a read
// of all of them spans more than one batch (storage::kIdBatch).
Status AddMany(storage::Store& store, int count) {
  return store.write([&](storage::Connection& c) {
    std::string n = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                    std::to_string(count) + ") ";
    return c.exec(
        n +
        "INSERT INTO users (id, username, email, display_name, password_hash, role, "
        "active, created_at, updated_at) SELECT i, 'user' || i, 'user' || i || '@example.com', "
        "'User ' || i, 'hash', 'member', CASE WHEN i % 7 = 0 THEN 0 ELSE 1 END, 0, 0 FROM n; " +
        n +
        "INSERT INTO user_skills (user_id, position, skill) "
        "SELECT i, 0, 'first' || i FROM n UNION ALL SELECT i, 1, 'second' || i FROM n; " +
        n + "INSERT INTO user_languages (user_id, position, language) SELECT i, 0, 'fr' FROM n;");
  });
}

// Every known id from `count` down to 1, with unknown ids and one repeat among them.
std::vector<Id> DescendingWithGaps(int count) {
  std::vector<Id> ids;
  for (Id id = count; id >= 1; --id) {
    ids.push_back(id);
    if (id % 100 == 0) ids.push_back(1'000'000 + id);  // unknown
  }
  ids.push_back(count);  // asked twice
  return ids;
}

std::vector<Id> KnownOnly(const std::vector<Id>& ids, int count) {
  std::vector<Id> out;
  for (Id id : ids) {
    if (id <= count) out.push_back(id);
  }
  return out;
}

TEST_P(UserRepositoryTest, FindManyPastOneBatchKeepsTheOrderGivenAndSkipsUnknownIds) {
  constexpr int kCount = 1'200;
  ASSERT_TRUE(AddMany(*store_, kCount).ok());
  std::vector<Id> ids = DescendingWithGaps(kCount);
  auto users = users_.FindMany(ids);
  ASSERT_TRUE(users.ok()) << users.status().message();
  std::vector<Id> got;
  for (const User& u : *users) {
    got.push_back(u.id);
    std::string n = std::to_string(u.id);
    ASSERT_EQ(u.username, "user" + n);
    ASSERT_EQ(u.skills, (std::vector<std::string>{"first" + n, "second" + n}));
    ASSERT_EQ(u.languages, std::vector<std::string>{"fr"});
  }
  EXPECT_EQ(got, KnownOnly(ids, kCount));
}

TEST_P(UserRepositoryTest, SummariesPastOneBatchKeepTheOrderGivenAndSkipUnknownIds) {
  constexpr int kCount = 1'200;
  ASSERT_TRUE(AddMany(*store_, kCount).ok());
  std::vector<Id> ids = DescendingWithGaps(kCount);
  ASSERT_TRUE(users_.Summaries({3, 2}).ok());  // some from memory, the rest from SQLite
  auto summaries = users_.Summaries(ids);
  ASSERT_TRUE(summaries.ok()) << summaries.status().message();
  std::vector<Id> got;
  for (const UserSummary& s : *summaries) {
    got.push_back(s.id);
    ASSERT_EQ(s.display_name, "User " + std::to_string(s.id));
    ASSERT_EQ(s.active, s.id % 7 != 0);
  }
  EXPECT_EQ(got, KnownOnly(ids, kCount));
}

TEST_P(UserRepositoryTest, ActiveAmongPastOneBatchKeepsTheOrderGiven) {
  constexpr int kCount = 1'200;
  ASSERT_TRUE(AddMany(*store_, kCount).ok());
  std::vector<Id> ids = DescendingWithGaps(kCount);
  auto active = store_->read([&](storage::Connection& c) { return ActiveAmong(c, ids); });
  ASSERT_TRUE(active.ok());
  std::vector<Id> expected;
  for (Id id : KnownOnly(ids, kCount)) {
    if (id % 7 != 0) expected.push_back(id);
  }
  EXPECT_EQ(*active, expected);
}

TEST_P(UserRepositoryTest, DirectReportsCarryTheirLists) {
  ASSERT_TRUE(Add(1, "boss").ok());
  ASSERT_TRUE(Add(2, "first", 1).ok());
  ASSERT_TRUE(Add(3, "second", 1).ok());
  PageRequest page;
  page.limit = 10;
  auto reports = users_.DirectReports(1, page);
  ASSERT_TRUE(reports.ok());
  ASSERT_EQ(reports->items.size(), 2u);
  for (const User& u : reports->items) {
    EXPECT_EQ(u.skills, (std::vector<std::string>{"negotiation", "C++"}));
  }
}

}  // namespace
}  // namespace agora::profiles
