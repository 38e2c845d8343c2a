// LiveHub with a real application behind it and sockets that record what the hub asks of them:
// the bound on subscriptions waiting for the hub's thread, live events going before them, and
// what a replay costs the store.
#include "server/live_hub.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "app/application.h"
#include "core/mutex.h"
#include "profiles/password.h"

namespace agora::server {
namespace {

// Numbers what the hub asks of every socket, in the order the hub asks it.
std::atomic<int> order{0};

class RecordingSocket : public StreamSocket {
 public:
  void Send(std::shared_ptr<const std::string>) override {
    if (first_send == 0) first_send = ++order;
  }
  void Replay(std::vector<std::shared_ptr<const std::string>> messages) override {
    replayed = static_cast<int>(messages.size());
    replay_at = ++order;
  }
  void Close(uint16_t code, std::string) override { close_code = code; }
  std::atomic<uint16_t> close_code{0};
  std::atomic<int> first_send{0};  // 0: nothing sent yet
  std::atomic<int> replay_at{0};   // 0: no replay yet
  std::atomic<int> replayed{-1};   // messages in the replay
};

// Waits (up to 10 s) until `done` holds.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// A deal won for `reader` alone: an event the hub sends without reading the store.
services::DealWonEvent DealWonFor(Id reader) {
  services::DealWonEvent event;
  event.deal.id = 1;
  event.recipients.push_back({reader, {}});
  return event;
}

// Holds the hub's thread inside Replay until released.
class BlockingSocket final : public RecordingSocket {
 public:
  void Replay(std::vector<std::shared_ptr<const std::string>>) override {
    MutexLock lock(&mu_);
    entered_ = true;
    changed_.SignalAll();
    while (!released_) changed_.Wait(mu_);
  }
  void WaitEntered() {
    MutexLock lock(&mu_);
    while (!entered_) changed_.Wait(mu_);
  }
  void Release() {
    MutexLock lock(&mu_);
    released_ = true;
    changed_.SignalAll();
  }

 private:
  Mutex mu_;
  CondVar changed_;
  bool entered_ GUARDED_BY(mu_) = false;
  bool released_ GUARDED_BY(mu_) = false;
};

class LiveHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agora-hub-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    app::ApplicationOptions options;
    options.data_dir = dir_;
    auto opened = app::Application::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    app_ = std::move(*opened);
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  Id Person(const std::string& username) {
    static const std::string hash =
        *profiles::HashPassword("hub-test-password", profiles::PasswordCost::Minimum());
    profiles::NewUser user;
    user.username = username;
    user.password = "hub-test-password";
    user.profile.display_name = username;
    user.profile.email = username + "@example.com";
    auto created = app_->accounts().ProvisionHashed(user, hash);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? created->id : 0;
  }

  posts::Post Post(Id author, const std::string& text, std::optional<Id> community = {}) {
    posts::NewPost post;
    post.text = text;
    post.community_id = community;
    auto created = app_->posts().Create(Viewer{.user_id = author}, std::move(post));
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? created->post : posts::Post{};
  }

