// api.md "Sales": monthly results and the reporting currency with its monthly rates.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace agora::integration
