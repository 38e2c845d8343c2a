// Two real `agora serve` nodes on one PostgreSQL store (docs/scaling.md): what is written
// through node A reaches node B's home streams, live streams and search, its leaderboards,
// monthly results and campaigns, and its streams' notifications; a node id is held by one
// live node at a time; a node killed with SIGKILL loses nothing and catches up when it
// restarts. Skipped where PostgreSQL's server is not installed.
//
// Whatever B does in the background (the tailer, the search index) is polled for, never
// waited for with a fixed sleep.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/test_server.h"
#include "tests/integration/ws_client.h"
#include "tests/support/postgres_cluster.h"

namespace agora::integration {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool Eventually(const std::function<bool()>& done, seconds within = seconds(15)) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// The type and post id of a live-stream message.
std::pair<std::string, std::string> Parse(const std::string& message) {
  rapidjson::Document doc;
  doc.Parse(message.c_str());
  if (!doc.IsObject() || !doc.HasMember("type")) return {};
  std::string type = doc["type"].GetString();
  if (type == "post") return {type, doc["item"]["object"]["agora:post"]["id"].GetString()};
  if (type == "delete") return {type, doc["post_id"].GetString()};
  return {type, ""};
}

// `body` without its top-level `updated_at` (when the node last changed it, its own clock), to
// compare two nodes' answers.
std::string WithoutUpdatedAt(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (!doc.IsObject()) return body;
  doc.RemoveMember("updated_at");
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  doc.Accept(writer);
  return out.GetString();
}

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* cluster = testing::PostgresCluster::Get();
    if (!cluster) GTEST_SKIP() << testing::PostgresCluster::WhyNot();
    url_ = cluster->NewDatabase();
    char pattern[] = "/tmp/agora-multi-node-XXXXXX";
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
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }

  std::unique_ptr<TestServer> StartNode(int node_id, std::vector<std::string> more_args = {}) {
    std::vector<std::string> args{"--store", url_, "--node-id", std::to_string(node_id)};
    args.insert(args.end(), more_args.begin(), more_args.end());
    return std::make_unique<TestServer>(TestServer::JoinStore{}, args);
  }

  std::string WritePost(const TestServer& node, const TestUser& by, const std::string& text) {
    HttpResult r = node.Request("POST", "/api/v1/posts", "{\"text\":\"" + text + "\"}", by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  void Follow(const TestServer& node, const TestUser& who, const TestUser& whom) {
    EXPECT_EQ(node.Request("POST", "/api/v1/users/" + whom.id + "/follow", "", who.token).status,
              200);
  }
  bool InHome(const TestServer& node, const TestUser& reader, const std::string& post_id) {
    HttpResult r = node.Request("GET", "/api/v1/feeds/home?limit=50", "", reader.token);
    return r.status == 200 && r.body.find("\"" + post_id + "\"") != std::string::npos;
  }
  bool Found(const TestServer& node, const TestUser& reader, const std::string& word,
             const std::string& post_id) {
    HttpResult r = node.Request("GET", "/api/v1/search/posts?q=" + word, "", reader.token);
    return r.status == 200 && r.body.find("\"" + post_id + "\"") != std::string::npos;
  }
  // A live stream of `who` on `node`, proven subscribed: a follow made through `node` itself
  // notifies `who`, and that notification is its first message.
  std::unique_ptr<WsClient> Stream(const TestServer& node, const TestUser& who) {
    auto ws =
        std::make_unique<WsClient>(node.endpoint(), "/api/v1/stream?access_token=" + who.token);
    EXPECT_TRUE(ws->open()) << ws->refusal_status() << " " << ws->refusal_body();
    TestUser barrier = node.CreateAndLogin(admin_, "barrier" + std::to_string(++barriers_));
    Follow(node, barrier, who);
    auto first = ws->Read();
    EXPECT_TRUE(first && first->find("\"type\":\"follow\"") != std::string::npos)
        << first.value_or("(nothing)");
    return ws;
  }
  // Every message of `ws` up to the first that contains `last` (a bounded number of reads,
  // each with its own deadline); "" and a test failure when it never comes.
  std::vector<std::string> MessagesUntil(WsClient& ws, const std::string& last) {
    std::vector<std::string> out;
    for (int i = 0; i < 100; ++i) {
      auto message = ws.Read(seconds(10));
      if (!message) break;
      out.push_back(*message);
      if (message->find(last) != std::string::npos) return out;
    }
    ADD_FAILURE() << "no message with " << last;
    return out;
  }
  // A follow of `who` made through A: its notification reaches `who`'s streams on B through
  // the outbox after every entry committed before it, so the messages before it are all that
  // B had to tell of those entries.
  std::string CrossNodeBarrier(const TestUser& who) {
    TestUser barrier = a_->CreateAndLogin(admin_, "barrier" + std::to_string(++barriers_));
    Follow(*a_, barrier, who);
    return barrier.id;
  }
  // A sales org: two managers, each with a rep.
  struct SalesOrg {
    TestUser manager, rep, other_manager, other_rep;
  };
  SalesOrg MakeSalesOrg() {
    SalesOrg org;
    org.manager = a_->CreateAndLogin(admin_, "manager");
    org.rep = a_->CreateAndLogin(admin_, "rep", JsonBody().Set("manager_id", org.manager.id));
    org.other_manager = a_->CreateAndLogin(admin_, "other.manager");
    org.other_rep =
        a_->CreateAndLogin(admin_, "other.rep", JsonBody().Set("manager_id", org.other_manager.id));
    return org;
  }
  // A company-wide campaign over November 2026 of `participants`, made through `node`.
  std::string CreateCampaign(const TestServer& node, const std::vector<std::string>& participants,
                             const std::string& metric = "won_amount") {
    HttpResult r = node.Request("POST", "/api/v1/campaigns",
                                JsonBody()
                                    .Set("name", "November push")
                                    .Set("starts_on", "2026-11-01")
                                    .Set("ends_on", "2026-11-30")
                                    .Set("metric", metric)
                                    .Set("visibility", "company")
                                    .Set("user_ids", participants)
                                    .str(),
                                admin_);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  // A deal of `owner` recorded through `node`; its id.
  std::string RecordDeal(const TestServer& node, const TestUser& owner, const std::string& amount,
                         const std::string& outcome = "won", const std::string& currency = "EUR") {
    JsonBody body;
    body.Set("customer", "Globex")
        .Set("sector", "retail")
        .Set("product", "fiber")
        .Set("region", "north")
        .Set("amount", amount)
        .Set("currency", currency)
        .Set("outcome", outcome);
    if (outcome != "open") body.Set("closed_on", "2026-11-10");
    HttpResult r = node.Request("POST", "/api/v1/deals", body.str(), owner.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  void PatchDeal(const std::string& deal, const std::string& body) {
    HttpResult r = a_->Request("PATCH", "/api/v1/deals/" + deal, body, admin_);
    EXPECT_EQ(r.status, 200) << r;
  }
  // The answer of `target` on `node` as the admin, without its updated_at; "" unless 200.
  std::string Read(const TestServer& node, const std::string& target) {
    HttpResult r = node.Request("GET", target, "", admin_);
    return r.status == 200 ? WithoutUpdatedAt(r.body) : "";
  }
  // Whether B answers `targets` as A does (A, the writer, is current at once).
  bool SameOnBothNodes(const std::vector<std::string>& targets) {
    for (const std::string& target : targets) {
      std::string on_a = Read(*a_, target);
      if (on_a.empty() || Read(*b_, target) != on_a) return false;
    }
    return true;
  }
  static std::vector<std::string> BoardsAndResults(const std::string& campaign) {
    std::vector<std::string> out;
    for (const char* by : {"person", "team", "region"}) {
      out.push_back("/api/v1/campaigns/" + campaign + "/leaderboard?by=" + by);
    }
    for (const char* by : {"region", "product", "person", "team"}) {
      out.push_back(std::string("/api/v1/results/monthly?month=2026-11&by=") + by);
    }
    return out;
  }

  // The next post or delete message of `ws` (notifications are skipped).
  std::pair<std::string, std::string> NextPostEvent(WsClient& ws) {
    while (auto message = ws.Read(seconds(10))) {
      auto event = Parse(*message);
      if (event.first == "post" || event.first == "delete") return event;
    }
    return {};
  }

  std::string url_, root_, admin_;
  std::unique_ptr<TestServer> a_, b_;
  int barriers_ = 0;
};

TEST_F(MultiNodeTest, APostThroughAReachesAFollowerOnBOverHttpWebSocketAndSearch) {
  TestUser ana = a_->CreateAndLogin(admin_, "ana");
  TestUser ben = b_->CreateAndLogin(admin_, "ben");
  Follow(*b_, ben, ana);
  // Ben's home timeline is in B's memory before the post: the post must be fanned out into it
  // by B's tailer, not found by a lazy load.
  ASSERT_EQ(b_->Request("GET", "/api/v1/feeds/home", "", ben.token).status, 200);
  auto ws = Stream(*b_, ben);

  std::string post = WritePost(*a_, ana, "quarterly zeppelin numbers");
  EXPECT_EQ(NextPostEvent(*ws), std::make_pair(std::string("post"), post));
  EXPECT_TRUE(InHome(*b_, ben, post)) << "the live event came before the timeline";
  EXPECT_TRUE(Eventually([&] { return Found(*b_, ben, "zeppelin", post); }));

  ASSERT_EQ(a_->Request("DELETE", "/api/v1/posts/" + post, "", ana.token).status, 204);
  EXPECT_EQ(NextPostEvent(*ws), std::make_pair(std::string("delete"), post));
  EXPECT_FALSE(InHome(*b_, ben, post));
  EXPECT_EQ(b_->Request("GET", "/api/v1/posts/" + post, "", ben.token).status, 404);
  EXPECT_TRUE(Eventually([&] { return !Found(*b_, ben, "zeppelin", post); }));
}

TEST_F(MultiNodeTest, FollowsAndMembershipsMadeOnAMoveTimelinesOnB) {
  TestUser ana = a_->CreateAndLogin(admin_, "ana");
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  std::string earlier = WritePost(*a_, ana, "written before the follow");
  ASSERT_EQ(b_->Request("GET", "/api/v1/feeds/home", "", ben.token).status, 200);
  Follow(*a_, ben, ana);  // through A, while Ben's timeline is in B's memory
  EXPECT_TRUE(Eventually([&] { return InHome(*b_, ben, earlier); }));
  ASSERT_EQ(a_->Request("DELETE", "/api/v1/users/" + ana.id + "/follow", "", ben.token).status,
            204);
  EXPECT_TRUE(Eventually([&] { return !InHome(*b_, ben, earlier); }));

  HttpResult made = a_->Request("POST", "/api/v1/communities",
                                "{\"name\":\"Guild\",\"visibility\":\"open\"}", ana.token);
  ASSERT_EQ(made.status, 201) << made;
  std::string community = JsonString(made.body, "/id").value_or("");
  HttpResult r =
      a_->Request("POST", "/api/v1/posts",
                  "{\"text\":\"guild news\",\"community_id\":\"" + community + "\"}", ana.token);
  ASSERT_EQ(r.status, 201) << r;
  std::string news = JsonString(r.body, "/id").value_or("");
  ASSERT_EQ(a_->Request("POST", "/api/v1/communities/" + community + "/join", "", ben.token).status,
            200);
  EXPECT_TRUE(Eventually([&] { return InHome(*b_, ben, news); }));
  ASSERT_EQ(
      a_->Request("POST", "/api/v1/communities/" + community + "/leave", "", ben.token).status,
      204);
  EXPECT_TRUE(Eventually([&] { return !InHome(*b_, ben, news); }));
}

TEST_F(MultiNodeTest, AnAccountDeactivatedOnALosesItsSessionAndStreamOnB) {
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  auto ws = Stream(*b_, ben);  // B has ben's session in its cache now
  ASSERT_EQ(a_->Request("POST", "/api/v1/users/" + ben.id + "/deactivate", "", admin_).status, 200);
  EXPECT_TRUE(ws->WaitClosed(seconds(10)));
  EXPECT_TRUE(Eventually(
      [&] { return b_->Request("GET", "/api/v1/feeds/home", "", ben.token).status == 401; }));
}

TEST_F(MultiNodeTest, ALogoutOnAEndsTheSessionOnB) {
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  ASSERT_EQ(b_->Request("GET", "/api/v1/feeds/home", "", ben.token).status, 200);  // B caches it
  ASSERT_EQ(a_->Request("POST", "/api/v1/auth/logout", "", ben.token).status / 100, 2);
  EXPECT_TRUE(Eventually(
      [&] { return b_->Request("GET", "/api/v1/feeds/home", "", ben.token).status == 401; }));
}

TEST_F(MultiNodeTest, APasswordChangedOnAEndsTheOtherSessionsOnB) {
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  std::string other = b_->Login("ben", TestServer::kDefaultPassword);
  ASSERT_EQ(b_->Request("GET", "/api/v1/feeds/home", "", other).status, 200);  // B caches it
  HttpResult changed =
      a_->Request("POST", "/api/v1/me/password",
                  std::string("{\"current_password\":\"") + TestServer::kDefaultPassword +
                      "\",\"new_password\":\"another-horse-2\"}",
                  ben.token);
  ASSERT_EQ(changed.status / 100, 2) << changed;
  EXPECT_TRUE(Eventually(
      [&] { return b_->Request("GET", "/api/v1/feeds/home", "", other).status == 401; }));
}

TEST_F(MultiNodeTest, ASecondLiveNodeWithTheSameIdIsRefused) {
  CommandResult second = RunAgora({"serve", "--store", url_, "--node-id", "1", "--data",
                                   root_ + "/second", "--listen", "127.0.0.1:0"},
                                  std::nullopt, seconds(30));
  EXPECT_EQ(second.exit_status, 1) << second.output;
  EXPECT_NE(second.output.find("node_refused"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("held by another live node"), std::string::npos) << second.output;
}

TEST_F(MultiNodeTest, ANodeKilledMidWayLosesNothingAndCatchesUpWhenRestarted) {
  TestUser ana = a_->CreateAndLogin(admin_, "ana");
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  Follow(*a_, ben, ana);
  std::string before = WritePost(*b_, ana, "acknowledged by the node that dies");
  b_->Kill();

  // A keeps serving while B is gone.
  std::string meanwhile = WritePost(*a_, ana, "written while bravo was down");
  EXPECT_TRUE(InHome(*a_, ben, before));
  EXPECT_TRUE(InHome(*a_, ben, meanwhile));

  // At once: the id was B's only while its connection lived.
  b_->Restart();
  EXPECT_TRUE(InHome(*b_, ben, before));
  EXPECT_TRUE(InHome(*b_, ben, meanwhile));
  EXPECT_TRUE(Eventually([&] { return Found(*b_, ben, "bravo", meanwhile); }));
  auto ws = Stream(*b_, ben);
  std::string after = WritePost(*a_, ana, "written after the restart");
  EXPECT_EQ(NextPostEvent(*ws), std::make_pair(std::string("post"), after));
  EXPECT_TRUE(InHome(*b_, ben, after));
}

// Sales engines live in each node's memory; B learns of A's deal changes from the outbox and
// tells its own streams, with the same access rules as A.
TEST_F(MultiNodeTest, ADealWonOnAMovesBsLeaderboardAndReachesOnlyItsViewersOnB) {
  SalesOrg org = MakeSalesOrg();
  std::string campaign = CreateCampaign(*a_, {org.rep.id, org.other_rep.id});
  const std::string board = "/api/v1/campaigns/" + campaign + "/leaderboard";
  ASSERT_TRUE(Eventually([&] { return !Read(*b_, board).empty(); }));
  auto rep = Stream(*b_, org.rep);
  auto manager = Stream(*b_, org.manager);
  auto other_rep = Stream(*b_, org.other_rep);  // a participant, outside the deal's chain

  std::string deal = RecordDeal(*a_, org.rep, "1234.50");
  ASSERT_FALSE(deal.empty());
  EXPECT_TRUE(Eventually([&] { return SameOnBothNodes({board}); }));
  EXPECT_NE(Read(*b_, board).find(org.rep.id), std::string::npos);

  auto heard = [](const std::vector<std::string>& messages, const std::string& type,
                  const std::string& what) {
    for (const auto& m : messages) {
      if (Parse(m).first == type && m.find(what) != std::string::npos) return true;
    }
    return false;
  };
  std::vector<std::string> rep_heard = MessagesUntil(*rep, "\"deal_won\"");
  EXPECT_TRUE(heard(rep_heard, "leaderboard", campaign));
  EXPECT_TRUE(heard(rep_heard, "deal_won", deal));
  EXPECT_TRUE(heard(MessagesUntil(*manager, "\"deal_won\""), "deal_won", deal));
  // Everything B tells of the win comes before a barrier made after it.
  std::vector<std::string> other_heard = MessagesUntil(*other_rep, CrossNodeBarrier(org.other_rep));
  EXPECT_TRUE(heard(other_heard, "leaderboard", campaign));
  EXPECT_FALSE(heard(other_heard, "deal_won", ""));
  for (const auto& m : other_heard) EXPECT_EQ(m.find(deal), std::string::npos) << m;
}

TEST_F(MultiNodeTest, ADealChangedAgainAndAgainOnAGivesBTheSameBoardsAndResults) {
  SalesOrg org = MakeSalesOrg();
  std::string campaign = CreateCampaign(*a_, {org.rep.id, org.other_rep.id});
  std::string deal = RecordDeal(*a_, org.rep, "1000");
  std::string shared = RecordDeal(*a_, org.other_rep, "300");
  PatchDeal(deal, JsonBody().Set("amount", "2500").str());
  PatchDeal(shared, JsonBody()
                        .SetRaw("team", "[{\"user_id\":\"" + org.rep.id +
                                            "\",\"share\":\"0.4\"},{\"user_id\":\"" +
                                            org.other_rep.id + "\",\"share\":\"0.6\"}]")
                        .str());
  PatchDeal(deal, JsonBody().Set("outcome", "open").SetNull("closed_on").str());
  PatchDeal(
      deal,
      JsonBody().Set("outcome", "won").Set("closed_on", "2026-11-12").Set("amount", "700").str());
  PatchDeal(shared, JsonBody().Set("outcome", "lost").str());
  EXPECT_TRUE(Eventually([&] { return SameOnBothNodes(BoardsAndResults(campaign)); }));
  // Not two empty answers: the deals count.
  EXPECT_NE(Read(*b_, "/api/v1/results/monthly?month=2026-11&by=person").find(org.rep.id),
            std::string::npos);
}

TEST_F(MultiNodeTest, RatesChangedOnAConvertBsResultsAgain) {
  SalesOrg org = MakeSalesOrg();
  auto set_rate = [&](const std::string& rate) {
    HttpResult r = a_->Request("PUT", "/api/v1/settings/currency",
                               JsonBody()
                                   .Set("reporting_currency", "EUR")
                                   .Set("month", "2026-11")
                                   .SetRaw("rates", "{\"USD\":\"" + rate + "\"}")
                                   .str(),
                               admin_);
    EXPECT_EQ(r.status, 200) << r;
  };
  set_rate("0.9");
  std::string campaign = CreateCampaign(*a_, {org.rep.id});
  RecordDeal(*a_, org.rep, "1000", "won", "USD");
  ASSERT_TRUE(Eventually([&] { return SameOnBothNodes(BoardsAndResults(campaign)); }));
  std::string before = Read(*b_, "/api/v1/results/monthly?month=2026-11&by=region");
  set_rate("0.5");
  EXPECT_TRUE(Eventually([&] { return SameOnBothNodes(BoardsAndResults(campaign)); }));
  EXPECT_NE(Read(*b_, "/api/v1/results/monthly?month=2026-11&by=region"), before);
}

TEST_F(MultiNodeTest, ACampaignCreatedOnAIsOnBWithItsLeaderboard) {
  SalesOrg org = MakeSalesOrg();
  RecordDeal(*a_, org.rep, "800");
  RecordDeal(*a_, org.other_rep, "900", "lost");
  std::string campaign = CreateCampaign(*a_, {org.rep.id, org.other_rep.id}, "win_rate");
  EXPECT_TRUE(Eventually([&] {
    return SameOnBothNodes({"/api/v1/campaigns/" + campaign, "/api/v1/campaigns"}) &&
           SameOnBothNodes(BoardsAndResults(campaign));
  }));
  HttpResult mine = b_->Request("GET", "/api/v1/campaigns/" + campaign, "", org.rep.token);
  EXPECT_EQ(mine.status, 200) << mine;
  EXPECT_TRUE(JsonHas(mine.body, "/me")) << mine;
}

TEST_F(MultiNodeTest, AMentionWrittenOnAIsPushedToTheRecipientsStreamOnBOnly) {
  TestUser ana = a_->CreateAndLogin(admin_, "ana");
  TestUser ben = a_->CreateAndLogin(admin_, "ben");
  TestUser cid = a_->CreateAndLogin(admin_, "cid");
  auto bens = Stream(*b_, ben);
  auto cids = Stream(*b_, cid);
  std::string post = WritePost(*a_, ana, "thanks @ben for the numbers");
  std::vector<std::string> heard = MessagesUntil(*bens, post);
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(Parse(heard.back()).first, "notification") << heard.back();
  EXPECT_NE(heard.back().find("mention"), std::string::npos) << heard.back();
  for (const auto& m : MessagesUntil(*cids, CrossNodeBarrier(cid))) {
    EXPECT_EQ(m.find(post), std::string::npos) << m;
  }
}

TEST_F(MultiNodeTest, ANodeCutOffLongerThanPruningWaitsStopsRatherThanServeWhatItMissed) {
  // Node 1 stops; node 3 prunes as soon as every node that reported lately applied an entry.
  a_ = StartNode(3, {"--outbox-prune-ms", "50"});
  admin_ = a_->LoginAdmin();
  TestUser ana = a_->CreateAndLogin(admin_, "ana");
  // B freezes, and its last report, like node 1's, ages past pruning's window (an hour, not
  // waited out here).
  ASSERT_EQ(kill(b_->pid(), SIGSTOP), 0);
  auto store = storage::Connection::Open(url_, storage::Connection::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->exec("UPDATE nodes SET heartbeat_at = 0 WHERE node_id IN (1, 2)").ok());
  std::string missed = WritePost(*a_, ana, "written while bravo was cut off");
  const std::string its_entries = "SELECT count(*) FROM outbox WHERE entity_id = " + missed;
  ASSERT_TRUE(Eventually([&] {
    auto fresh = storage::Connection::Open(url_, storage::Connection::Mode::kReadOnly);
    if (!fresh.ok()) return false;
    auto count = (*fresh)->prepare(its_entries.c_str());
    if (!count.ok()) return false;
    auto row = (*count)->step();
    return row.ok() && *row && (*count)->column_int64(0) == 0;
  }));

  ASSERT_EQ(kill(b_->pid(), SIGCONT), 0);
  EXPECT_EQ(b_->WaitForExit(seconds(20)), 1);
  EXPECT_NE(b_->Log().find("node_behind_outbox"), std::string::npos) << b_->Log();
  // A restart rebuilds B's memory from the store, the missed post included.
  b_->Restart();
  TestUser reader = b_->CreateAndLogin(admin_, "reader");
  EXPECT_EQ(b_->Request("GET", "/api/v1/posts/" + missed, "", reader.token).status, 200);
}

}  // namespace
}  // namespace agora::integration
