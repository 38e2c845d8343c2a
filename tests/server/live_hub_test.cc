// LiveHub with a real application behind it and sockets that record what the hub asks of them:
// the bound on subscriptions waiting for the hub's thread.
#include "server/live_hub.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

#include "app/application.h"
#include "core/mutex.h"

namespace agora::server {
namespace {

class RecordingSocket : public StreamSocket {
 public:
  void Send(std::shared_ptr<const std::string>) override {}
  void Replay(std::vector<std::shared_ptr<const std::string>>) override {}
  void Close(uint16_t code, std::string) override { close_code = code; }
  std::atomic<uint16_t> close_code{0};
};

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

}  // namespace
}  // namespace agora::server
