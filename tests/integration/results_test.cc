// api.md "Sales": monthly results and the reporting currency with its monthly rates.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class ResultsIntegrationTest : public IntegrationTest {
 protected:
  HttpResult SetRates(const std::string& body, const std::string& token) {
    return Put("/api/v1/settings/currency", body, token);
  }
};

TEST_F(ResultsIntegrationTest, AdminsSetRatesThatEveryoneReads) {
  TestUser rep = CreateAndLogin("rep");
  std::string body = R"({"reporting_currency":"EUR","month":"2026-11",)"
                     R"("rates":{"USD":"0.92","GBP":1.17,"JPY":"0.0061"}})";

  HttpResult set = SetRates(body, admin_token_);

  ASSERT_EQ(set.status, 200) << set;
  HttpResult read = Get("/api/v1/settings/currency?month=2026-11", rep.token);
  ASSERT_EQ(read.status, 200) << read;
  EXPECT_EQ(JsonString(read.body, "/reporting_currency"), "EUR");
  EXPECT_EQ(JsonString(read.body, "/rates/USD"), "0.92");
  EXPECT_EQ(JsonString(read.body, "/rates/GBP"), "1.17");
  EXPECT_EQ(JsonString(read.body, "/rates/JPY"), "0.0061");
  EXPECT_EQ(SetRates(body, rep.token).status, 403);
}

TEST_F(ResultsIntegrationTest, BadRatesAreRefusedWithTheirCodeAndWriteNothing) {
  ASSERT_EQ(SetRates(R"({"reporting_currency":"EUR","month":"2026-11","rates":{"USD":"0.9"}})",
                     admin_token_)
                .status,
            200);
  struct Case {
    const char* body;
    const char* code;
  };
  for (const Case& c : {
           Case{R"({"reporting_currency":"EURO","month":"2026-11","rates":{}})",
                "invalid_currency"},
           Case{R"({"reporting_currency":"EUR","month":"2026-13","rates":{}})", "invalid_month"},
           Case{R"({"reporting_currency":"EUR","month":"2026-11","rates":{"XYZ":"1"}})",
                "invalid_currency"},
           Case{R"({"reporting_currency":"EUR","month":"2026-11","rates":{"EUR":"1"}})",
                "invalid_currency"},
           Case{R"({"reporting_currency":"EUR","month":"2026-11","rates":{"USD":"-1"}})",
                "invalid_rate"},
           Case{R"({"reporting_currency":"EUR","month":"2026-11","rates":{"USD":0}})",
                "invalid_rate"},
           Case{R"({"reporting_currency":"EUR","month":"2026-11","rates":{"USD":true}})",
                "invalid_field"},
       }) {
    HttpResult refused = SetRates(c.body, admin_token_);
    EXPECT_EQ(refused.status, 422) << c.body << "\n" << refused;
    EXPECT_EQ(ErrorCode(refused.body), c.code) << c.body;
  }
  HttpResult read = Get("/api/v1/settings/currency?month=2026-11", admin_token_);
  EXPECT_EQ(JsonString(read.body, "/rates/USD"), "0.9");
}

TEST_F(ResultsIntegrationTest, AMonthWithoutDealsAnswersZerosInTheReportingCurrency) {
  TestUser rep = CreateAndLogin("rep");
  HttpResult results = Get("/api/v1/results/monthly?month=2026-11&by=region", rep.token);
  ASSERT_EQ(results.status, 200) << results;
  EXPECT_EQ(JsonString(results.body, "/currency"), "EUR");
  EXPECT_EQ(JsonString(results.body, "/totals/won_amount"), "0.00");
  EXPECT_EQ(JsonIds(results.body, "/rows", "/key").size(), 0u);

  EXPECT_EQ(ErrorCode(Get("/api/v1/results/monthly?month=2026-1", rep.token).body),
            "invalid_month");
  EXPECT_EQ(ErrorCode(Get("/api/v1/results/monthly?by=planet", rep.token).body), "invalid_by");
  EXPECT_EQ(Get("/api/v1/results/monthly", "").status, 401);
}

