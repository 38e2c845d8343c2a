// The connection edge under abuse: running out of file descriptors, one address holding many
// connections or half-sent heads (slowloris), and made-up methods and paths in /metrics.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

constexpr const char* kHealthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
constexpr const char* kHealthzThenClose =
    "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

size_t CountLines(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// A connection from `source` that had /healthz answered and stays open (kept alive). The
// set-up's own connections may still be closing on the server's side, so one refused for the
// cap is opened again for a while.
std::unique_ptr<RawConnection> HeldConnection(const Endpoint& endpoint,
                                              const std::string& source = "") {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    auto connection = std::make_unique<RawConnection>(endpoint, source);
    std::string reply;
    if (connection->connected() && connection->Send(kHealthz)) {
      reply = connection->ReadUntil("\r\n\r\n", std::chrono::seconds(2));
    }
    if (RawStatus(reply) == 200 || std::chrono::steady_clock::now() > deadline) return connection;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// GET /healthz from `source` on a fresh connection; the status, 0 when nothing came back.
int HealthzFrom(const Endpoint& endpoint, const std::string& source) {
  RawConnection connection(endpoint, source);
  if (!connection.connected() || !connection.Send(kHealthzThenClose)) return 0;
  return RawStatus(connection.ReadUntilClosed(std::chrono::seconds(5)));
}

// Whether /healthz answers 200 within 10 s (the server's idle connections are closing).
bool HealthzAnswersWithin10s(const TestServer& server) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.Request("GET", "/healthz").status != 200) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The open-file limit the server gets: room for its store, index and log and a few dozen
// connections, far fewer than the idle connections the test opens.
constexpr rlim_t kOpenFiles = 160;
constexpr int kIdleConnections = 400;

TEST(OpenFileLimitTest, IdleConnectionsBeyondTheLimitNeitherSpinNorStopTheServer) {
  TestServer server({"--max-connections", "10000"}, kOpenFiles);
  {
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < kIdleConnections; ++i) {
      idle.push_back(std::make_unique<RawConnection>(server.endpoint()));
      ASSERT_TRUE(idle.back()->connected()) << i;
    }
    // Held a while: an accept loop that spun would log thousands of lines meanwhile.
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  bool served = HealthzAnswersWithin10s(server);
  std::string log = server.Log();

  EXPECT_TRUE(served) << log.substr(0, 4096);
  // The cap was sized from the limit, below it.
  EXPECT_EQ(CountLines(log, "event=max_connections_lowered requested=10000"), 1u)
      << log.substr(0, 4096);
  EXPECT_LE(CountLines(log, "event=accept_failed"), 2u) << log.substr(0, 4096);
}

TEST(OpenFileLimitTest, DescriptorsRunningOutAfterStartPauseAcceptingAndLogBounded) {
  TestServer server;
  size_t open_now = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(server.pid()) + "/fd")) {
    (void)entry;
    ++open_now;
  }
  // Room for a few more: the connection cap, sized at start, no longer protects the server.
  rlimit lowered{open_now + 5, open_now + 5};
  ASSERT_EQ(prlimit(server.pid(), RLIMIT_NOFILE, &lowered, nullptr), 0);
  {
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 100; ++i) {
      idle.push_back(std::make_unique<RawConnection>(server.endpoint()));
      ASSERT_TRUE(idle.back()->connected()) << i;
    }
    // Held a while: an accept loop that spun on EMFILE would log thousands of lines meanwhile.
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  bool served = HealthzAnswersWithin10s(server);
  std::string log = server.Log();

  EXPECT_TRUE(served) << log.substr(0, 4096);
  size_t failures_logged = CountLines(log, "event=accept_failed");
  EXPECT_GE(failures_logged, 1u) << log.substr(0, 4096);
  EXPECT_LE(failures_logged, 2u) << log.substr(0, 4096);
}

class PerAddressCapTest : public IntegrationTest {
 protected:
  static constexpr int kPerAddress = 3;
  std::vector<std::string> ServeArgs() const override {
    return {"--max-connections-per-address", std::to_string(kPerAddress)};
  }
};

TEST_F(PerAddressCapTest, AnAddressHoldsItsCapAndTheNextIsRefusedWhileOthersAreServed) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < kPerAddress; ++i) held.push_back(HeldConnection(server().endpoint()));

  std::string refused = SendRaw(server().endpoint(), kHealthz);

  EXPECT_EQ(RawStatus(refused), 503) << refused;
  EXPECT_EQ(ErrorCode(RawBody(refused)), "unavailable");
  EXPECT_NE(refused.find("your address"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
  EXPECT_EQ(HealthzFrom(server().endpoint(), "127.0.0.2"), 200);
  // One leaves: one more from that address is served.
  held.pop_back();
  EXPECT_TRUE(Eventually([&] { return HealthzFrom(server().endpoint(), "127.0.0.1") == 200; }));
}

TEST_F(PerAddressCapTest, EveryAddressGetsItsOwnCap) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < kPerAddress; ++i) {
    held.push_back(HeldConnection(server().endpoint(), "127.0.0.2"));
    held.push_back(HeldConnection(server().endpoint(), "127.0.0.3"));
  }

  EXPECT_EQ(HealthzFrom(server().endpoint(), "127.0.0.1"), 200);
  EXPECT_EQ(HealthzFrom(server().endpoint(), "127.0.0.2"), 503);
  EXPECT_EQ(HealthzFrom(server().endpoint(), "127.0.0.3"), 503);
}

