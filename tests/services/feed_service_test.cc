// Streams built three ways must agree: pushed at write time, pulled at read time (hybrid),
// and rebuilt from SQLite by a fresh engine (a restart).
#include "services/feed_service.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "profiles/password.h"
#include "services/account_service.h"
#include "services/community_service.h"
#include "services/deal_events_relay.h"
#include "services/deal_service.h"
#include "services/notification_service.h"
#include "services/people_service.h"
#include "services/post_service.h"
#include "tests/support/temp_store.h"

namespace agora::services {
namespace {

AccountOptions TestAccountOptions() {
  AccountOptions options;
  options.password_cost = profiles::PasswordCost::Minimum();
  options.session_ttl_ms = 3'600'000;
  return options;
}

struct World {
  explicit World(int64_t fanout_threshold) : World(fanout_threshold, nullptr) {}

  // A second world over the same store: a restarted server with empty memory.
  World(int64_t fanout_threshold, World* restarted_from)
      : owned_store(restarted_from ? nullptr : std::make_unique<agora::testing::TempStore>()),
        store(restarted_from ? restarted_from->store : &**owned_store),
        ids(SystemClock::instance(), restarted_from ? 1 : 0),
        users(*store, SystemClock::instance()),
        communities(*store, SystemClock::instance()),
        posts_repo(*store, SystemClock::instance()),
        moderation(*store, SystemClock::instance()),
        feed(*store, engine, posts_repo, users, communities, moderation,
             FeedServiceOptions{fanout_threshold, 800}),
        notification_repo(*store, SystemClock::instance()),
        notifications(notification_repo, users, communities, feed, live),
        groups(*store, ids, users, communities, feed, notifications, quotas),
        deals(*store, ids, SystemClock::instance(), notifications, deal_events, quotas),
        people(*store, SystemClock::instance(), ids, users, communities, feed, notifications,
               groups, quotas),
        posts(*store, ids, posts_repo, users, communities, feed, notifications, live, quotas),
        accounts(*store, SystemClock::instance(), ids, users, TestAccountOptions(), live, groups,
                 deals) {}

  Id AddUser(const std::string& name) {
    profiles::NewUser user;
    user.username = name;
    user.password = "password123";
    user.profile.display_name = name;
    user.profile.email = name + "@example.com";
    auto created = accounts.Provision(user);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created->id;
  }

  std::unique_ptr<agora::testing::TempStore> owned_store;
  storage::Store* store;
  IdGenerator ids;
  feed::FeedEngine engine;
  profiles::UserRepository users;
  communities::CommunityRepository communities;
  posts::PostRepository posts_repo;
  communities::ModerationRepository moderation;
  FeedService feed;
  LiveEventsRelay live;
  notifications::NotificationRepository notification_repo;
  NotificationService notifications;
  Quotas quotas{SystemClock::instance(), QuotaOptions{.enabled = false}};
  CommunityService groups;
  DealEventsRelay deal_events;
  DealService deals;
  PeopleService people;
  PostService posts;
  AccountService accounts;
};

// A stream as the texts of its posts, newest first, walked through every page.
std::vector<std::string> Stream(World& w, Id reader, size_t page_size) {
  std::vector<std::string> texts;
  posts::IdRange range;
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = w.feed.Home(Viewer{reader, false}, range, page_size);
    EXPECT_TRUE(page.ok()) << page.status().message();
    for (const auto& item : page->items) texts.push_back(item.post.text);
    if (!page->older_than) break;
    range.before = page->older_than;
  }
  return texts;
}

// The same script of follows, posts, deletes and unfollows, with reads in between so that
// both the lazy-load and the live delivery paths run.
std::vector<Id> RunScript(World& w) {
  std::vector<Id> people;
  for (int i = 0; i < 8; ++i) people.push_back(w.AddUser("user" + std::to_string(i)));
  std::mt19937 rng(42);
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      if (i != j && rng() % 2) {
        EXPECT_TRUE(
            w.people.Follow(Viewer{people[i], false}, profiles::UserRef{people[j], {}}).ok());
      }
    }
  }
  // A private community of five, whose posts reach members only; one member leaves midway.
  communities::CommunityChanges fields{"Team room", "", communities::Visibility::kPrivate};
  auto room = w.groups.Create(Viewer{people[0], false}, fields);
  EXPECT_TRUE(room.ok()) << room.status().message();
  Id room_id = room->community.id;
  for (int i = 1; i < 5; ++i) {
    EXPECT_TRUE(w.groups.Invite(Viewer{people[0], false}, room_id, people[i]).ok());
    EXPECT_TRUE(w.groups.AcceptInvitation(Viewer{people[i], false}, room_id).ok());
  }
  std::vector<Id> written;
  for (int n = 0; n < 120; ++n) {
    Id author = people[rng() % people.size()];
    posts::NewPost post;
    post.text = "post " + std::to_string(n);
    if (n % 5 == 0 && author != people[3]) {
      bool member = false;
      for (int i = 0; i < 5; ++i) member = member || people[i] == author;
      if (member) post.community_id = room_id;
    }
    auto created = w.posts.Create(Viewer{author, false}, post);
    EXPECT_TRUE(created.ok()) << created.status().message();
    written.push_back(created->post.id);
    if (n % 17 == 0) Stream(w, people[n % people.size()], 7);  // warm some timelines
    if (n % 23 == 5) {
      Id victim = written[rng() % written.size()];
      auto post_author = w.posts.Get(Viewer{author, true}, victim);
      if (post_author.ok()) {
        EXPECT_TRUE(w.posts.Delete(Viewer{post_author->post.author_id, false}, victim).ok());
      }
    }
    if (n == 60) {
      EXPECT_TRUE(
          w.people.Unfollow(Viewer{people[0], false}, profiles::UserRef{people[1], {}}).ok());
      EXPECT_TRUE(w.groups.Leave(Viewer{people[3], false}, room_id).ok());
    }
  }
  return people;
}

