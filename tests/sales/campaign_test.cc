#include "sales/campaign.h"

#include <gtest/gtest.h>

#include "sales/campaign_repository.h"
#include "storage/rows.h"
#include "tests/support/people.h"
#include "tests/support/temp_store.h"

namespace agora::sales {
namespace {

CampaignDraft ValidDraft() {
  CampaignDraft d;
  d.campaign.name = "Temps fort";
  d.campaign.starts_on = "2026-11-01";
  d.campaign.ends_on = "2026-11-30";
  d.user_ids = {1};
  return d;
}

std::string CodeOf(const Status& s) { return s.ok() ? "ok" : s.error_code(); }

TEST(CampaignTest, ValidationNamesTheFirstProblem) {
  EXPECT_EQ(CodeOf(ValidateCampaign(ValidDraft())), "ok");
  auto with = [](auto change) {
    CampaignDraft d = ValidDraft();
    change(d);
    return CodeOf(ValidateCampaign(d));
  };
  EXPECT_EQ(with([](CampaignDraft& d) { d.campaign.name.clear(); }), "missing_field");
  EXPECT_EQ(with([](CampaignDraft& d) { d.campaign.ends_on = "2026-10-31"; }), "invalid_period");
  EXPECT_EQ(with([](CampaignDraft& d) { d.campaign.ends_on = d.campaign.starts_on; }), "ok");
  EXPECT_EQ(with([](CampaignDraft& d) { d.campaign.starts_on = "2026-02-30"; }), "invalid_date");
  EXPECT_EQ(with([](CampaignDraft& d) { d.user_ids.clear(); }), "missing_participants");
  EXPECT_EQ(with([](CampaignDraft& d) {
              d.user_ids.clear();
              d.campaign.org_root = 5;
            }),
            "ok");
  EXPECT_EQ(with([](CampaignDraft& d) { d.campaign.products = {""}; }), "invalid_field");
}

TEST(CampaignTest, TargetsAreReadInTheMetricsUnit) {
  const Currency eur = *FindCurrency("EUR");
  EXPECT_EQ(*ParseTarget(Metric::kWonAmount, "15000.5", eur), 1'500'050);
  EXPECT_EQ(*ParseTarget(Metric::kWonCount, "12", eur), 12 * kOneDeal);
  EXPECT_EQ(*ParseTarget(Metric::kWinRate, "0.35", eur), 3500);
  EXPECT_EQ(*ParseTarget(Metric::kWinRate, "0", eur), 0);
  for (auto [metric, text] : {std::pair{Metric::kWonAmount, "1.234"},
                              {Metric::kWonCount, "1.5"},
                              {Metric::kWinRate, "1.2"},
                              {Metric::kNewCustomers, "-1"}}) {
    EXPECT_EQ(CodeOf(ParseTarget(metric, text, eur).status()), "invalid_target") << text;
  }
  EXPECT_EQ(FormatMetricValue(Metric::kWonAmount, 1'500'050, eur), "15000.50");
  EXPECT_EQ(FormatMetricValue(Metric::kWonCount, 25'000, eur), "2.5");
  EXPECT_EQ(FormatMetricValue(Metric::kWinRate, 3500, eur), "0.35");
}

class CampaignRepositoryTest : public ::testing::TestWithParam<storage::Engine> {};

TEST_P(CampaignRepositoryTest, ACampaignReadsBackWithFiltersAndParticipantsAndListsByVisibility) {
  agora::testing::TempStore store{GetParam()};
  AGORA_SKIP_UNLESS_AVAILABLE(store);
  ASSERT_TRUE(agora::testing::AddPeople(*store, {{1, "ann"}, {2, "bob"}, {3, "cid"}}).ok());
  Campaign c;
  c.id = 10;
  c.name = "Fiber \"push\"";
  c.starts_on = "2026-11-01";
  c.ends_on = "2026-11-30";
  c.metric = Metric::kWonCount;
  c.products = {"fiber", "a\\b"};
  c.regions = {"north"};
  c.target = 30'000;
  c.created_by = 1;
  Campaign company = c;
  company.id = 11;
  company.visibility = CampaignVisibility::kCompany;
  company.starts_on = "2026-12-01";
  company.ends_on = "2026-12-31";
  ASSERT_TRUE(store
                  ->write([&](storage::Connection& conn) -> Status {
                    AGORA_RETURN_IF_ERROR(InsertCampaign(conn, c, {1, 2}));
                    return InsertCampaign(conn, company, {3});
                  })
                  .ok());
  auto found = store->read([](storage::Connection& conn) { return FindCampaign(conn, 10); });
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, c.name);
  EXPECT_EQ(found->products, c.products);
  EXPECT_EQ(found->regions, c.regions);
  EXPECT_TRUE(found->sectors.empty());
  EXPECT_EQ(found->metric, Metric::kWonCount);
  EXPECT_EQ(found->target, 30'000);

  auto list = [&](Id viewer, bool sees_all, std::optional<bool> active) {
    std::vector<Id> ids;
    auto page = store->read([&](storage::Connection& conn) {
      return ListCampaigns(conn, {viewer, sees_all, active, "2026-11-15"}, PageRequest{});
    });
    for (const auto& item : page->items) ids.push_back(item.id);
    return ids;
  };
  EXPECT_EQ(list(2, false, std::nullopt), (std::vector<Id>{11, 10}));  // a participant
  EXPECT_EQ(list(3, false, std::nullopt), (std::vector<Id>{11}));      // not one of 10's
  EXPECT_EQ(list(3, true, std::nullopt), (std::vector<Id>{11, 10}));
  EXPECT_EQ(list(2, false, true), (std::vector<Id>{10}));
  EXPECT_EQ(list(2, false, false), (std::vector<Id>{11}));
  auto participants =
      store->read([](storage::Connection& conn) { return CampaignParticipants(conn, 10); });
  EXPECT_EQ(*participants, (std::vector<Id>{1, 2}));
}

AGORA_INSTANTIATE_ON_EACH_ENGINE(CampaignRepositoryTest);

}  // namespace

}  // namespace agora::sales
