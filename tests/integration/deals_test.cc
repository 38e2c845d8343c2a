// Deals as records over HTTP: who records and sees them, exact amounts and shares, the
// external_id upsert (and its race), imports, the story loop, and `agora deals import`.
#include <algorithm>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

// The org chart of every test:
//   director
//   ├── manager ── rep, peer        (region North)
//   └── manager2 ── other           (region South)
// plus a sales_ops account outside the chart.
class DealsIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    director_ = CreateAndLogin("director");
    manager_ = CreateAndLogin("manager", JsonBody().Set("manager_id", director_.id));
    manager2_ = CreateAndLogin("manager2", JsonBody().Set("manager_id", director_.id));
    rep_ = CreateAndLogin("rep", JsonBody().Set("manager_id", manager_.id));
    peer_ = CreateAndLogin("peer", JsonBody().Set("manager_id", manager_.id));
    other_ = CreateAndLogin("other", JsonBody().Set("manager_id", manager2_.id));
    ops_ = CreateAndLogin("ops");
    GrantSalesOps(ops_.id);
  }

  // A valid deal body; tests change what they exercise.
  static JsonBody DealBody() {
    return JsonBody()
        .Set("customer", "Boulangerie Martin")
        .Set("sector", "retail")
        .Set("product", "POS terminal")
        .Set("region", "North")
        .Set("amount", "1234.5")
        .Set("currency", "EUR")
        .Set("outcome", "won")
        .Set("closed_on", "2026-01-15");
  }

  // A team member as JSON.
  static std::string Member(const TestUser& who, const std::string& share) {
    return "{\"user_id\":\"" + who.id + "\",\"share\":\"" + share + "\"}";
  }

  std::string CreateDeal(const TestUser& by, JsonBody body = DealBody()) {
    HttpResult r = Post("/api/v1/deals", body.str(), by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }

  HttpResult Import(const std::string& body, const std::string& content_type,
                    const std::string& token) {
    return server().Request("POST", "/api/v1/deals/import", body, token,
                            {{"Content-Type", content_type}});
  }

  int CountDeals(const std::string& token, const std::string& query = "") {
    HttpResult r = Get("/api/v1/deals?limit=100" + query, token);
    EXPECT_EQ(r.status, 200) << r;
    return static_cast<int>(JsonIds(r.body).size());
  }

  // The story_requested notifications of `who` (unread only when asked), as deal ids.
  std::vector<std::string> StoryRequests(const TestUser& who, bool unread_only) {
    HttpResult r =
        Get(std::string("/api/v1/notifications?limit=100") + (unread_only ? "&unread=true" : ""),
            who.token);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> out;
    std::vector<std::string> types = JsonIds(r.body, "/items", "/type");
    std::vector<std::string> deals = JsonIds(r.body, "/items", "/deal_id");
    for (size_t i = 0, d = 0; i < types.size(); ++i) {
      if (types[i] == "story_requested") out.push_back(d < deals.size() ? deals[d++] : "");
    }
    return out;
  }

  TestUser director_, manager_, manager2_, rep_, peer_, other_, ops_;
};

TEST_F(DealsIntegrationTest, OwnerRecordsADealWithExactAmountAndDefaultTeam) {
  HttpResult r = Post("/api/v1/deals", DealBody().SetRaw("amount", "0.1").str(), rep_.token);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonString(r.body, "/amount"), "0.10");
  EXPECT_EQ(JsonString(r.body, "/currency"), "EUR");
  EXPECT_EQ(JsonString(r.body, "/owner_id"), rep_.id);
  EXPECT_EQ(JsonIds(r.body, "/team", "/user_id"), std::vector<std::string>{rep_.id});
  EXPECT_EQ(JsonIds(r.body, "/team", "/share"), std::vector<std::string>{"1"});
  EXPECT_TRUE(JsonStrings(r.body, "/story_post_ids").empty());

  // A decimal string far past a double's exact range for cents stays exact.
  HttpResult big =
      Post("/api/v1/deals", DealBody().Set("amount", "99999999999.99").str(), rep_.token);
  ASSERT_EQ(big.status, 201) << big;
  EXPECT_EQ(JsonString(big.body, "/amount"), "99999999999.99");
  HttpResult yen = Post("/api/v1/deals",
                        DealBody().Set("amount", "1500").Set("currency", "JPY").str(), rep_.token);
  ASSERT_EQ(yen.status, 201) << yen;
  EXPECT_EQ(JsonString(yen.body, "/amount"), "1500");
}

