// DealEventsRelay: the engines are told each change from the state this node counted, whoever
// changed the deal, and a state told twice, or older than the one counted, changes nothing.
#include "services/deal_events_relay.h"

#include <gtest/gtest.h>

#include <vector>

namespace agora::services {
namespace {

class RecordingEngine final : public DealEvents {
 public:
  void DealChanged(const DealChange& change) override { changes.push_back(change); }
  void RatesChanged(const sales::ExchangeRates&, const CountedDeals& deals) override {
    counted_at_rates = deals.size();
  }

  std::vector<DealChange> changes;
  size_t counted_at_rates = 0;
};

sales::Deal Deal(int64_t revision, int64_t amount, sales::Outcome outcome = sales::Outcome::kWon) {
  sales::Deal d;
  d.id = 7;
  d.owner_id = 1;
  d.team = {{1, sales::kWholeShare}};
  d.customer = "ACME";
  d.amount_minor = amount;
  d.currency = "EUR";
  d.outcome = outcome;
  if (outcome != sales::Outcome::kOpen) d.closed_on = "2026-11-10";
  d.revision = revision;
  return d;
}

TEST(DealEventsRelayTest, EachChangeIsToldFromTheStateCounted) {
  DealEventsRelay relay;
  RecordingEngine engine;
  relay.Attach(engine);
  relay.DealStored(Deal(0, 100, sales::Outcome::kOpen));
  relay.DealStored(Deal(2, 300));  // revision 1 was never told here (another node's, overtaken)
  ASSERT_EQ(engine.changes.size(), 2u);
  EXPECT_FALSE(engine.changes[0].before);
  ASSERT_TRUE(engine.changes[1].before);
  EXPECT_EQ(engine.changes[1].before->revision, 0);
  EXPECT_EQ(engine.changes[1].before->outcome, sales::Outcome::kOpen);
  EXPECT_EQ(engine.changes[1].after.amount_minor, 300);
}

TEST(DealEventsRelayTest, AStateToldTwiceOrLateChangesNothing) {
  DealEventsRelay relay;
  RecordingEngine engine;
  relay.Attach(engine);
  relay.DealStored(Deal(3, 300));
  relay.DealStored(Deal(3, 300));  // the same entry applied again
  relay.DealStored(Deal(2, 200));  // the writer's own state, after the tailer told a newer one
  ASSERT_EQ(engine.changes.size(), 1u);
  EXPECT_EQ(engine.changes[0].after.revision, 3);
}

TEST(DealEventsRelayTest, EnginesBuildFromTheDealsCountedWithoutTheirCustomers) {
  DealEventsRelay relay;
  RecordingEngine engine;
  relay.Attach(engine);
  relay.DealStored(Deal(0, 100));
  relay.Build([](const CountedDeals& deals) {
    ASSERT_EQ(deals.size(), 1u);
    EXPECT_EQ(deals.at(7).amount_minor, 100);
    EXPECT_TRUE(deals.at(7).customer.empty());
  });
  relay.RatesStored(sales::ExchangeRates{});
  EXPECT_EQ(engine.counted_at_rates, 1u);
}

}  // namespace
}  // namespace agora::services
