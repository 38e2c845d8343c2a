// The request handler without sockets: routing, authentication, admin-only routes, errors.
#include "server/dispatcher.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "core/json.h"
#include "profiles/password.h"
#include "services/community_service.h"
#include "services/deal_events_relay.h"
#include "services/deal_service.h"
#include "services/feed_service.h"
#include "services/notification_service.h"
#include "tests/support/temp_store.h"

namespace agora::server {
namespace {

services::AccountOptions TestAccountOptions() {
  services::AccountOptions options;
  options.password_cost = profiles::PasswordCost::Minimum();
  options.session_ttl_ms = 3'600'000;
  return options;
}

// Two workers, one hashing thread, four password requests queued at most.
DispatcherOptions SmallOptions() {
  DispatcherOptions options;
  options.worker_threads = 2;
  options.hashing_threads = 1;
  options.max_queued_hashing = 4;
  return options;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    EXPECT_TRUE(profiles::InitCrypto().ok());
    router_.add("GET", "/public", Access::kPublic, Lane::kDefault,
                [](RouteContext&) { return ApiResponse(200, R"({"ok":true})"); });
    router_.add("GET", "/private", Access::kAuthenticated, Lane::kDefault, [](RouteContext& ctx) {
      return ApiResponse(200, std::to_string(ctx.viewer.user_id));
    });
    router_.add("POST", "/admin", Access::kAdmin, Lane::kDefault,
                [](RouteContext&) { return ApiResponse(201, "{}"); });
    router_.add("GET", "/broken", Access::kPublic, Lane::kDefault,
                [](RouteContext&) -> ApiResponse { throw std::runtime_error("secret detail"); });
    router_.add("GET", "/refusing", Access::kPublic, Lane::kDefault,
                [](RouteContext&) -> Result<ApiResponse> {
                  return Status::Conflict("name_taken", "the name \"x\" is taken");
                });
    router_.add("GET", "/failing", Access::kPublic, Lane::kDefault,
                [](RouteContext&) -> Result<ApiResponse> {
                  return Status::Internal("sqlite: disk I/O error");
                });
  }