TEST_F(DealsIntegrationTest, VisibleToOwnerTeamManagementChainSalesOpsAndAdminsOnly) {
  std::string deal = CreateDeal(rep_);
  std::string path = "/api/v1/deals/" + deal;
  for (const TestUser* who : {&rep_, &manager_, &director_, &ops_}) {
    EXPECT_EQ(Get(path, who->token).status, 200) << who->username;
  }
  EXPECT_EQ(Get(path, admin_token_).status, 200);
  for (const TestUser* who : {&peer_, &other_, &manager2_}) {
    HttpResult r = Get(path, who->token);
    EXPECT_EQ(r.status, 404) << who->username;
    EXPECT_EQ(ErrorCode(r.body), "not_found");
    EXPECT_EQ(CountDeals(who->token), 0) << who->username;
  }

  // A team member, and the chain above them, see a deal shared with them.
  std::string shared = CreateDeal(rep_, DealBody().SetRaw("team", "[" + Member(rep_, "0.5") + "," +
                                                                      Member(other_, "0.5") + "]"));
  EXPECT_EQ(Get("/api/v1/deals/" + shared, other_.token).status, 200);
  EXPECT_EQ(Get("/api/v1/deals/" + shared, manager2_.token).status, 200);
  EXPECT_EQ(JsonIds(Get("/api/v1/deals", other_.token).body), std::vector<std::string>{shared});
  EXPECT_EQ(Get("/api/v1/deals/" + shared, peer_.token).status, 404);
  EXPECT_EQ(CountDeals(director_.token), 2);
  EXPECT_EQ(CountDeals(ops_.token), 2);
}

TEST_F(DealsIntegrationTest, DealsAreRecordedForOneselfOneSubtreeOrAnyoneBySalesOps) {
  EXPECT_EQ(Post("/api/v1/deals", DealBody().Set("owner_id", peer_.id).str(), rep_.token).status,
            403);
  HttpResult by_manager =
      Post("/api/v1/deals", DealBody().Set("owner_id", rep_.id).str(), manager_.token);
  ASSERT_EQ(by_manager.status, 201) << by_manager;
  EXPECT_EQ(JsonString(by_manager.body, "/owner_id"), rep_.id);
  EXPECT_EQ(
      Post("/api/v1/deals", DealBody().Set("owner_id", other_.id).str(), manager_.token).status,
      403);
  EXPECT_EQ(Post("/api/v1/deals", DealBody().Set("owner_id", other_.id).str(), ops_.token).status,
            201);
  EXPECT_EQ(Post("/api/v1/deals", DealBody().Set("owner_id", rep_.id).str(), admin_token_).status,
            201);
  EXPECT_EQ(CountDeals(ops_.token), 3);
}