TEST_F(ResultsIntegrationTest, OrgRootOutsideTheViewersChainIsRefused) {
  TestUser manager = CreateAndLogin("manager");
  TestUser rep = CreateAndLogin("rep", JsonBody().Set("manager_id", manager.id));
  TestUser peer = CreateAndLogin("peer");

  EXPECT_EQ(Get("/api/v1/results/monthly?org_root=" + rep.id, manager.token).status, 200);
  EXPECT_EQ(Get("/api/v1/results/monthly?org_root=" + rep.id, rep.token).status, 200);
  HttpResult refused = Get("/api/v1/results/monthly?org_root=" + rep.id, peer.token);
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_EQ(ErrorCode(refused.body), "org_root_not_visible");
  EXPECT_EQ(Get("/api/v1/results/monthly?org_root=" + rep.id, admin_token_).status, 200);
  EXPECT_EQ(Get("/api/v1/results/monthly?org_root=424242", admin_token_).status, 404);
}

// Results compiled from deals entered over HTTP:
//   manager ── rep, peer;  other (no manager);  ops (sales_ops).
class ResultsWithDealsTest : public ResultsIntegrationTest {
 protected:
  void SetUp() override {
    ResultsIntegrationTest::SetUp();
    manager_ = CreateAndLogin("manager");
    rep_ = CreateAndLogin("rep", JsonBody().Set("manager_id", manager_.id));
    peer_ = CreateAndLogin("peer", JsonBody().Set("manager_id", manager_.id));
    other_ = CreateAndLogin("other");
    ops_ = CreateAndLogin("ops");
    GrantSalesOps(ops_.id);
  }

  std::string Deal(const TestUser& by, const std::string& outcome, const std::string& amount,
                   const std::string& currency = "EUR", const std::string& team = "",
                   const std::string& region = "North",
                   const std::string& closed_on = "2026-01-15") {
    JsonBody body;
    body.Set("customer", "Client")
        .Set("sector", "retail")
        .Set("product", "POS")
        .Set("region", region)
        .Set("amount", amount)
        .Set("currency", currency)
        .Set("outcome", outcome)
        .Set("closed_on", closed_on)
        .SetBool("new_customer", outcome == "won");
    if (!team.empty()) body.SetRaw("team", team);
    HttpResult r = Post("/api/v1/deals", body.str(), by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }

  std::string Member(const TestUser& who, const std::string& share) {
    return "{\"user_id\":\"" + who.id + "\",\"share\":\"" + share + "\"}";
  }

  HttpResult Results(const std::string& query, const TestUser& who) {
    HttpResult r = Get("/api/v1/results/monthly?month=2026-01&" + query, who.token);
    EXPECT_EQ(r.status, 200) << r;
    return r;
  }

  // The row whose key is `key`, as its JSON text ("" when absent).
  static std::string RowValue(const std::string& body, const std::string& key,
                              const std::string& field) {
    auto keys = JsonIds(body, "/rows", "/key");
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) {
        std::string pointer = "/rows/" + std::to_string(i) + "/" + field;
        return JsonString(body, pointer.c_str()).value_or("?");
      }
    }
    return "";
  }

  TestUser manager_, rep_, peer_, other_, ops_;
};

