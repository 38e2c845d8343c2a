// Every write the server acknowledged (a 2xx answer) must survive a crash (SIGKILL) and a
// graceful stop (SIGTERM) that lands while requests are in flight. Writers run concurrently;
// each records what was acknowledged, and the restarted server must show all of it.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

constexpr int kWriters = 8;
constexpr int kFollowsPerWriter = 25;

// What the writers were told succeeded, and what they attempted.
struct Ledger {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> follows;  // follower id, followee id
  std::vector<std::string> created_usernames;
  // Per writer: the last title revision acknowledged and the last one sent. A writer's
  // requests are sequential, so the stored revision lies between the two.
  std::map<std::string, int> title_acknowledged;
  std::map<std::string, int> title_sent;
  std::atomic<int> acknowledged{0};
};

class DurabilityIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 0; i < kFollowsPerWriter; ++i) {
      targets_.push_back(CreateUser("target" + std::to_string(i)));
    }
    for (int i = 0; i < kWriters; ++i) {
      writers_.push_back(CreateAndLogin("writer" + std::to_string(i)));
    }
    for (const auto& writer : writers_) ASSERT_FALSE(writer.token.empty());
  }

  // One writer: follows every target, changes its title every fifth follow and has the admin
  // create an account every eighth. Stops at the first answer that is not a 2xx (the server
  // went away).
  void Write(const Endpoint& endpoint, int index, Ledger& ledger) {
    const TestUser& writer = writers_[index];
    auto acknowledge = [&ledger] { ++ledger.acknowledged; };
    for (int i = 0; i < kFollowsPerWriter; ++i) {
      // Writers start at different targets so several follow the same person at once.
      const std::string& target = targets_[(i + index) % targets_.size()];
      HttpResult follow =
          Request(endpoint, "POST", "/api/v1/users/" + target + "/follow", "", writer.token);
      if (follow.status != 200) return;
      {
        std::lock_guard lock(ledger.mu);
        ledger.follows.emplace_back(writer.id, target);
      }
      acknowledge();

      if (i % 5 == 4) {
        int revision = i / 5 + 1;
        {
          std::lock_guard lock(ledger.mu);
          ledger.title_sent[writer.id] = revision;
        }
        HttpResult patch =
            Request(endpoint, "PATCH", "/api/v1/users/" + writer.id,
                    JsonBody().Set("title", "rev-" + std::to_string(revision)).str(), writer.token);
        if (patch.status != 200) return;
        {
          std::lock_guard lock(ledger.mu);
          ledger.title_acknowledged[writer.id] = revision;
        }
        acknowledge();
      }

      if (i % 8 == 7) {
        std::string username = writer.username + "-made-" + std::to_string(i);
        HttpResult created = Request(endpoint, "POST", "/api/v1/users",
                                     JsonBody()
                                         .Set("username", username)
                                         .Set("display_name", "Made " + username)
                                         .Set("email", username + "@example.com")
                                         .Set("password", "password-123")
                                         .str(),
                                     admin_token_);
        if (created.status != 201) return;
        {
          std::lock_guard lock(ledger.mu);
          ledger.created_usernames.push_back(username);
        }
        acknowledge();
      }
    }
  }

  // Runs every writer; `interrupt` runs on this thread meanwhile (it may stop the server).
  template <typename Interrupt>
  void RunWriters(Ledger& ledger, Interrupt interrupt) {
    const Endpoint endpoint = server().endpoint();
    std::vector<std::thread> threads;
    for (int index = 0; index < kWriters; ++index) {
      threads.emplace_back([this, endpoint, index, &ledger] { Write(endpoint, index, ledger); });
    }
    interrupt();
    for (auto& thread : threads) thread.join();
  }

  // Waits (up to 20 s) until the writers have `count` acknowledged writes.
  static void AwaitAcknowledged(const Ledger& ledger, int count) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (ledger.acknowledged < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  // Every id of a people list, following next_cursor to the end.
  std::vector<std::string> AllIds(const std::string& path, const std::string& token) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      HttpResult page =
          Get(path + "?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
      EXPECT_EQ(page.status, 200) << path << ": " << page;
      std::vector<std::string> more = JsonIds(page.body);
      ids.insert(ids.end(), more.begin(), more.end());
      cursor = JsonString(page.body, "/next_cursor").value_or("");
      if (cursor.empty()) break;
    }
    return ids;
  }

  // After a restart: everything in `ledger` is there, and the counts agree with the lists.
  void ExpectEverythingAcknowledgedIsPresent(Ledger& ledger) {
    RecordProperty("acknowledged_writes", ledger.acknowledged.load());
    std::string token = server().LoginAdmin();
    ASSERT_FALSE(token.empty());
    std::lock_guard lock(ledger.mu);

    std::map<std::string, std::set<std::string>> following;
    for (const auto& writer : writers_) {
      std::vector<std::string> ids = AllIds("/api/v1/users/" + writer.id + "/following", token);
      following[writer.id] = std::set<std::string>(ids.begin(), ids.end());
      EXPECT_EQ(ids.size(), following[writer.id].size()) << "repeated followee";
      EXPECT_EQ(JsonInt(Get("/api/v1/users/" + writer.id, token).body, "/following_count"),
                static_cast<int64_t>(ids.size()))
          << writer.username;
    }
    for (const auto& [follower, followee] : ledger.follows) {
      EXPECT_TRUE(following[follower].contains(followee))
          << "acknowledged follow " << follower << " -> " << followee << " lost";
    }

    std::map<std::string, std::set<std::string>> followers;
    for (const auto& target : targets_) {
      std::vector<std::string> ids = AllIds("/api/v1/users/" + target + "/followers", token);
      followers[target] = std::set<std::string>(ids.begin(), ids.end());
      EXPECT_EQ(JsonInt(Get("/api/v1/users/" + target, token).body, "/followers_count"),
                static_cast<int64_t>(ids.size()))
          << target;
    }
    for (const auto& [follower, followee] : ledger.follows) {
      EXPECT_TRUE(followers[followee].contains(follower))
          << "acknowledged follower " << follower << " of " << followee << " lost";
    }

    for (const auto& username : ledger.created_usernames) {
      HttpResult created = Get("/api/v1/users/@" + username, token);
      EXPECT_EQ(created.status, 200) << "acknowledged account " << username << " lost";
    }

    for (const auto& [id, acknowledged] : ledger.title_acknowledged) {
      std::string title = JsonString(Get("/api/v1/users/" + id, token).body, "/title").value_or("");
      ASSERT_TRUE(title.starts_with("rev-")) << "acknowledged title of " << id << " lost";
      int stored = std::stoi(title.substr(4));
      EXPECT_GE(stored, acknowledged) << "title of " << id << " went back";
      EXPECT_LE(stored, ledger.title_sent[id]);
    }
  }

  std::vector<std::string> targets_;
  std::vector<TestUser> writers_;
};