TEST_F(DealsIntegrationTest, BadDealsAre422WithTheirCodeAndWriteNothing) {
  std::string tomorrow = "2999-01-01";
  struct Case {
    JsonBody body;
    const char* code;
  };
  std::vector<Case> cases = {
      {DealBody().Set("currency", "XYZ"), "invalid_currency"},
      {DealBody().Set("amount", "10.125"), "invalid_amount"},
      {DealBody().SetRaw("amount", "10.125"), "invalid_amount"},
      {DealBody().Set("amount", "100000000001"), "invalid_amount"},
      {DealBody().Set("amount", "-5"), "invalid_amount"},
      {DealBody().SetRaw("team", "[" + Member(rep_, "0.5") + "," + Member(peer_, "0.4") + "]"),
       "invalid_shares"},
      {DealBody().Set("closed_on", tomorrow), "invalid_closed_on"},
      {DealBody().Set("outcome", "lost").SetNull("closed_on"), "invalid_closed_on"},
      {DealBody().Set("owner_id", "999999"), "invalid_owner"},
      {DealBody().SetRaw("team", "[{\"username\":\"nobody\",\"share\":1}]"), "invalid_team"},
      {DealBody().Set("customer", ""), "missing_field"},
  };
  for (const auto& c : cases) {
    HttpResult r = Post("/api/v1/deals", c.body.str(), ops_.token);
    EXPECT_EQ(r.status, 422) << c.body.str();
    EXPECT_EQ(ErrorCode(r.body), c.code) << c.body.str();
  }
  // A deactivated team member is refused too.
  ASSERT_EQ(Post("/api/v1/users/" + peer_.id + "/deactivate", "", admin_token_).status / 100, 2);
  HttpResult gone = Post(
      "/api/v1/deals",
      DealBody().SetRaw("team", "[" + Member(rep_, "0.5") + "," + Member(peer_, "0.5") + "]").str(),
      rep_.token);
  EXPECT_EQ(gone.status, 422);
  EXPECT_EQ(ErrorCode(gone.body), "invalid_team");
  EXPECT_EQ(Post("/api/v1/deals", "{not json", rep_.token).status, 400);
  EXPECT_EQ(CountDeals(ops_.token), 0);
  EXPECT_TRUE(StoryRequests(rep_, false).empty());
}

TEST_F(DealsIntegrationTest, SharesAreExactAndRenderedAsDecimals) {
  HttpResult r =
      Post("/api/v1/deals",
           DealBody()
               .SetRaw("team", "[" + Member(rep_, "0.3333") + "," + Member(peer_, "0.3333") + "," +
                                   Member(other_, "0.3334") + "]")
               .str(),
           rep_.token);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonIds(r.body, "/team", "/share"),
            (std::vector<std::string>{"0.3333", "0.3333", "0.3334"}));
  // Shares as JSON numbers are read from their text, never summed as doubles.
  r = Post("/api/v1/deals",
           DealBody()
               .SetRaw("team", "[{\"user_id\":\"" + rep_.id + "\",\"share\":0.1}," +
                                   "{\"user_id\":\"" + peer_.id + "\",\"share\":0.2}," +
                                   "{\"user_id\":\"" + other_.id + "\",\"share\":0.7}]")
               .str(),
           rep_.token);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonIds(r.body, "/team", "/share"), (std::vector<std::string>{"0.1", "0.2", "0.7"}));
}

TEST_F(DealsIntegrationTest, ExternalIdUpsertsAndAnUnchangedDealWritesNothing) {
  JsonBody body = DealBody().Set("external_id", "CRM-1");
  HttpResult first = Post("/api/v1/deals", body.str(), rep_.token);
  ASSERT_EQ(first.status, 201) << first;
  HttpResult again = Post("/api/v1/deals", body.str(), rep_.token);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(JsonString(again.body, "/id"), JsonString(first.body, "/id"));
  EXPECT_EQ(JsonString(again.body, "/updated_at"), JsonString(first.body, "/updated_at"));
  HttpResult changed =
      Post("/api/v1/deals", DealBody().Set("external_id", "CRM-1").Set("amount", "99").str(),
           rep_.token);
  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(JsonString(changed.body, "/id"), JsonString(first.body, "/id"));
  EXPECT_EQ(JsonString(changed.body, "/amount"), "99.00");
  // Someone who may not change that deal cannot take its external_id over.
  HttpResult taken = Post("/api/v1/deals", body.str(), other_.token);
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(ErrorCode(taken.body), "external_id_taken");
  EXPECT_EQ(CountDeals(ops_.token), 1);
  // The win was asked a story once.
  EXPECT_EQ(StoryRequests(rep_, false).size(), 1u);
}

