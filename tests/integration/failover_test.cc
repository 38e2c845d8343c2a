// PostgreSQL failover (docs/scaling.md, "Failover"): real `agora serve` nodes on a primary with
// a synchronous standby, both listed in the store URL. The primary crashes, the standby is
// promoted, and the nodes carry on: their store connections reconnect (503 in between), they
// claim their node ids again on the new primary and listen again, and no acknowledged write is
// lost. Also: a node whose id another node took while its session was lost stops serving.
// Skipped where PostgreSQL's server is not installed.
//
// Recovery is polled for (within bounds), never waited for with a fixed sleep.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/connection.h"
#include "storage/rows.h"
#include "tests/integration/test_server.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/postgres_pair.h"

namespace agora::integration {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

bool Eventually(const std::function<bool()>& done, seconds within = seconds(20)) {
  auto deadline = Clock::now() + within;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// Sends the request until it is answered with something other than 503 (a node reconnecting to
// its store), for up to 20 s; the last answer.
HttpResult Patiently(const TestServer& node, const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& token = "") {
  HttpResult r;
  Eventually([&] {
    r = node.Request(method, target, body, token);
    return r.status != 503;
  });
  return r;
}

// Whether `node_id`'s claim is held on the server at `url` (storage/node_session.cc's lock).
bool NodeIdHeld(const std::string& url, int node_id) {
  auto admin = storage::Connection::Open(url, storage::Connection::Mode::kReadOnly);
  if (!admin.ok()) return false;
  auto held = storage::ReadInt64(**admin,
                                 "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                                 "classid = 1701279847 AND objid = ?1 AND granted",
                                 int64_t{node_id});
  return held.ok() && held->value_or(0) == 1;
}

class FailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Its store is its own pair of clusters whatever the run: once is enough.
    if (OnPostgres()) GTEST_SKIP() << "runs in the suite's default run";
    pair_ = testing::PostgresPair::Start();
    if (!pair_) GTEST_SKIP() << testing::PostgresPair::WhyNot();
    ASSERT_TRUE(pair_->CreateDatabase("agora"));
    url_ = pair_->FailoverUrl("agora");
    char pattern[] = "/tmp/agora-failover-XXXXXX";
    ASSERT_TRUE(mkdtemp(pattern));
    root_ = pattern;
    CommandResult added = AddAdminToStore(url_, root_ + "/provisioning");
    ASSERT_EQ(added.exit_status, 0) << added.output;
    a_ = StartNode(1);
    b_ = StartNode(2);
    admin_ = a_->LoginAdmin();
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    pair_.reset();
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }

  std::unique_ptr<TestServer> StartNode(int node_id) {
    return std::make_unique<TestServer>(
        TestServer::JoinStore{},
        std::vector<std::string>{"--store", url_, "--node-id", std::to_string(node_id)});
  }

