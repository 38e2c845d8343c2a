#include "sales/rates_repository.h"

#include <gtest/gtest.h>

#include "tests/support/temp_store.h"

namespace agora::sales {
namespace {

TEST(RatesRepositoryTest, RatesReadBackAndAMonthIsReplacedWhole) {
  agora::testing::TempStore store;
  auto load = [&] { return store->read([](storage::Connection& c) { return LoadRates(c); }); };
  ASSERT_EQ(load()->reporting().code, "EUR");  // the default

  auto save = [&](const char* reporting, const std::string& month,
                  std::map<std::string, int64_t> rates) {
    return store->write([&](storage::Connection& c) {
      return SaveRates(c, *FindCurrency(reporting), month, rates);
    });
  };
  ASSERT_TRUE(save("EUR", "2026-11", {{"USD", 920000}, {"GBP", 1150000}}).ok());
  ASSERT_TRUE(save("EUR", "2026-12", {{"USD", 930000}}).ok());
  ASSERT_TRUE(save("EUR", "2026-11", {{"USD", 910000}}).ok());

  auto rates = load();
  ASSERT_TRUE(rates.ok());
  EXPECT_EQ(rates->Convert(100, "USD", "2026-11"), 91);
  EXPECT_EQ(rates->Convert(100, "USD", "2026-12"), 93);
  EXPECT_EQ(rates->Convert(100, "GBP", "2026-11"), std::nullopt);  // the month was replaced

  ASSERT_TRUE(save("USD", "2026-12", {{"EUR", 1080000}}).ok());
  EXPECT_EQ(load()->reporting().code, "USD");
}

}  // namespace
}  // namespace agora::sales