TEST_F(DealsIntegrationTest, ConcurrentUpsertsOfOneExternalIdMakeOneDeal) {
  constexpr int kClients = 2;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    std::string body = DealBody().Set("external_id", "RACE-" + std::to_string(round)).str();
    std::vector<int> statuses(kClients);
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([&, i] {
        HttpConnection connection(server().endpoint());
        statuses[i] = connection.Request("POST", "/api/v1/deals", body, ops_.token).status;
      });
    }
    for (auto& t : clients) t.join();
    std::sort(statuses.begin(), statuses.end());
    EXPECT_EQ(statuses, (std::vector<int>{200, 201})) << "round " << round;
  }
  EXPECT_EQ(CountDeals(ops_.token), kRounds);
}

TEST_F(DealsIntegrationTest, PatchByOwnerAndManagersRevalidatesTheWholeDeal) {
  std::string deal = CreateDeal(rep_, DealBody().SetRaw("team", "[" + Member(rep_, "0.5") + "," +
                                                                    Member(other_, "0.5") + "]"));
  std::string path = "/api/v1/deals/" + deal;
  HttpResult patched = Patch(path, JsonBody().Set("amount", "0.3").str(), rep_.token);
  ASSERT_EQ(patched.status, 200) << patched;
  EXPECT_EQ(JsonString(patched.body, "/amount"), "0.30");
  EXPECT_EQ(JsonString(patched.body, "/customer"), "Boulangerie Martin");
  EXPECT_EQ(Patch(path, JsonBody().Set("amount", "5").str(), director_.token).status, 200);
  EXPECT_EQ(Patch(path, JsonBody().Set("amount", "5").str(), ops_.token).status, 200);
  // A team member sees the deal but does not change it; a peer does not even see it.
  EXPECT_EQ(Patch(path, JsonBody().Set("amount", "6").str(), other_.token).status, 403);
  EXPECT_EQ(Patch(path, JsonBody().Set("amount", "6").str(), peer_.token).status, 404);
  HttpResult bad = Patch(path, JsonBody().Set("currency", "ABC").str(), rep_.token);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(ErrorCode(bad.body), "invalid_currency");
  HttpResult open = Patch(path, JsonBody().Set("outcome", "open").str(), rep_.token);
  EXPECT_EQ(ErrorCode(open.body), "invalid_closed_on");  // an open deal has no closed_on
  HttpResult reopened =
      Patch(path, JsonBody().Set("outcome", "open").SetNull("closed_on").str(), rep_.token);
  ASSERT_EQ(reopened.status, 200) << reopened;
  EXPECT_TRUE(JsonIsNull(reopened.body, "/closed_on"));
  EXPECT_EQ(JsonString(Get(path, rep_.token).body, "/amount"), "5.00");
  EXPECT_EQ(Patch("/api/v1/deals/123", JsonBody().Set("amount", "6").str(), ops_.token).status,
            404);
}

TEST_F(DealsIntegrationTest, ListFiltersAndPagesNewestFirst) {
  std::string won = CreateDeal(rep_);
  std::string lost = CreateDeal(
      rep_, DealBody().Set("outcome", "lost").Set("closed_on", "2026-03-02").Set("sector", "bank"));
  std::string open = CreateDeal(
      rep_, DealBody().Set("outcome", "open").SetNull("closed_on").Set("region", "South"));
  std::string peers = CreateDeal(peer_, DealBody().Set("product", "Cloud"));
  auto ids = [&](const std::string& query) {
    return JsonIds(Get("/api/v1/deals?" + query, manager_.token).body);
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{peers, open, lost, won}));
  EXPECT_EQ(ids("owner_id=" + rep_.id), (std::vector<std::string>{open, lost, won}));
  EXPECT_EQ(ids("outcome=lost"), std::vector<std::string>{lost});
  EXPECT_EQ(ids("since=2026-02-01"), std::vector<std::string>{lost});
  EXPECT_EQ(ids("until=2026-02-01"), (std::vector<std::string>{peers, won}));
  EXPECT_EQ(ids("sector=bank"), std::vector<std::string>{lost});
  EXPECT_EQ(ids("region=South"), std::vector<std::string>{open});
  EXPECT_EQ(ids("product=Cloud"), std::vector<std::string>{peers});
  HttpResult page = Get("/api/v1/deals?limit=3", manager_.token);
  EXPECT_EQ(JsonIds(page.body), (std::vector<std::string>{peers, open, lost}));
  auto cursor = JsonString(page.body, "/next_cursor");
  ASSERT_TRUE(cursor);
  EXPECT_EQ(JsonIds(Get("/api/v1/deals?limit=3&cursor=" + *cursor, manager_.token).body),
            std::vector<std::string>{won});
  for (const char* bad : {"outcome=maybe", "since=yesterday", "story=present", "limit=0"}) {
    EXPECT_EQ(Get(std::string("/api/v1/deals?") + bad, manager_.token).status, 400) << bad;
  }
}