TEST(FeedService, HybridPullReturnsExactlyWhatFanOutReturns) {
  World pushed(1'000'000);  // nobody is large: everything fanned out
  World pulled(0);          // everybody with a follower is large: merged on read
  std::vector<Id> a = RunScript(pushed);
  std::vector<Id> b = RunScript(pulled);
  for (size_t i = 0; i < a.size(); ++i) {
    std::vector<std::string> expected = Stream(pushed, a[i], 9);
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(Stream(pulled, b[i], 9), expected) << "reader " << i;
  }
}

TEST(FeedService, ARestartedEngineRebuildsTheSameStreams) {
  World before(1'000'000);
  std::vector<Id> people = RunScript(before);
  std::map<Id, std::vector<std::string>> streams;
  for (Id reader : people) streams[reader] = Stream(before, reader, 10);
  World after(1'000'000, &before);
  for (Id reader : people) EXPECT_EQ(Stream(after, reader, 10), streams[reader]);
}

TEST(FeedService, PagesNeverRepeatOrSkipWhilePostsArrive) {
  World w(1'000'000);
  Id author = w.AddUser("author");
  Id reader = w.AddUser("reader");
  ASSERT_TRUE(w.people.Follow(Viewer{reader, false}, profiles::UserRef{author, {}}).ok());
  posts::NewPost post;
  for (int n = 0; n < 30; ++n) {
    post.text = "old " + std::to_string(n);
    ASSERT_TRUE(w.posts.Create(Viewer{author, false}, post).ok());
  }
  std::vector<std::string> seen;
  posts::IdRange range;
  for (int page = 0; page < 10; ++page) {
    auto result = w.feed.Home(Viewer{reader, false}, range, 4);
    ASSERT_TRUE(result.ok());
    for (const auto& item : result->items) seen.push_back(item.post.text);
    post.text = "new " + std::to_string(page);  // arrives above the reader's position
    ASSERT_TRUE(w.posts.Create(Viewer{author, false}, post).ok());
    if (!result->older_than) break;
    range.before = result->older_than;
  }
  std::vector<std::string> expected;
  for (int n = 29; n >= 0; --n) expected.push_back("old " + std::to_string(n));
  EXPECT_EQ(seen, expected);
}

TEST(FeedService, DeletedPostsVanishFromStreams) {
  World w(1'000'000);
  Id author = w.AddUser("author");
  posts::NewPost post;
  post.text = "to be deleted";
  auto created = w.posts.Create(Viewer{author, false}, post);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(Stream(w, author, 10), std::vector<std::string>{"to be deleted"});
  ASSERT_TRUE(w.posts.Delete(Viewer{author, false}, created->post.id).ok());
  EXPECT_TRUE(Stream(w, author, 10).empty());
}

}  // namespace
}  // namespace agora::services