  std::string dir_;
  std::unique_ptr<app::Application> app_;
};

TEST_F(LiveHubTest, SubscriptionsWaitingBeyondTheBoundAreClosedWithTryAgain) {
  constexpr size_t kBound = 8;
  StreamOptions options;
  options.pending_subscribes = kBound;
  LiveHub hub(app_->streams(), options);
  // A resuming socket whose replay holds the hub's thread: what follows waits in its queue.
  auto blocker = std::make_shared<BlockingSocket>();
  hub.Subscribe(blocker, Viewer{.user_id = 1}, "token-1", Id{1});
  blocker->WaitEntered();

  std::vector<std::shared_ptr<RecordingSocket>> waiting;
  for (size_t i = 0; i < kBound; ++i) {
    waiting.push_back(std::make_shared<RecordingSocket>());
    hub.Subscribe(waiting.back(), Viewer{.user_id = Id(100 + i)}, "token", std::nullopt);
  }
  auto one_more = std::make_shared<RecordingSocket>();
  hub.Subscribe(one_more, Viewer{.user_id = 99}, "token-99", std::nullopt);

  EXPECT_EQ(one_more->close_code, kCloseTryAgain);
  for (const auto& socket : waiting) EXPECT_EQ(socket->close_code, 0);
  EXPECT_EQ(hub.stats().shed, 1u);
  EXPECT_EQ(hub.stats().pending_subscribes_max, kBound);
  blocker->Release();
  hub.Stop();
  for (const auto& socket : waiting) EXPECT_EQ(socket->close_code, 0);
  EXPECT_EQ(blocker->close_code, 0);
}

TEST_F(LiveHubTest, TheResumeWindowHoldsNoMoreThanItsBytesOfLongPosts) {
  StreamOptions options;
  options.window_bytes = 64 << 10;
  LiveHub hub(app_->streams(), options);
  Id author = Person("long.writer");
  constexpr int kPosts = 20;
  for (int i = 0; i < kPosts; ++i) hub.PostCommitted(Post(author, std::string(4900, 'a')), {});
  ASSERT_TRUE(Eventually([&] { return hub.stats().events == kPosts; }));
  HubStats stats = hub.stats();
  EXPECT_GT(stats.window_events, 0u);
  EXPECT_LT(stats.window_events, size_t{kPosts});  // the count bound (4,096) never came into it
  EXPECT_LE(stats.window_bytes, options.window_bytes);
  EXPECT_GT(stats.window_bytes, options.window_bytes / 2);
}

TEST_F(LiveHubTest, SheddingEndsOnceTheWaitingSubscriptionsAreServed) {
  StreamOptions options;
  options.pending_subscribes = 2;
  LiveHub hub(app_->streams(), options);
  auto blocker = std::make_shared<BlockingSocket>();
  hub.Subscribe(blocker, Viewer{.user_id = 1}, "token-1", Id{1});
  blocker->WaitEntered();
  std::vector<std::shared_ptr<RecordingSocket>> sockets;
  for (int i = 0; i < 3; ++i) {
    sockets.push_back(std::make_shared<RecordingSocket>());
    hub.Subscribe(sockets.back(), Viewer{.user_id = Id(10 + i)}, "token", Id{1});
  }
  EXPECT_EQ(sockets[2]->close_code, kCloseTryAgain);
  blocker->Release();
  ASSERT_TRUE(Eventually([&] { return sockets[1]->replay_at != 0; }));

  // The client's retry, once the hub caught up, is served.
  auto retry = std::make_shared<RecordingSocket>();
  hub.Subscribe(retry, Viewer{.user_id = 12}, "token", Id{1});
  EXPECT_TRUE(Eventually([&] { return retry->replay_at != 0; }));
  EXPECT_EQ(retry->close_code, 0);
  EXPECT_EQ(hub.stats().shed, 1u);
  EXPECT_EQ(hub.stats().pending_subscribes, 0u);
}

TEST_F(LiveHubTest, LiveEventsGoBeforeAStormOfWaitingSubscriptions) {
  LiveHub hub(app_->streams(), StreamOptions{});
  auto listener = std::make_shared<RecordingSocket>();
  hub.Subscribe(listener, Viewer{.user_id = 7}, "token-7", std::nullopt);
  // Holds the hub's thread (listener is subscribed by then) while the storm queues up.
  auto blocker = std::make_shared<BlockingSocket>();
  hub.Subscribe(blocker, Viewer{.user_id = 1}, "token-1", Id{1});
  blocker->WaitEntered();
  constexpr int kStorm = 100;
  std::vector<std::shared_ptr<RecordingSocket>> storm;
  for (int i = 0; i < kStorm; ++i) {
    storm.push_back(std::make_shared<RecordingSocket>());
    hub.Subscribe(storm.back(), Viewer{.user_id = Id(100 + i)}, "token", Id{1});
  }
  hub.DealWon(DealWonFor(7));
  blocker->Release();
  ASSERT_TRUE(Eventually([&] { return listener->first_send != 0; }));
  ASSERT_TRUE(Eventually([&] { return storm.back()->replay_at != 0; }));

  int replays_before = 0;
  for (const auto& socket : storm) replays_before += socket->replay_at < listener->first_send;
  EXPECT_LE(replays_before, 10) << "the live event waited behind the storm's replays";
}

TEST_F(LiveHubTest, AReplayReadsTheReadersMembershipsOnceNotEveryCommunitysMembers) {
  Id owner = Person("owner");
  Id reader = Person("reader");
  Id outsider_author = Person("stranger");
  Viewer owner_viewer{.user_id = owner};
  Viewer reader_viewer{.user_id = reader};
  LiveHub hub(app_->streams(), StreamOptions{});
  constexpr int kCommunities = 20;
  for (int i = 0; i < kCommunities; ++i) {
    communities::CommunityChanges fields{"Guild " + std::string(1, char('a' + i)), "",
                                         communities::Visibility::kOpen};
    auto community = app_->communities().Create(owner_viewer, fields);
    ASSERT_TRUE(community.ok()) << community.status().message();
    Id id = community->community.id;
    bool joined = i % 2 == 0;  // the reader is in half of them
    if (joined) {
      ASSERT_TRUE(app_->communities().Join(reader_viewer, id).ok());
    }
    hub.PostCommitted(Post(owner, "news " + std::to_string(i), id), std::nullopt);
  }
  // Company-wide posts: one of an author the reader does not follow, one of their own.
  hub.PostCommitted(Post(outsider_author, "hi"), std::nullopt);
  hub.PostCommitted(Post(reader, "mine"), std::nullopt);
  // Once this replay ran, the events above are in the window.
  auto first = std::make_shared<RecordingSocket>();
  hub.Subscribe(first, Viewer{.user_id = outsider_author}, "token", Id{1});
  ASSERT_TRUE(Eventually([&] { return first->replay_at != 0; }));

  uint64_t reads_before = app_->store().stats().reads;
  auto resuming = std::make_shared<RecordingSocket>();
  hub.Subscribe(resuming, reader_viewer, "token", Id{1});
  ASSERT_TRUE(Eventually([&] { return resuming->replay_at != 0; }));
  uint64_t reads = app_->store().stats().reads - reads_before;

  // The gap notice, the 10 posts of the reader's communities and their own post.
  EXPECT_EQ(resuming->replayed, 1 + kCommunities / 2 + 1);
  EXPECT_LE(reads, 3u) << "a replay read the store per community event";
}

}  // namespace
}  // namespace agora::server
