// Campaigns ("temps forts") and their leaderboards over HTTP: validation codes, who may
// create (admins, managers over their own subtree), who may see (participants, creator,
// admins, sales_ops; everyone for `company`), the caller's `me`, and the leaderboard built
// from the deals in SQLite at start.
//
// The leaderboard tests write deals straight into the stopped server's SQLite file and restart
// it: that is what the start-up build must handle. The live-event test records its deal with
// POST /api/v1/deals.
#include <rapidjson/document.h>

#include <atomic>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"
#include "tests/integration/ws_client.h"

namespace agora::integration {
namespace {

struct TeamShare {
  std::string user_id;
  int share_bp;
};

struct StoredDeal {
  std::vector<TeamShare> team;
  std::string outcome = "won";
  int64_t amount_minor = 0;
  std::string currency = "EUR";
  std::string closed_on = "2026-11-10";
  std::string region = "north";
  std::string product = "fiber";
};

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

class CampaignsTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    manager_ = CreateAndLogin("manager");
    rep_a_ = CreateAndLogin("rep_a", JsonBody().Set("manager_id", manager_.id));
    rep_b_ = CreateAndLogin("rep_b", JsonBody().Set("manager_id", manager_.id));
    other_manager_ = CreateAndLogin("other_manager");
    rep_c_ = CreateAndLogin("rep_c", JsonBody().Set("manager_id", other_manager_.id));
    outsider_ = CreateAndLogin("outsider");
  }

  // A valid campaign body with `with` replacing the defaults; other members are Set() after.
  static JsonBody Campaign(std::map<std::string, std::string> with = {}) {
    std::map<std::string, std::string> fields = {{"name", "Temps fort"},
                                                 {"starts_on", "2026-11-01"},
                                                 {"ends_on", "2026-11-30"},
                                                 {"metric", "won_amount"},
                                                 {"target", "1000"}};
    for (auto& [name, value] : with) fields[name] = value;
    JsonBody body;
    for (const auto& [name, value] : fields) body.Set(name, value);
    return body;
  }