TEST_F(DealsIntegrationTest, AWinAsksItsOwnerForAStoryThatAnAttachedStoryClears) {
  // Recorded by the manager, the win still asks the owner.
  std::string deal = CreateDeal(
      manager_, DealBody().Set("owner_id", rep_.id).Set("outcome", "open").SetNull("closed_on"));
  EXPECT_TRUE(StoryRequests(rep_, false).empty());
  ASSERT_EQ(Patch("/api/v1/deals/" + deal,
                  JsonBody().Set("outcome", "won").Set("closed_on", "2026-02-10").str(), rep_.token)
                .status,
            200);
  EXPECT_EQ(StoryRequests(rep_, true), std::vector<std::string>{deal});
  EXPECT_TRUE(StoryRequests(manager_, false).empty());
  EXPECT_EQ(JsonIds(Get("/api/v1/deals?story=missing", manager_.token).body),
            std::vector<std::string>{deal});

  // Someone who cannot see the deal cannot attach a story to it, nor learn that it exists.
  for (const std::string& id : {deal, std::string("4242")}) {
    HttpResult r = Post(
        "/api/v1/posts",
        JsonBody().Set("text", "how we won").Set("kind", "deal_story").Set("deal_id", id).str(),
        peer_.token);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(ErrorCode(r.body), "invalid_deal");
  }
  HttpResult story = Post("/api/v1/posts",
                          JsonBody()
                              .Set("text", "How we won #pos")
                              .Set("kind", "deal_story")
                              .Set("deal_id", deal)
                              .str(),
                          rep_.token);
  ASSERT_EQ(story.status, 201) << story;
  EXPECT_EQ(JsonString(story.body, "/deal_id"), deal);
  std::string story_id = JsonString(story.body, "/id").value_or("");
  EXPECT_TRUE(StoryRequests(rep_, true).empty());
  EXPECT_EQ(StoryRequests(rep_, false).size(), 1u);  // marked read, not deleted
  EXPECT_EQ(JsonStrings(Get("/api/v1/deals/" + deal, rep_.token).body, "/story_post_ids"),
            std::vector<std::string>{story_id});
  EXPECT_TRUE(JsonIds(Get("/api/v1/deals?story=missing", manager_.token).body).empty());

  // A deleted story no longer counts.
  ASSERT_EQ(Delete("/api/v1/posts/" + story_id, rep_.token).status, 204);
  EXPECT_EQ(JsonIds(Get("/api/v1/deals?story=missing", manager_.token).body),
            std::vector<std::string>{deal});
  // Stories with an embedded deal keep working, and a status cannot carry a deal_id.
  JsonBody embedded;
  embedded.Set("kind", "deal_story")
      .SetRaw("deal",
              "{\"customer\":\"A\",\"sector\":\"b\",\"product\":\"c\",\"region\":\"d\","
              "\"amount\":10,\"currency\":\"EUR\",\"closed_on\":\"2026-01-01\","
              "\"outcome\":\"won\"}");
  WritePost(rep_, "an old-style story", "", embedded);
  HttpResult status =
      Post("/api/v1/posts", JsonBody().Set("text", "hi").Set("deal_id", deal).str(), rep_.token);
  EXPECT_EQ(ErrorCode(status.body), "invalid_deal");
}