  // The value of header `name`, or nullopt when the response has none.
  static std::optional<std::string> HeaderOf(const ApiResponse& r, std::string_view name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

  // GET /slow holds its worker until `release` is set and counts its runs; GET /health is
  // answered on the caller's thread. So what queues is known without timing.
  struct HeldWorker {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> ran{0};
  };
  void AddHeldRoutes(HeldWorker& held) {
    router_.add("GET", "/slow", Access::kPublic, Lane::kDefault, [&held](RouteContext&) {
      ++held.ran;
      held.released.wait();
      return ApiResponse(200, "{}");
    });
    router_.add("GET", "/health", Access::kPublic, Lane::kInline,
                [](RouteContext&) { return ApiResponse(200, "{}"); });
  }

  // Answers of asynchronous dispatches, in the order they came.
  struct Answers {
    std::mutex mu;
    std::vector<ApiResponse> list;
  };
  void Send(Dispatcher& dispatcher, Answers& answers, const std::string& path) {
    dispatcher.Dispatch(Request("GET", {path}), [&answers](ApiResponse r) {
      std::lock_guard lock(answers.mu);
      answers.list.push_back(std::move(r));
    });
  }
  // Returns once the worker has taken every queued request.
  static void WaitForAnEmptyQueue(const Dispatcher& dispatcher) {
    while (dispatcher.queued_requests() != 0) std::this_thread::yield();
  }

  ApiRequest Request(std::string method, std::vector<std::string> path, std::string token = "") {
    ApiRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    if (!token.empty()) r.authorization = "Bearer " + token;
    return r;
  }

  std::string TokenFor(const std::string& username, bool admin) {
    profiles::NewUser user;
    user.username = username;
    user.password = "password123";
    user.role = admin ? profiles::Role::kAdmin : profiles::Role::kMember;
    user.profile.display_name = username;
    user.profile.email = username + "@example.com";
    EXPECT_TRUE(accounts_.Provision(user).ok());
    auto login = accounts_.Login(username, "password123", "127.0.0.1");
    EXPECT_TRUE(login.ok());
    return login->token.token;
  }

  agora::testing::TempStore store_;
  IdGenerator ids_{SystemClock::instance(), 0};
  profiles::UserRepository users_{*store_, SystemClock::instance()};
  services::LiveEventsRelay live_;
  // What accounts compose (rules-based membership, a leaver's handover).
  feed::FeedEngine engine_;
  posts::PostRepository posts_{*store_, SystemClock::instance()};
  communities::CommunityRepository community_repository_{*store_, SystemClock::instance()};
  communities::ModerationRepository moderation_{*store_, SystemClock::instance()};
  services::FeedService feed_{*store_,
                              engine_,
                              posts_,
                              users_,
                              community_repository_,
                              moderation_,
                              services::FeedServiceOptions{}};
  notifications::NotificationRepository notification_repository_{*store_, SystemClock::instance()};
  services::NotificationService notifications_{notification_repository_, users_,
                                               community_repository_, feed_, live_};
  services::Quotas quotas_{SystemClock::instance(), services::QuotaOptions{.enabled = false}};
  services::CommunityService communities_{*store_, ids_,           users_, community_repository_,
                                          feed_,   notifications_, quotas_};
  services::DealEventsRelay deal_events_;
  services::DealService deals_{*store_,        ids_,         SystemClock::instance(),
                               notifications_, deal_events_, quotas_};
  services::AccountService accounts_{
      *store_, SystemClock::instance(), ids_, users_, TestAccountOptions(), live_, communities_,
      deals_};
  Router router_;
  Metrics metrics_;
  Dispatcher dispatcher_{router_, accounts_, metrics_, SmallOptions()};
};

TEST_F(DispatcherTest, UnknownPathIsNotFoundAndWrongMethodNamesTheAllowedOnes) {
  EXPECT_EQ(dispatcher_.Handle(Request("GET", {"nowhere"})).status, 404);
  ApiResponse wrong = dispatcher_.Handle(Request("DELETE", {"public"}));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(HeaderOf(wrong, "Allow"), "GET, HEAD");
}

TEST_F(DispatcherTest, TheFallbackAnswersOnlyUnmatchedGets) {
  std::vector<std::vector<std::string>> asked;
  router_.set_fallback([&asked](const ApiRequest& request) -> std::optional<ApiResponse> {
    asked.push_back(request.path);
    if (request.path.size() == 1 && request.path[0] == "missing.js") return std::nullopt;
    return ApiResponse(200, "<!doctype html>", "text/html; charset=utf-8");
  });
  ApiResponse page = dispatcher_.Handle(Request("GET", {"people", "@ana"}));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html>");
  EXPECT_EQ(dispatcher_.Handle(Request("GET", {"missing.js"})).status, 404);
  // A route, a wrong method on a route, and other methods never reach the fallback.
  EXPECT_EQ(dispatcher_.Handle(Request("GET", {"public"})).body, R"({"ok":true})");
  EXPECT_EQ(dispatcher_.Handle(Request("DELETE", {"public"})).status, 405);
  EXPECT_EQ(dispatcher_.Handle(Request("POST", {"people"})).status, 404);
  EXPECT_EQ(asked, (std::vector<std::vector<std::string>>{{"people", "@ana"}, {"missing.js"}}));
}

TEST_F(DispatcherTest, AuthenticatedRoutesNeedAValidBearerToken) {
  EXPECT_EQ(dispatcher_.Handle(Request("GET", {"private"})).status, 401);
  EXPECT_EQ(dispatcher_.Handle(Request("GET", {"private"}, "agr_forged")).status, 401);
  std::string token = TokenFor("ana", false);
  ApiResponse ok = dispatcher_.Handle(Request("GET", {"private"}, token));
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body, "0");  // the handler saw the viewer's id
}

TEST_F(DispatcherTest, AdminRoutesRefuseMembersBeforeTheHandler) {
  EXPECT_EQ(dispatcher_.Handle(Request("POST", {"admin"}, TokenFor("ana", false))).status, 403);
  EXPECT_EQ(dispatcher_.Handle(Request("POST", {"admin"}, TokenFor("root", true))).status, 201);
}

TEST_F(DispatcherTest, AHandlerExceptionIsAnOpaque500) {
  ApiResponse r = dispatcher_.Handle(Request("GET", {"broken"}));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

// error.code of a JSON error body, or "" when the body is not one.
std::string ErrorCode(const ApiResponse& r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error")) return "";
  const auto& error = doc["error"];
  if (!error.IsObject() || !error.HasMember("code") || !error["code"].IsString() ||
      !error.HasMember("message") || !error["message"].IsString()) {
    return "";
  }
  return error["code"].GetString();
}

TEST_F(DispatcherTest, RouteAndAuthErrorsAreJsonErrorBodies) {
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("GET", {"nowhere", "\"quoted\"\n"}))),
            "not_found");
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("GET", {"\xff\xfe"}))), "not_found");
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("DELETE", {"public"}))), "method_not_allowed");
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("GET", {"private"}))), "unauthenticated");
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("GET", {"private"}, "agr_forged"))),
            "unauthenticated");
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("POST", {"admin"}, TokenFor("ana", false)))),
            "forbidden");
  EXPECT_EQ(ErrorCode(dispatcher_.Handle(Request("GET", {"broken"}))), "internal");
}

