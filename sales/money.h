// Money: exact amounts as integer minor units of an ISO 4217 currency, the decimal text they
// are read from and written as, and the company's monthly exchange rates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace agora::sales {

struct Currency {
  std::string_view code;  // "EUR"
  int exponent = 2;       // minor units per unit: 10^exponent
};

// The ISO 4217 currencies Agora accepts; nullopt for any other code (case matters: "EUR").
std::optional<Currency> FindCurrency(std::string_view code);

struct MoneyLimits {
  // A deal of 100 billion units is beyond any real contract and far from int64 overflow
  // once converted and summed over a million deals.
  static constexpr int64_t kMaxUnits = 100'000'000'000;
  static constexpr int kMaxDecimals = 2;
};

// Reads "1234", "1234.5" or "1234.56" as minor units of `currency`: at most 2 decimals and
// never more than the currency has (none for JPY), no sign, no exponent, at most
// MoneyLimits::kMaxUnits. kUnprocessable "invalid_amount" otherwise.
Result<int64_t> ParseAmount(std::string_view text, const Currency& currency);
// "1234.50" for 123450 minor units of a 2-decimal currency; "1234" for JPY.
std::string FormatAmount(int64_t minor, const Currency& currency);

// A decimal number in [0, 1e6] with at most 6 decimals, in millionths ("0.92" -> 920000);
// kUnprocessable "invalid_rate" otherwise, and for zero.
Result<int64_t> ParseRateMicros(std::string_view text);
std::string FormatRateMicros(int64_t micros);

// A deal team member's share, a decimal in (0, 1] with at most 4 decimals, in basis points
// ("0.25" -> 2500); kUnprocessable "invalid_share" otherwise.
constexpr int kWholeShare = 10'000;
Result<int> ParseShareBasisPoints(std::string_view text);
std::string FormatShare(int basis_points);

// The company's reporting currency and, per month ("YYYY-MM"), what one unit of each other
// currency is worth in it. A value type: copy it, change the copy, swap it in.
class ExchangeRates {
 public:
  explicit ExchangeRates(Currency reporting = *FindCurrency("EUR")) : reporting_(reporting) {}

  const Currency& reporting() const { return reporting_; }
  void set_rate(const std::string& month, std::string_view currency, int64_t micros);
  const std::map<std::string, std::map<std::string, int64_t, std::less<>>>& rates() const {
    return rates_;
  }

  // `minor` units of `currency` in minor units of the reporting currency, at the rate of
  // `month` (the latest earlier month's when that month has none, else the earliest later
  // one's), rounded half away from zero. nullopt when the currency has no rate at all.
  std::optional<int64_t> Convert(int64_t minor, std::string_view currency,
                                 std::string_view month) const;

 private:
  Currency reporting_;
  std::map<std::string, std::map<std::string, int64_t, std::less<>>> rates_;  // month -> rates
};

}  // namespace agora::sales