TEST_F(DealsIntegrationTest, AStoryAttachedByDealIdIsSearchedAndWeighsAsExpertEvidence) {
  std::string deal = CreateDeal(rep_);
  std::string story = WritePost(rep_, "How we won the zebrafish hatchery with a pilot", "",
                                JsonBody().Set("kind", "deal_story").Set("deal_id", deal));
  ASSERT_TRUE(Eventually([&] {
    return JsonIds(Get("/api/v1/search/deals?q=zebrafish", peer_.token).body, "/results",
                   "/post/id") == std::vector<std::string>{story};
  }));
  HttpResult experts = Get("/api/v1/search/experts?q=zebrafish", peer_.token);
  EXPECT_EQ(JsonIds(experts.body, "/results", "/user/id"), std::vector<std::string>{rep_.id});
  EXPECT_EQ(JsonIds(experts.body, "/results/0/evidence/posts"), std::vector<std::string>{story});
  // The story is public; the deal record behind it is not.
  EXPECT_EQ(Get("/api/v1/deals/" + deal, peer_.token).status, 404);
}

constexpr const char* kCsvHeader =
    "external_id,owner,customer,sector,product,region,amount,currency,outcome,closed_on,"
    "new_customer,team\n";

TEST_F(DealsIntegrationTest, CsvImportKeepsGoodRowsReportsBadOnesAndIsIdempotent) {
  std::string csv = std::string(kCsvHeader) +
                    "C-1,rep,\"Martin, Fils\",retail,POS,North,1200.50,EUR,won,2026-01-10,yes,\n"
                    "C-2,rep,Durand,retail,POS,North,10.999,EUR,won,2026-01-10,no,\n"
                    "C-3,peer,Lefevre,bank,Cloud,North,300,USD,lost,2026-02-01,no,"
                    "rep:0.25;peer:0.75\n"
                    "C-4,nobody,X,bank,Cloud,North,300,EUR,lost,2026-02-01,no,\n"
                    "C-5,rep,Y,bank,Cloud,North,300,EUR,open,,no,rep:0.5;peer:0.4\n";
  HttpResult r = Import(csv, "text/csv", ops_.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonInt(r.body, "/created"), 2);
  EXPECT_EQ(JsonInt(r.body, "/updated"), 0);
  EXPECT_EQ(JsonInt(r.body, "/unchanged"), 0);
  EXPECT_EQ(JsonIds(r.body, "/errors", "/code"),
            (std::vector<std::string>{"invalid_amount", "invalid_owner", "invalid_shares"}));
  HttpResult lines = Get("/api/v1/deals?limit=100", ops_.token);
  EXPECT_EQ(JsonIds(lines.body, "/items", "/customer"),
            (std::vector<std::string>{"Lefevre", "Martin, Fils"}));
  std::string errors = r.body;
  EXPECT_NE(errors.find("\"line\":3"), std::string::npos) << errors;
  EXPECT_NE(errors.find("\"line\":5"), std::string::npos) << errors;
  EXPECT_NE(errors.find("\"line\":6"), std::string::npos) << errors;

  HttpResult again = Import(csv, "text/csv", ops_.token);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(JsonInt(again.body, "/created"), 0);
  EXPECT_EQ(JsonInt(again.body, "/updated"), 0);
  EXPECT_EQ(JsonInt(again.body, "/unchanged"), 2);
  EXPECT_EQ(StoryRequests(rep_, false).size(), 1u);  // one win, asked once

  std::string changed = std::string(kCsvHeader) +
                        "C-1,rep,\"Martin, Fils\",retail,POS,North,1300,EUR,won,2026-01-10,yes,\n";
  HttpResult update = Import(changed, "text/csv; charset=utf-8", ops_.token);
  EXPECT_EQ(JsonInt(update.body, "/updated"), 1);
  EXPECT_EQ(StoryRequests(rep_, false).size(), 1u);  // still won: not asked again
}