TEST_F(DispatcherTest, AStatusFromAHandlerIsAnsweredByTheErrorWriter) {
  ApiResponse refused = dispatcher_.Handle(Request("GET", {"refusing"}));
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(ErrorCode(refused), "name_taken");
  ApiResponse failed = dispatcher_.Handle(Request("GET", {"failing"}));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(ErrorCode(failed), "internal");
  EXPECT_EQ(failed.body.find("sqlite"), std::string::npos);
}

TEST_F(DispatcherTest, OneAddressHoldsAtMostItsShareOfThePasswordLane) {
  // A password route held busy until released, so what queues is known without timing.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  router_.add("POST", "/hash", Access::kPublic, Lane::kPasswordHashing, [released](RouteContext&) {
    released.wait();
    return ApiResponse(200, "{}");
  });
  DispatcherOptions options;
  options.worker_threads = 1;
  options.max_queued_hashing_per_address = 2;
  Dispatcher lane{router_, accounts_, metrics_, options};
  std::mutex mu;
  std::vector<std::pair<std::string, int>> answers;  // address, status
  std::atomic<int> pending{0};
  auto send = [&](const std::string& address) {
    ApiRequest request = Request("POST", {"hash"});
    request.client_address = address;
    ++pending;
    lane.Dispatch(request, [&, address](ApiResponse r) {
      std::lock_guard lock(mu);
      answers.emplace_back(address, r.status);
      --pending;
    });
  };
  for (int i = 0; i < 5; ++i) send("198.51.100.1");  // a flood from one address
  send("198.51.100.2");                              // someone else, after it

  {
    // Refused at once, before the lane frees: the flood's 3 beyond its share.
    std::lock_guard lock(mu);
    ASSERT_EQ(answers.size(), 3u);
    for (const auto& [address, status] : answers) {
      EXPECT_EQ(address, "198.51.100.1");
      EXPECT_EQ(status, 429);
    }
  }
  release.set_value();
  lane.Stop();
  EXPECT_EQ(pending.load(), 0);
  int served_flood = 0;
  int served_other = 0;
  for (const auto& [address, status] : answers) {
    if (status != 200) continue;
    (address == "198.51.100.1" ? served_flood : served_other)++;
  }
  EXPECT_EQ(served_flood, 2);
  EXPECT_EQ(served_other, 1);
}

TEST_F(DispatcherTest, RequestsBeyondTheQueueBoundAre503AtOnceAndHealthStaysAnswered) {
  HeldWorker held;
  AddHeldRoutes(held);
  DispatcherOptions options;
  options.worker_threads = 1;
  options.max_queued_requests = 3;
  Dispatcher overloaded{router_, accounts_, metrics_, options};
  Answers answers;
  Send(overloaded, answers, "slow");
  WaitForAnEmptyQueue(overloaded);
  for (int i = 0; i < 5; ++i) Send(overloaded, answers, "slow");  // 3 wait, 2 are refused
  Send(overloaded, answers, "health");  // answered although every worker is busy
  {
    std::lock_guard lock(answers.mu);
    ASSERT_EQ(answers.list.size(), 3u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(answers.list[i].status, 503);
      EXPECT_EQ(HeaderOf(answers.list[i], "Retry-After"), "1");
    }
    EXPECT_EQ(answers.list[2].status, 200);  // the health check
  }
  EXPECT_EQ(overloaded.shed_requests(), 2u);
  held.release.set_value();
  overloaded.Stop();
  EXPECT_EQ(overloaded.queued_requests(), 0u);
  std::lock_guard lock(answers.mu);
  EXPECT_EQ(answers.list.size(), 7u);
  EXPECT_EQ(std::count_if(answers.list.begin(), answers.list.end(),
                          [](const ApiResponse& r) { return r.status == 200; }),
            5);
  EXPECT_EQ(held.ran, 4);
}