TEST_F(DurabilityIntegrationTest, AcknowledgedWritesSurviveKillRightAfterward) {
  Ledger ledger;
  RunWriters(ledger, [] {});
  ASSERT_EQ(ledger.acknowledged.load(), kWriters * (kFollowsPerWriter + 5 + 3));

  server().Kill();
  server().Restart();

  ExpectEverythingAcknowledgedIsPresent(ledger);
}

TEST_F(DurabilityIntegrationTest, AcknowledgedWritesSurviveKillMidFlight) {
  Ledger ledger;
  RunWriters(ledger, [&] {
    AwaitAcknowledged(ledger, 60);
    server().Kill();
  });
  EXPECT_GT(ledger.acknowledged.load(), 0);

  server().Restart();

  ExpectEverythingAcknowledgedIsPresent(ledger);
}

TEST_F(DurabilityIntegrationTest, SigtermWithRequestsInFlightExitsCleanlyAndKeepsWrites) {
  Ledger ledger;
  int exit_status = -1;
  RunWriters(ledger, [&] {
    AwaitAcknowledged(ledger, 60);
    exit_status = server().Stop();
  });

  EXPECT_EQ(exit_status, 0) << server().Log();
  server().Restart();

  ExpectEverythingAcknowledgedIsPresent(ledger);
}

TEST_F(DurabilityIntegrationTest, RestartedServerKeepsAcceptingWrites) {
  Ledger ledger;
  RunWriters(ledger, [] {});
  server().Kill();
  server().Restart();

  // Ids stay unique after a restart: a new follow edge and account do not collide.
  TestUser newcomer = CreateAndLogin("newcomer");
  HttpResult follow = Post("/api/v1/users/" + targets_[0] + "/follow", "", newcomer.token);

  EXPECT_EQ(follow.status, 200) << follow;
  std::vector<std::string> ids =
      AllIds("/api/v1/users/" + targets_[0] + "/followers", admin_token_);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).count(newcomer.id), 1u);
  EXPECT_EQ(JsonInt(Get("/api/v1/users/" + targets_[0], admin_token_).body, "/followers_count"),
            static_cast<int64_t>(ids.size()));
}

class LifecycleIntegrationTest : public IntegrationTest {};

TEST_F(LifecycleIntegrationTest, SigtermClosesIdleAndStalledConnectionsPromptly) {
  HttpConnection idle(server().endpoint());
  ASSERT_EQ(idle.Request("GET", "/healthz").status, 200);  // now idle, kept alive
  RawConnection stalled(server().endpoint());
  ASSERT_TRUE(stalled.Send("GET /heal"));
  ASSERT_EQ(Get("/healthz", "").status, 200);  // both connections are accepted by now

  auto started = std::chrono::steady_clock::now();
  int status = server().Stop();
  auto elapsed = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(status, 0);
  // Well inside the 10 s grace period: nothing was in flight, nothing to wait for.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_TRUE(stalled.WaitForClose(std::chrono::seconds(1)));
}

TEST_F(LifecycleIntegrationTest, SigtermRightAfterStartupExitsCleanly) {
  ASSERT_EQ(server().Stop(), 0);  // this one had time to set up
  // A supervisor may stop the server as soon as it printed its address. The window between
  // that line and the SIGTERM handler being in place is microseconds wide, hence many tries;
  // a server that installs its handler first passes every one of them.
  for (int attempt = 1; attempt <= 50; ++attempt) {
    server().Restart();
    int status = server().Stop();
    if (status != 0) {
      ADD_FAILURE() << "attempt " << attempt << ": SIGTERM right after 'listening on' gave exit "
                    << "status " << status << " (143: killed by the signal, no clean shutdown)";
      break;
    }
  }
}

}  // namespace
}  // namespace agora::integration
