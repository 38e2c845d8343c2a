#include "sales/money.h"

#include <gtest/gtest.h>

namespace agora::sales {
namespace {

const Currency kEur = *FindCurrency("EUR");
const Currency kJpy = *FindCurrency("JPY");
const Currency kUsd = *FindCurrency("USD");

TEST(MoneyTest, AmountsAreReadExactlyInMinorUnits) {
  EXPECT_EQ(*ParseAmount("1234", kEur), 123400);
  EXPECT_EQ(*ParseAmount("1234.5", kEur), 123450);
  EXPECT_EQ(*ParseAmount("1234.56", kEur), 123456);
  EXPECT_EQ(*ParseAmount("0.01", kEur), 1);
  EXPECT_EQ(*ParseAmount("1500000", kJpy), 1500000);
  EXPECT_EQ(*ParseAmount("100000000000", kEur), 10'000'000'000'000);
}

TEST(MoneyTest, BadAmountsAreRefusedWithTheirCode) {
  for (const char* text : {"1.234", "-5", "1e3", "", ".5", "5.", "12a", "1,5", " 1",
                           "100000000000.01", "999999999999999999999"}) {
    auto parsed = ParseAmount(text, kEur);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().error_code(), "invalid_amount") << text;
  }
  EXPECT_FALSE(ParseAmount("10.5", kJpy).ok());  // yen have no minor unit
}

TEST(MoneyTest, AmountsAreWrittenWithTheCurrencysDecimals) {
  EXPECT_EQ(FormatAmount(123450, kEur), "1234.50");
  EXPECT_EQ(FormatAmount(5, kEur), "0.05");
  EXPECT_EQ(FormatAmount(1500000, kJpy), "1500000");
}

TEST(MoneyTest, UnknownCurrenciesAreNotFound) {
  EXPECT_FALSE(FindCurrency("XXX"));
  EXPECT_FALSE(FindCurrency("eur"));
  EXPECT_TRUE(FindCurrency("GBP"));
}

TEST(MoneyTest, SharesAndRatesAreExact) {
  EXPECT_EQ(*ParseShareBasisPoints("1"), kWholeShare);
  EXPECT_EQ(*ParseShareBasisPoints("0.3333"), 3333);
  EXPECT_FALSE(ParseShareBasisPoints("0").ok());
  EXPECT_FALSE(ParseShareBasisPoints("1.0001").ok());
  EXPECT_FALSE(ParseShareBasisPoints("0.33333").ok());
  EXPECT_EQ(FormatShare(2500), "0.25");
  EXPECT_EQ(FormatShare(kWholeShare), "1");
  EXPECT_EQ(*ParseRateMicros("0.92"), 920000);
  EXPECT_EQ(FormatRateMicros(920000), "0.92");
  EXPECT_FALSE(ParseRateMicros("0").ok());
  EXPECT_FALSE(ParseRateMicros("0.0000001").ok());
}

TEST(MoneyTest, ConversionUsesTheMonthsRateOrTheNearestKnown) {
  ExchangeRates rates(kEur);
  rates.set_rate("2026-03", "USD", 900000);  // 1 USD = 0.90 EUR
  rates.set_rate("2026-05", "USD", 950000);
  rates.set_rate("2026-05", "JPY", 6000);  // 1 JPY = 0.006 EUR
  EXPECT_EQ(rates.Convert(10000, "EUR", "2026-04"), 10000);
  EXPECT_EQ(rates.Convert(10000, "USD", "2026-03"), 9000);
  EXPECT_EQ(rates.Convert(10000, "USD", "2026-04"), 9000);  // latest earlier month
  EXPECT_EQ(rates.Convert(10000, "USD", "2026-06"), 9500);
  EXPECT_EQ(rates.Convert(10000, "USD", "2026-01"), 9000);  // earliest later month
  EXPECT_EQ(rates.Convert(1000, "JPY", "2026-05"), 600);    // 1000 yen = 6.00 EUR
  EXPECT_EQ(rates.Convert(1, "USD", "2026-03"), 1);         // 0.9 cent rounds to 1
  EXPECT_EQ(rates.Convert(100, "GBP", "2026-03"), std::nullopt);
  // The largest amount at a large rate does not overflow.
  rates.set_rate("2026-05", "KRW", 1'000'000'000);
  EXPECT_EQ(rates.Convert(100'000'000'000, "KRW", "2026-05"),
            int64_t{100'000'000'000} * 1000 * 100);
}

}  // namespace
}  // namespace agora::sales