// Slowloris: a short deadline for request heads, a long one for kept-alive connections.
class HeaderDeadlineTest : public IntegrationTest {
 protected:
  static constexpr int kPerAddress = 8;
  std::vector<std::string> ServeArgs() const override {
    return {"--header-timeout-ms", "300", "--max-connections-per-address",
            std::to_string(kPerAddress)};
  }
};

TEST_F(HeaderDeadlineTest, AHalfSentHeadIsClosedOnTheHeaderDeadlineNotTheIdleTimeout) {
  RawConnection half(server().endpoint());
  ASSERT_TRUE(half.connected());
  ASSERT_TRUE(half.Send("GET /heal"));

  // The idle timeout is a minute: only the header deadline closes it this soon.
  EXPECT_TRUE(half.WaitForClose(std::chrono::seconds(10)));
}

TEST_F(HeaderDeadlineTest, ANewConnectionThatSendsNothingIsClosedOnTheHeaderDeadline) {
  RawConnection silent(server().endpoint());
  ASSERT_TRUE(silent.connected());

  EXPECT_TRUE(silent.WaitForClose(std::chrono::seconds(10)));
}

TEST_F(HeaderDeadlineTest, AKeptAliveConnectionWaitsPastTheHeaderDeadlineForItsNextRequest) {
  auto kept = HeldConnection(server().endpoint());

  EXPECT_FALSE(kept->WaitForClose(std::chrono::seconds(1)));
  ASSERT_TRUE(kept->Send(kHealthz));
  EXPECT_EQ(RawStatus(kept->ReadUntil("\r\n\r\n", std::chrono::seconds(5))), 200);
}

TEST_F(HeaderDeadlineTest, ManyHalfSentHeadsFromOneAddressDoNotStarveOthers) {
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 5 * kPerAddress; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server().endpoint(), "127.0.0.2"));
    slow.back()->Send("GET /healthz HTTP/1.1\r\nX-Slow: ");
  }

  EXPECT_EQ(HealthzFrom(server().endpoint(), "127.0.0.1"), 200);
  EXPECT_EQ(Get("/healthz", "").status, 200);
  // Each of them is closed: refused over the cap, or on the header deadline.
  for (auto& connection : slow) EXPECT_TRUE(connection->WaitForClose(std::chrono::seconds(10)));
}

class MetricsLabelsTest : public IntegrationTest {};

std::string RandomToken(std::mt19937& random, size_t length) {
  static constexpr char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::uniform_int_distribution<size_t> pick(0, sizeof kLetters - 2);
  std::string token;
  for (size_t i = 0; i < length; ++i) token += kLetters[pick(random)];
  return token;
}

TEST_F(MetricsLabelsTest, MadeUpMethodsAndPathsDoNotAddSeries) {
  constexpr int kRequests = 2000;
  const std::string kSeries = "agora_http_requests_total{";
  std::mt19937 random(15);
  HttpConnection warm_up(server().endpoint());
  // Without a web client, a GET no route matches is the web client's 503.
  ASSERT_EQ(warm_up.Request("GET", "/no/such/path").status, 503);
  ASSERT_EQ(warm_up.Request("BREW", "/no/such/path").status, 404);
  ASSERT_EQ(warm_up.Request("BREW", "/api/v1/users/12").status, 405);
  size_t series_before = CountLines(Get("/metrics", "").body, kSeries);

  HttpConnection connection(server().endpoint());
  for (int i = 0; i < kRequests; ++i) {
    std::string method = RandomToken(random, 8);
    std::string path = i % 2 == 0 ? "/" + RandomToken(random, 12) + "/" + RandomToken(random, 6)
                                  : "/api/v1/users/" + std::to_string(i);
    HttpResult answer = connection.Request(method, path);
    ASSERT_TRUE(answer.status == 404 || answer.status == 405) << method << " " << path << answer;
  }
  std::string metrics = Get("/metrics", "").body;

  // The GET of /metrics may add its own series: no more than that.
  EXPECT_LE(CountLines(metrics, kSeries), series_before + 1) << metrics;
  EXPECT_NE(metrics.find(R"(method="other")"), std::string::npos);
  EXPECT_LT(metrics.size(), 64u << 10);
}

}  // namespace
}  // namespace agora::integration