  std::string WritePost(const TestServer& node, const TestUser& by, const std::string& text) {
    HttpResult r = node.Request("POST", "/api/v1/posts", "{\"text\":\"" + text + "\"}", by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  bool InHome(const TestServer& node, const TestUser& reader, const std::string& post_id) {
    HttpResult r = Patiently(node, "GET", "/api/v1/feeds/home?limit=50", "", reader.token);
    return r.status == 200 && r.body.find("\"" + post_id + "\"") != std::string::npos;
  }

  std::unique_ptr<testing::PostgresPair> pair_;
  std::string url_, root_, admin_;
  std::unique_ptr<TestServer> a_, b_;
};

TEST_F(FailoverTest, NodesCarryOnOnThePromotedStandbyWithEveryAcknowledgedWrite) {
  TestUser ana = a_->CreateAndLogin(admin_, "ana");
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  ASSERT_EQ(a_->Request("POST", "/api/v1/users/" + ana.id + "/follow", "", ben.token).status, 200);
  // Ben's home timeline is in A's memory before the crash: a post made on B after the failover
  // can only reach it through A's tailer, not through a lazy load.
  ASSERT_EQ(a_->Request("GET", "/api/v1/feeds/home", "", ben.token).status, 200);
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 3; ++i) acknowledged.push_back(WritePost(*a_, ana, "before the crash"));
  acknowledged.push_back(WritePost(*b_, ana, "before the crash, through bravo"));

  ASSERT_TRUE(pair_->CrashPrimary());
  auto promoting = Clock::now();
  ASSERT_TRUE(pair_->PromoteStandby());
  auto promoted = Clock::now();

  // A new post through A succeeds; until then A may answer 503, and nothing else.
  std::string after;
  int unavailable = 0;
  EXPECT_TRUE(Eventually([&] {
    HttpResult r =
        a_->Request("POST", "/api/v1/posts", "{\"text\":\"after the failover\"}", ana.token);
    if (r.status == 201) {
      after = JsonString(r.body, "/id").value_or("");
      return true;
    }
    EXPECT_EQ(r.status, 503) << r;
    ++unavailable;
    return false;
  }));
  auto written = Clock::now();
  auto ms = [](Clock::duration d) { return std::chrono::duration_cast<milliseconds>(d).count(); };
  std::cout << "[ failover ] pg_ctl promote took " << ms(promoted - promoting)
            << " ms; first write through node A " << ms(written - promoting)
            << " ms after it began (" << unavailable << " answers 503 before)" << std::endl;
  ASSERT_FALSE(after.empty());

  for (const std::string& post : acknowledged) {
    EXPECT_EQ(Patiently(*a_, "GET", "/api/v1/posts/" + post, "", ben.token).status, 200) << post;
    // The post made through B may have reached A's tailer only after the failover.
    EXPECT_TRUE(Eventually([&] { return InHome(*a_, ben, post); })) << post;
  }
  EXPECT_TRUE(InHome(*a_, ben, after));
  HttpResult login = Patiently(
      *a_, "POST", "/api/v1/auth/login",
      JsonBody().Set("username", "ben").Set("password", TestServer::kDefaultPassword).str());
  EXPECT_EQ(login.status, 200) << login;
  std::string token = JsonString(login.body, "/token").value_or("");
  EXPECT_EQ(Patiently(*a_, "GET", "/api/v1/feeds/home", "", token).status, 200);

  // A took its id again on the new primary (advisory locks are not replicated), so a second
  // node with that id is refused there.
  EXPECT_TRUE(Eventually([&] { return NodeIdHeld(pair_->StandbyUrl("agora"), 1); })) << a_->Log();
  EXPECT_NE(a_->Log().find("event=node_reclaimed"), std::string::npos);
  CommandResult twin = RunAgora({"serve", "--store", url_, "--node-id", "1", "--data",
                                 root_ + "/twin", "--listen", "127.0.0.1:0"},
                                std::nullopt, seconds(30));
  EXPECT_EQ(twin.exit_status, 1) << twin.output;
  EXPECT_NE(twin.output.find("held by another live node"), std::string::npos) << twin.output;

  // A post made through B reaches Ben's timeline in A's memory: A's tailer listens again.
  HttpResult through_b = Patiently(*b_, "POST", "/api/v1/posts",
                                   "{\"text\":\"after the failover, through bravo\"}", ana.token);
  ASSERT_EQ(through_b.status, 201) << through_b;
  std::string from_b = JsonString(through_b.body, "/id").value_or("");
  EXPECT_TRUE(Eventually([&] { return InHome(*a_, ben, from_b); })) << a_->Log();
}

// Advisory locks go with the connection: while a node's session is lost, another node may take
// its id. The node must then stop, or two nodes would make the same ids.
TEST(NodeClaimTest, ANodeWhoseIdWasTakenWhileItsSessionWasLostStops) {
  auto* cluster = testing::PostgresCluster::Get();
  if (!cluster) GTEST_SKIP() << testing::PostgresCluster::WhyNot();
  const std::string url = cluster->NewDatabase();
  TestServer node(TestServer::JoinStore{}, {"--store", url, "--node-id", "5"});
  ASSERT_TRUE(NodeIdHeld(url, 5));

  auto rival = storage::Connection::Open(url, storage::Connection::Mode::kReadWrite);
  ASSERT_TRUE(rival.ok()) << rival.status().message();
  // Cuts the node's session and, as soon as its lock goes, takes the id (pg_advisory_lock
  // waits for it): the node, which tries again after its poll interval, finds it taken.
  ASSERT_TRUE((*rival)
                  ->exec("SELECT pg_terminate_backend(pid), pg_advisory_lock(1701279847, 5) "
                         "FROM pg_locks WHERE locktype = 'advisory' AND classid = 1701279847 "
                         "AND objid = 5 AND granted")
                  .ok());

  EXPECT_EQ(node.WaitForExit(seconds(20)), 1) << node.Log();
  EXPECT_NE(node.Log().find("event=node_refused"), std::string::npos) << node.Log();
}

}  // namespace
}  // namespace agora::integration