  HttpResult Create(const JsonBody& body, const std::string& token) {
    return Post("/api/v1/campaigns", body.str(), token);
  }
  std::string CreateOk(const JsonBody& body, const std::string& token) {
    HttpResult r = Create(body, token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  std::vector<std::string> ListIds(const std::string& token, const std::string& query = "") {
    HttpResult r = Get("/api/v1/campaigns" + query, token);
    EXPECT_EQ(r.status, 200) << r;
    return JsonIds(r.body);
  }

  // Stops the server, writes `deals` into its store, starts it again.
  void StoreDealsAndRestart(const std::vector<StoredDeal>& deals) {
    ASSERT_EQ(server().Stop(), 0);
    int64_t id = 9'000'000;
    for (const auto& deal : deals) {
      ++id;
      std::string sql =
          "INSERT INTO sales_deals (id, owner_id, customer, sector, product, region, "
          "amount_minor, currency, outcome, closed_on, new_customer, created_by, created_at, "
          "updated_at) VALUES (" +
          std::to_string(id) + ", " + deal.team.front().user_id + ", 'ACME', 'retail', '" +
          deal.product + "', '" + deal.region + "', " + std::to_string(deal.amount_minor) + ", '" +
          deal.currency + "', '" + deal.outcome + "', '" + deal.closed_on + "', 0, " +
          deal.team.front().user_id + ", 0, 0);";
      for (const auto& member : deal.team) {
        sql += "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (" +
               std::to_string(id) + ", " + member.user_id + ", " + std::to_string(member.share_bp) +
               ");";
      }
      server().ExecSql(sql);
    }
    server().Restart();
  }

  TestUser manager_, rep_a_, rep_b_, other_manager_, rep_c_, outsider_;
};

TEST_F(CampaignsTest, BadCampaignsAreRefusedWithTheirCodeAndWriteNothing) {
  struct Case {
    JsonBody body;
    int status;
    std::string code;
  };
  std::vector<Case> cases = {
      {Campaign({{"ends_on", "2026-10-01"}}).Set("user_ids", std::vector<std::string>{rep_a_.id}),
       422, "invalid_period"},
      {Campaign({{"metric", "revenue"}}).Set("user_ids", std::vector<std::string>{rep_a_.id}), 422,
       "invalid_metric"},
      {Campaign(), 422, "missing_participants"},
      {Campaign({{"target", "1.234"}}).Set("user_ids", std::vector<std::string>{rep_a_.id}), 422,
       "invalid_target"},
      {Campaign({{"metric", "won_count"}, {"target", "2.5"}})
           .Set("user_ids", std::vector<std::string>{rep_a_.id}),
       422, "invalid_target"},
      {Campaign().Set("user_ids", std::vector<std::string>{rep_a_.id}).Set("visibility", "all"),
       422, "invalid_visibility"},
      {Campaign().Set("user_ids", std::vector<std::string>{"12345678"}), 422,
       "invalid_participant"},
      {Campaign().Set("org_root", "12345678"), 422, "invalid_org_root"},
      {Campaign().Set("community_id", "12345678"), 422, "invalid_community"},
      {Campaign({{"starts_on", "soon"}}).Set("user_ids", std::vector<std::string>{rep_a_.id}), 422,
       "invalid_date"},
      {Campaign().Set("user_ids", std::vector<std::string>{rep_a_.id}).Set("color", "red"), 422,
       "field_not_writable"},
  };
  for (const auto& c : cases) {
    HttpResult r = Create(c.body, admin_token_);
    EXPECT_EQ(r.status, c.status) << c.body.str() << " " << r;
    EXPECT_EQ(ErrorCode(r.body), c.code) << c.body.str();
  }
  HttpResult malformed = Post("/api/v1/campaigns", "{\"name\":", admin_token_);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(ListIds(admin_token_).empty());
}

TEST_F(CampaignsTest, AManagerCreatesOnlyOverTheirOwnSubtree) {
  std::string own = CreateOk(
      Campaign().Set("user_ids", std::vector<std::string>{rep_a_.id, rep_b_.id, rep_a_.id}),
      manager_.token);
  HttpResult got = Get("/api/v1/campaigns/" + own, manager_.token);
  EXPECT_EQ(JsonInt(got.body, "/participants_count"), 2);  // deduplicated
  CreateOk(Campaign().Set("org_root", manager_.id), manager_.token);
  CreateOk(Campaign().Set("org_root", rep_a_.id), manager_.token);

  auto refused = [&](JsonBody body, const std::string& token) {
    HttpResult r = Create(body, token);
    return std::to_string(r.status) + " " + ErrorCode(r.body);
  };
  EXPECT_EQ(refused(Campaign().Set("user_ids", std::vector<std::string>{rep_a_.id, rep_c_.id}),
                    manager_.token),
            "422 participant_outside_subtree");
  EXPECT_EQ(refused(Campaign().Set("org_root", other_manager_.id), manager_.token),
            "422 participant_outside_subtree");
  std::string community = CreateCommunity(rep_c_, "Fiber sellers", "open");
  EXPECT_EQ(refused(Campaign().Set("community_id", community), manager_.token),
            "422 participant_outside_subtree");
  // Someone with no reports is no manager; neither is a rep naming themselves.
  EXPECT_EQ(
      refused(Campaign().Set("user_ids", std::vector<std::string>{outsider_.id}), outsider_.token),
      "403 forbidden");
  EXPECT_EQ(refused(Campaign().Set("user_ids", std::vector<std::string>{rep_a_.id}), rep_a_.token),
            "403 forbidden");
  EXPECT_EQ(ListIds(admin_token_).size(), 3u);
  // An admin may take in anyone, a community's members included.
  std::string by_community = CreateOk(Campaign().Set("community_id", community), admin_token_);
  EXPECT_EQ(
      JsonInt(Get("/api/v1/campaigns/" + by_community, admin_token_).body, "/participants_count"),
      1);
}

TEST_F(CampaignsTest, AParticipantsCampaignIsInvisibleToOthersAndMeIsTheCallersOwn) {
  std::string hidden =
      CreateOk(Campaign({{"name", "Hidden"}})
                   .Set("user_ids", std::vector<std::string>{rep_a_.id, rep_b_.id}),
               manager_.token);
  std::string open = CreateOk(Campaign({{"name", "Open"}})
                                  .Set("user_ids", std::vector<std::string>{rep_c_.id})
                                  .Set("visibility", "company"),
                              admin_token_);

  for (const auto& path :
       {"/api/v1/campaigns/" + hidden, "/api/v1/campaigns/" + hidden + "/leaderboard",
        "/api/v1/campaigns/" + hidden + "/leaderboard?by=team"}) {
    HttpResult r = Get(path, outsider_.token);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(ErrorCode(r.body), "not_found");
    EXPECT_EQ(Get(path, rep_c_.token).status, 404) << path;
    EXPECT_EQ(Get(path, rep_a_.token).status, 200) << path;    // a participant
    EXPECT_EQ(Get(path, manager_.token).status, 200) << path;  // the creator
    EXPECT_EQ(Get(path, admin_token_).status, 200) << path;
  }
  EXPECT_EQ(ListIds(outsider_.token), std::vector<std::string>{open});
  EXPECT_EQ(ListIds(rep_a_.token), (std::vector<std::string>{open, hidden}));

  // sales_ops see every campaign.
  GrantSalesOps(outsider_.id);
  EXPECT_EQ(Get("/api/v1/campaigns/" + hidden, outsider_.token).status, 200);

  HttpResult mine = Get("/api/v1/campaigns/" + hidden, rep_a_.token);
  EXPECT_EQ(JsonString(mine.body, "/me/subject/user/id"), rep_a_.id);
  EXPECT_EQ(JsonInt(mine.body, "/me/rank"), 1);  // everyone ties at zero
  EXPECT_EQ(JsonString(mine.body, "/me/value"), "0.00");
  EXPECT_EQ(JsonString(mine.body, "/target"), "1000.00");
  EXPECT_EQ(JsonString(mine.body, "/currency"), "EUR");
  HttpResult theirs = Get("/api/v1/campaigns/" + open, rep_a_.token);
  EXPECT_EQ(theirs.status, 200);
  EXPECT_FALSE(JsonHas(theirs.body, "/me"));
}

TEST_F(CampaignsTest, ActiveListsTheCampaignsRunningToday) {
  std::string running =
      CreateOk(Campaign({{"name", "Now"}, {"starts_on", Today()}, {"ends_on", Today()}})
                   .Set("user_ids", std::vector<std::string>{rep_a_.id}),
               admin_token_);
  std::string finished =
      CreateOk(Campaign({{"name", "Then"}}).Set("user_ids", std::vector<std::string>{rep_a_.id}),
               admin_token_);
  EXPECT_EQ(ListIds(rep_a_.token, "?active=true"), std::vector<std::string>{running});
  EXPECT_EQ(ListIds(rep_a_.token, "?active=false"), std::vector<std::string>{finished});
  EXPECT_EQ(Get("/api/v1/campaigns?active=maybe", rep_a_.token).status, 400);
  HttpResult first = Get("/api/v1/campaigns?limit=1", rep_a_.token);
  ASSERT_TRUE(JsonString(first.body, "/next_cursor"));
  HttpResult second = Get(
      "/api/v1/campaigns?limit=1&cursor=" + *JsonString(first.body, "/next_cursor"), rep_a_.token);
  EXPECT_EQ(JsonIds(second.body),
            std::vector<std::string>{running == JsonIds(first.body)[0] ? finished : running});
}

TEST_F(CampaignsTest, TheLeaderboardRanksSharesWithTiesAndPagesWithMe) {
  std::string id = CreateOk(
      Campaign().Set("user_ids", std::vector<std::string>{rep_a_.id, rep_b_.id, rep_c_.id}),
      admin_token_);
  StoreDealsAndRestart({
      {{{rep_a_.id, 10000}}, "won", 50000},                       // a: 500
      {{{rep_a_.id, 5000}, {rep_b_.id, 5000}}, "won", 150000},    // a: +750, b: 750
      {{{rep_c_.id, 10000}}, "won", 75000, "EUR", "2026-11-20"},  // c: 750
      {{{rep_c_.id, 10000}}, "lost", 99999},                      // c: one lost
      {{{rep_c_.id, 10000}}, "won", 99999, "EUR", "2026-12-01"},  // outside the period
      {{{outsider_.id, 10000}}, "won", 99999},                    // not a participant
  });
  std::string base = "/api/v1/campaigns/" + id + "/leaderboard";
  HttpResult board = Get(base, rep_c_.token);
  ASSERT_EQ(board.status, 200) << board;
  EXPECT_EQ(JsonIds(board.body, "/items", "/subject/user/id"),
            (std::vector<std::string>{rep_a_.id, rep_b_.id, rep_c_.id}));
  EXPECT_EQ(JsonInt(board.body, "/items/0/rank"), 1);
  EXPECT_EQ(JsonInt(board.body, "/items/1/rank"), 2);
  EXPECT_EQ(JsonInt(board.body, "/items/2/rank"), 2);
  EXPECT_EQ(JsonString(board.body, "/items/0/value"), "1250.00");
  EXPECT_EQ(JsonString(board.body, "/items/1/value"), "750.00");
  EXPECT_EQ(JsonString(board.body, "/items/0/subject/user/username"), "rep_a");
  EXPECT_EQ(JsonString(board.body, "/me/subject/user/id"), rep_c_.id);
  EXPECT_EQ(JsonString(board.body, "/currency"), "EUR");
  EXPECT_TRUE(JsonHas(board.body, "/updated_at"));
  EXPECT_FALSE(JsonHas(board.body, "/next_cursor"));

  HttpResult page1 = Get(base + "?limit=1", rep_c_.token);
  EXPECT_EQ(JsonIds(page1.body, "/items", "/subject/user/id"), std::vector<std::string>{rep_a_.id});
  EXPECT_EQ(JsonInt(page1.body, "/me/rank"), 2);  // outside the page
  auto cursor = JsonString(page1.body, "/next_cursor");
  ASSERT_TRUE(cursor);
  HttpResult page2 = Get(base + "?limit=2&cursor=" + *cursor, rep_c_.token);
  EXPECT_EQ(JsonIds(page2.body, "/items", "/subject/user/id"),
            (std::vector<std::string>{rep_b_.id, rep_c_.id}));
  EXPECT_EQ(Get(base + "?cursor=zzz", rep_c_.token).status, 400);
  EXPECT_EQ(Get(base + "?by=galaxy", rep_c_.token).status, 400);
  EXPECT_EQ(Get(base + "?limit=0", rep_c_.token).status, 400);

  HttpResult teams = Get(base + "?by=team", rep_a_.token);
  ASSERT_EQ(teams.status, 200) << teams;
  EXPECT_EQ(JsonIds(teams.body, "/items", "/subject/manager/id"),
            (std::vector<std::string>{manager_.id, other_manager_.id}));
  EXPECT_EQ(JsonString(teams.body, "/items/0/value"), "2000.00");
  EXPECT_EQ(JsonString(teams.body, "/items/0/target"), "2000.00");  // two members
  EXPECT_EQ(JsonString(teams.body, "/me/subject/manager/id"), manager_.id);
  HttpResult regions = Get(base + "?by=region", rep_a_.token);
  EXPECT_EQ(JsonString(regions.body, "/items/0/subject/name"), "north");
  EXPECT_EQ(JsonString(regions.body, "/items/0/value"), "2750.00");

  // Person by person: counts by share, the lost deal, progress to target.
  HttpResult again = Get("/api/v1/campaigns/" + id, rep_c_.token);
  EXPECT_EQ(JsonString(again.body, "/me/value"), "750.00");
  rapidjson::Document doc;
  doc.Parse(board.body.c_str());
  EXPECT_DOUBLE_EQ(doc["items"][0]["won_count"].GetDouble(), 1.5);
  EXPECT_DOUBLE_EQ(doc["items"][1]["won_count"].GetDouble(), 0.5);
  EXPECT_DOUBLE_EQ(doc["items"][2]["lost_count"].GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(doc["items"][2]["win_rate"].GetDouble(), 0.5);
  EXPECT_DOUBLE_EQ(doc["items"][0]["progress"].GetDouble(), 1.25);
  EXPECT_EQ(doc["items"][0]["rank_change"].GetInt(), 0);
}

TEST_F(CampaignsTest, ConcurrentCreatesAllLandWithTheirParticipants) {
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = Create(Campaign({{"name", "C" + std::to_string(i)}})
                                .Set("org_root", manager_.id)
                                .Set("visibility", "company"),
                            manager_.token);
      if (r.status == 201) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 8);
  HttpResult all = Get("/api/v1/campaigns?limit=100", outsider_.token);
  EXPECT_EQ(JsonIds(all.body).size(), 8u);
  for (const auto& id : JsonIds(all.body)) {
    EXPECT_EQ(JsonInt(Get("/api/v1/campaigns/" + id, outsider_.token).body, "/participants_count"),
              3);
  }
}

TEST_F(CampaignsTest, AWonDealPushesLeaderboardAndDealWonToWhoMaySeeThem) {
  std::string id = CreateOk(Campaign({{"starts_on", "2026-01-01"}, {"ends_on", "2036-12-31"}})
                                .Set("user_ids", std::vector<std::string>{rep_a_.id, rep_b_.id}),
                            admin_token_);
  auto connect = [&](const TestUser& who, const std::string& query = "") {
    auto ws = std::make_unique<WsClient>(server().endpoint(),
                                         "/api/v1/stream?access_token=" + who.token + query);
    EXPECT_TRUE(ws->open());
    return ws;
  };
  int barriers = 0;
  // Someone new follows `who`: the next message `who` gets once everything before it arrived.
  auto barrier = [&](const TestUser& who) {
    TestUser follower = CreateAndLogin("follower" + std::to_string(++barriers));
    Follow(follower, who);
    return follower.id;
  };
  // Every message until the barrier.
  auto until_barrier = [&](WsClient& ws, const std::string& barrier_id) {
    std::vector<std::string> messages;
    for (int i = 0; i < 50; ++i) {
      auto message = ws.Read();
      if (!message) break;
      if (message->find(barrier_id) != std::string::npos) return messages;
      messages.push_back(*message);
    }
    ADD_FAILURE() << "the barrier never came";
    return messages;
  };
  auto ws_a = connect(rep_a_);
  auto ws_b = connect(rep_b_);
  auto ws_manager = connect(manager_);
  auto ws_c = connect(rep_c_);
  for (auto [ws, who] : {std::pair{ws_a.get(), &rep_a_},
                         {ws_b.get(), &rep_b_},
                         {ws_manager.get(), &manager_},
                         {ws_c.get(), &rep_c_}}) {
    until_barrier(*ws, barrier(*who));
  }
  HttpResult deal = Post("/api/v1/deals",
                         JsonBody()
                             .Set("owner_id", rep_a_.id)
                             .Set("customer", "Globex")
                             .Set("sector", "retail")
                             .Set("product", "fiber")
                             .Set("region", "north")
                             .Set("amount", "2500")
                             .Set("currency", "EUR")
                             .Set("outcome", "won")
                             .Set("closed_on", "2026-11-10")
                             .str(),
                         admin_token_);
  ASSERT_EQ(deal.status, 201) << deal;
  std::string deal_id = JsonString(deal.body, "/id").value_or("");

  auto types = [](const std::vector<std::string>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(JsonString(m, "/type").value_or(""));
    return out;
  };
  auto a = until_barrier(*ws_a, barrier(rep_a_));
  // The owner is first asked for the story of the win (written in the deal's transaction).
  ASSERT_EQ(types(a), (std::vector<std::string>{"notification", "leaderboard", "deal_won"}));
  EXPECT_EQ(JsonString(a[0], "/notification/type"), "story_requested");
  a.erase(a.begin());
  EXPECT_EQ(JsonString(a[0], "/campaign_id"), id);
  EXPECT_EQ(JsonInt(a[0], "/me/rank"), 1);
  EXPECT_EQ(JsonString(a[0], "/top/0/subject/user/id"), rep_a_.id);
  EXPECT_EQ(JsonString(a[1], "/deal/id"), deal_id);
  EXPECT_EQ(JsonStrings(a[1], "/campaign_ids"), std::vector<std::string>{id});
  // A fellow participant sees the board move, not the other rep's deal.
  auto b = until_barrier(*ws_b, barrier(rep_b_));
  ASSERT_EQ(types(b), std::vector<std::string>{"leaderboard"});
  EXPECT_EQ(JsonInt(b[0], "/me/rank"), 2);
  // The manager is in the deal's chain but not in the campaign.
  auto manager = until_barrier(*ws_manager, barrier(manager_));
  ASSERT_EQ(types(manager), std::vector<std::string>{"deal_won"});
  EXPECT_TRUE(JsonStrings(manager[0], "/campaign_ids").empty());
  EXPECT_TRUE(until_barrier(*ws_c, barrier(rep_c_)).empty());

  // Resuming replays the missed leaderboard event to a participant.
  std::string last_before = JsonString(a[0], "/event_id").value_or("");
  ASSERT_FALSE(last_before.empty());
  auto resumed = connect(rep_b_, "&last_event_id=" + std::to_string(std::stoll(last_before) - 1));
  auto replay = until_barrier(*resumed, barrier(rep_b_));
  EXPECT_EQ(types(replay).front(), "leaderboard");
}

}  // namespace
}  // namespace agora::integration