TEST_F(DealsIntegrationTest, JsonLinesImportAndWhoMayImport) {
  std::string jsonl =
      "{\"external_id\":\"J-1\",\"owner_id\":\"" + rep_.id +
      "\",\"customer\":\"A\",\"sector\":\"s\",\"product\":\"p\",\"region\":\"North\","
      "\"amount\":0.1,\"currency\":\"EUR\",\"outcome\":\"lost\",\"closed_on\":\"2026-01-02\"}\n"
      "\n"
      "{not json}\n"
      "{\"external_id\":\"J-2\",\"owner\":\"Other\",\"customer\":\"B\",\"sector\":\"s\","
      "\"product\":\"p\",\"region\":\"South\",\"amount\":\"7\",\"currency\":\"GBP\","
      "\"outcome\":\"won\",\"closed_on\":\"2026-01-02\",\"team\":[{\"username\":\"other\","
      "\"share\":\"1\"}]}\n";
  for (const char* type : {"application/x-ndjson", "application/jsonl"}) {
    HttpResult r = Import(jsonl, type, admin_token_);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(JsonIds(r.body, "/errors", "/code"), std::vector<std::string>{"invalid_json"});
    EXPECT_NE(r.body.find("\"line\":3"), std::string::npos) << r.body;
  }
  EXPECT_EQ(CountDeals(ops_.token), 2);
  EXPECT_EQ(
      JsonString(Get("/api/v1/deals?owner_id=" + rep_.id, rep_.token).body, "/items/0/amount"),
      "0.10");
  for (const TestUser* who : {&rep_, &manager_, &director_}) {
    EXPECT_EQ(Import(jsonl, "application/x-ndjson", who->token).status, 403) << who->username;
  }
  HttpResult wrong_type = Import(jsonl, "application/json", ops_.token);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(Import("owner,colour\n", "text/csv", ops_.token).status, 400);
}

TEST_F(DealsIntegrationTest, CommandLineImportWorksWithoutAServerAndSupportsDryRun) {
  ASSERT_EQ(server().Stop(), 0);
  std::string file = server().data_dir() + "/../crm.csv";
  {
    std::ofstream out(file);
    out << kCsvHeader << "K-1,rep,Martin,retail,POS,North,100,EUR,won,2026-01-10,yes,\n"
        << "K-2,rep,Durand,retail,POS,North,1.001,EUR,won,2026-01-10,no,\n";
  }
  CommandResult dry =
      RunAgora({"deals", "import", "--data", server().data_dir(), file, "--dry-run"}, std::nullopt);
  ASSERT_EQ(dry.exit_status, 0) << dry.output;
  EXPECT_NE(dry.output.find("line 3: invalid_amount"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("would create 1"), std::string::npos) << dry.output;

  CommandResult real =
      RunAgora({"deals", "import", "--data", server().data_dir(), file}, std::nullopt);
  ASSERT_EQ(real.exit_status, 0) << real.output;
  EXPECT_NE(real.output.find("created 1, updated 0, unchanged 0, errors 1"), std::string::npos)
      << real.output;
  CommandResult again =
      RunAgora({"deals", "import", "--data", server().data_dir(), file}, std::nullopt);
  EXPECT_NE(again.output.find("created 0, updated 0, unchanged 1"), std::string::npos)
      << again.output;
  EXPECT_EQ(RunAgora({"deals", "import", "--data", server().data_dir()}, std::nullopt).exit_status,
            2);
  EXPECT_EQ(
      RunAgora({"deals", "import", "--data", server().data_dir(), file + ".missing"}, std::nullopt)
          .exit_status,
      2);

  server().Restart();
  EXPECT_EQ(CountDeals(server().LoginAdmin()), 1);
}

}  // namespace
}  // namespace agora::integration