TEST_F(ResultsWithDealsTest, ADealCountsTheMomentItIsRecordedAndChanges) {
  std::string won = Deal(rep_, "won", "1234.50", "EUR",
                         "[" + Member(rep_, "0.6") + "," + Member(peer_, "0.4") + "]");
  Deal(rep_, "lost", "99.99");
  Deal(other_, "won", "10", "EUR", "", "South");

  HttpResult regions = Results("by=region", other_);
  EXPECT_EQ(RowValue(regions.body, "North", "won_amount"), "1234.50");
  EXPECT_EQ(RowValue(regions.body, "South", "won_amount"), "10.00");
  EXPECT_EQ(JsonString(regions.body, "/totals/won_amount"), "1244.50");
  EXPECT_EQ(JsonIds(regions.body, "/rows", "/key").front(), "North");  // largest first

  // People: the shares split the amount to the cent.
  HttpResult people = Results("by=person", manager_);
  EXPECT_EQ(RowValue(people.body, rep_.id, "won_amount"), "740.70");
  EXPECT_EQ(RowValue(people.body, peer_.id, "won_amount"), "493.80");

  ASSERT_EQ(
      Patch("/api/v1/deals/" + won, JsonBody().Set("amount", "2000").str(), rep_.token).status,
      200);
  EXPECT_EQ(JsonString(Results("by=region", rep_).body, "/totals/won_amount"), "2010.00");
  HttpResult teams = Results("by=team", ops_);
  EXPECT_EQ(RowValue(teams.body, manager_.id, "won_amount"), "2000.00");
}

TEST_F(ResultsWithDealsTest, PersonRowsFollowTheDealVisibilityRule) {
  Deal(rep_, "won", "500");
  Deal(peer_, "won", "300");
  Deal(other_, "won", "100");

  auto people_seen_by = [&](const TestUser& who) {
    auto keys = JsonIds(Results("by=person", who).body, "/rows", "/key");
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  std::vector<std::string> team{rep_.id, peer_.id};
  std::sort(team.begin(), team.end());
  EXPECT_EQ(people_seen_by(manager_), team);
  EXPECT_EQ(people_seen_by(rep_), std::vector<std::string>{rep_.id});
  EXPECT_EQ(people_seen_by(other_), std::vector<std::string>{other_.id});
  EXPECT_EQ(people_seen_by(ops_).size(), 3u);
  // National totals stay whole for everyone.
  EXPECT_EQ(JsonString(Results("by=person", rep_).body, "/totals/won_amount"), "900.00");
  // A subtree narrows rows and totals.
  EXPECT_EQ(JsonString(Results("org_root=" + manager_.id, manager_).body, "/totals/won_amount"),
            "800.00");
}

TEST_F(ResultsWithDealsTest, AmountsAreConvertedAtTheClosingMonthsRate) {
  ASSERT_EQ(SetRates(R"({"reporting_currency":"EUR","month":"2026-01","rates":{"USD":"0.5"}})",
                     admin_token_)
                .status,
            200);
  Deal(rep_, "won", "100", "USD");
  Deal(rep_, "won", "100", "GBP");  // no GBP rate: counted, not summed

  HttpResult regions = Results("by=region", rep_);
  EXPECT_EQ(JsonString(regions.body, "/totals/won_amount"), "50.00");
  EXPECT_EQ(JsonInt(regions.body, "/totals/won_count"), 2);
  EXPECT_EQ(JsonInt(regions.body, "/totals/unconverted_won_count"), 1);

  // New rates convert again at once.
  ASSERT_EQ(SetRates(R"({"reporting_currency":"EUR","month":"2026-01",)"
                     R"("rates":{"USD":"0.5","GBP":"2"}})",
                     admin_token_)
                .status,
            200);
  EXPECT_EQ(JsonString(Results("by=region", rep_).body, "/totals/won_amount"), "250.00");
}

TEST_F(ResultsWithDealsTest, ConcurrentDealsAreAllCounted) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) Deal(t % 2 ? rep_ : peer_, "won", "1.25");
    });
  }
  for (auto& thread : threads) thread.join();
  HttpResult totals = Results("by=person", ops_);
  EXPECT_EQ(JsonString(totals.body, "/totals/won_amount"), "50.00");
  EXPECT_EQ(JsonInt(totals.body, "/totals/won_count"), 40);
}

}  // namespace
}  // namespace agora::integration