TEST_F(DispatcherTest, ARequestThatWaitedPastTheDeadlineIs503WithoutRunning) {
  HeldWorker held;
  AddHeldRoutes(held);
  // The first request only waits for the worker to pick it up, far below 500 ms even on a
  // loaded machine (a 1 ms deadline shed it now and then); the second waits for the first to be
  // released, well past it.
  DispatcherOptions options;
  options.worker_threads = 1;
  options.max_queue_wait = std::chrono::milliseconds(500);
  Dispatcher overloaded{router_, accounts_, metrics_, options};
  Answers answers;
  Send(overloaded, answers, "slow");
  WaitForAnEmptyQueue(overloaded);
  Send(overloaded, answers, "slow");  // waits behind it, longer than the deadline
  Send(overloaded, answers, "health");
  std::this_thread::sleep_for(options.max_queue_wait + std::chrono::milliseconds(300));
  held.release.set_value();
  overloaded.Stop();
  std::lock_guard lock(answers.mu);
  ASSERT_EQ(answers.list.size(), 3u);
  EXPECT_EQ(answers.list[0].status, 200);  // the health check, while the worker was held
  EXPECT_EQ(answers.list[1].status, 200);  // the first request
  EXPECT_EQ(answers.list[2].status, 503);  // the second: shed when the worker reached it
  EXPECT_EQ(HeaderOf(answers.list[2], "Retry-After"), "1");
  EXPECT_EQ(held.ran, 1);
  EXPECT_EQ(overloaded.shed_requests(), 1u);
}

TEST_F(DispatcherTest, HandlersRunWithLowerCpuPriorityThanTheSocketThreads) {
  std::promise<int> handler_nice;
  router_.add("GET", "/nice", Access::kPublic, Lane::kDefault, [&handler_nice](RouteContext&) {
    handler_nice.set_value(getpriority(PRIO_PROCESS, gettid()));
    return ApiResponse(200, "{}");
  });
  int own_nice = getpriority(PRIO_PROCESS, gettid());
  DispatcherOptions options;
  options.worker_niceness = 3;
  Dispatcher lowered{router_, accounts_, metrics_, options};
  lowered.Dispatch(Request("GET", {"nice"}), [](ApiResponse) {});
  EXPECT_EQ(handler_nice.get_future().get(), std::min(own_nice + 3, 19));
}

TEST_F(DispatcherTest, TheClientAddressComesFromATrustedProxysHeaderOnly) {
  std::string seen;
  router_.add("GET", "/whoami", Access::kPublic, Lane::kDefault, [&seen](RouteContext& ctx) {
    seen = ctx.request.client_address;
    return ApiResponse(200, "{}");
  });
  auto proxy = Cidr::Parse("10.0.0.0/8");
  ASSERT_TRUE(proxy.ok());
  DispatcherOptions options;
  options.trusted_proxies = {*proxy};
  Dispatcher behind_proxy{router_, accounts_, metrics_, options};
  ApiRequest request = Request("GET", {"whoami"});
  request.x_forwarded_for = "198.51.100.7";

  request.client_address = "10.0.0.5";
  behind_proxy.Handle(request);
  EXPECT_EQ(seen, "198.51.100.7");

  request.client_address = "203.0.113.9";
  behind_proxy.Handle(request);
  EXPECT_EQ(seen, "203.0.113.9");
}

TEST_F(DispatcherTest, DispatchAnswersFromAWorkerAndRecordsMetrics) {
  std::promise<ApiResponse> answered;
  dispatcher_.Dispatch(Request("GET", {"public"}),
                       [&](ApiResponse r) { answered.set_value(std::move(r)); });
  EXPECT_EQ(answered.get_future().get().status, 200);
  EXPECT_NE(metrics_.Render().find(R"(route="/public",method="GET",status="200")"),
            std::string::npos);
}

}  // namespace
}  // namespace agora::server
