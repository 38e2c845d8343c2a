#include "sales/money.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace agora::sales {
namespace {

// The currencies a sales network meets, with ISO 4217 minor-unit exponents. Three-decimal
// currencies (KWD, BHD...) are left out: amounts carry at most two decimals.
constexpr std::array kCurrencies = {
    Currency{"AED", 2}, Currency{"AUD", 2}, Currency{"BRL", 2}, Currency{"CAD", 2},
    Currency{"CHF", 2}, Currency{"CNY", 2}, Currency{"CZK", 2}, Currency{"DKK", 2},
    Currency{"EUR", 2}, Currency{"GBP", 2}, Currency{"HKD", 2}, Currency{"HUF", 2},
    Currency{"INR", 2}, Currency{"JPY", 0}, Currency{"KRW", 0}, Currency{"MAD", 2},
    Currency{"MXN", 2}, Currency{"NOK", 2}, Currency{"NZD", 2}, Currency{"PLN", 2},
    Currency{"RON", 2}, Currency{"SEK", 2}, Currency{"SGD", 2}, Currency{"TRY", 2},
    Currency{"USD", 2}, Currency{"XOF", 0}, Currency{"ZAR", 2},
};

// GCC and Clang's 128-bit integer, spelled so -Wpedantic accepts it: a converted amount's
// intermediate product (up to 10^13 minor units times 10^12 micros) overflows 64 bits.
__extension__ using Int128 = __int128;

int64_t Pow10(int exponent) {
  int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

// A non-negative decimal "123" or "123.45" as an integer scaled by 10^decimals; nullopt when
// malformed, when it has more than `decimals` decimals, or past `max_scaled`.
std::optional<int64_t> ParseScaled(std::string_view text, int decimals, int64_t max_scaled) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 15 || (dot != std::string_view::npos && fraction.empty()) ||
      fraction.size() > static_cast<size_t>(decimals)) {
    return std::nullopt;
  }
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(fraction)) return std::nullopt;
  int64_t value = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), value);
  if (value > max_scaled / Pow10(decimals)) return std::nullopt;
  for (int i = 0; i < decimals; ++i) {
    value = value * 10 + (static_cast<size_t>(i) < fraction.size() ? fraction[i] - '0' : 0);
  }
  if (value > max_scaled) return std::nullopt;
  return value;
}

std::string FormatScaled(int64_t scaled, int decimals, bool trim_zeros) {
  int64_t unit = Pow10(decimals);
  std::string out = std::to_string(scaled / unit);
  if (decimals == 0) return out;
  std::string fraction = std::to_string(scaled % unit);
  fraction.insert(0, static_cast<size_t>(decimals) - fraction.size(), '0');
  if (trim_zeros) {
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (fraction.empty()) return out;
  }
  return out + "." + fraction;
}

}  // namespace

std::optional<Currency> FindCurrency(std::string_view code) {
  for (const auto& currency : kCurrencies) {
    if (currency.code == code) return currency;
  }
  return std::nullopt;
}

Result<int64_t> ParseAmount(std::string_view text, const Currency& currency) {
  int decimals = std::min(currency.exponent, MoneyLimits::kMaxDecimals);
  auto value = ParseScaled(text, decimals, MoneyLimits::kMaxUnits * Pow10(decimals));
  if (!value) {
    return Status::Unprocessable("invalid_amount",
                                 "amount must be a non-negative number of at most " +
                                     std::to_string(MoneyLimits::kMaxUnits) + " " +
                                     std::string(currency.code) + " with at most " +
                                     std::to_string(decimals) + " decimals");
  }
  return *value * Pow10(currency.exponent - decimals);
}

std::string FormatAmount(int64_t minor, const Currency& currency) {
  return FormatScaled(minor, currency.exponent, false);
}

Result<int64_t> ParseRateMicros(std::string_view text) {
  auto value = ParseScaled(text, 6, int64_t{1'000'000} * 1'000'000);
  if (!value || *value == 0) {
    return Status::Unprocessable("invalid_rate",
                                 "a rate is a positive decimal with at most 6 decimals");
  }
  return *value;
}

std::string FormatRateMicros(int64_t micros) { return FormatScaled(micros, 6, true); }

Result<int> ParseShareBasisPoints(std::string_view text) {
  auto value = ParseScaled(text, 4, kWholeShare);
  if (!value || *value == 0) {
    return Status::Unprocessable("invalid_share",
                                 "a share is a decimal above 0 and at most 1, with at most 4 "
                                 "decimals");
  }
  return static_cast<int>(*value);
}

std::string FormatShare(int basis_points) { return FormatScaled(basis_points, 4, true); }

void ExchangeRates::set_rate(const std::string& month, std::string_view currency, int64_t micros) {
  rates_[month].insert_or_assign(std::string(currency), micros);
}

std::optional<int64_t> ExchangeRates::Convert(int64_t minor, std::string_view currency,
                                              std::string_view month) const {
  auto source = FindCurrency(currency);
  if (!source) return std::nullopt;
  if (source->code == reporting_.code) return minor;
  std::optional<int64_t> micros;
  // The month's rate or the latest before it...
  for (auto it = rates_.upper_bound(std::string(month)); it != rates_.begin();) {
    --it;
    if (auto found = it->second.find(currency); found != it->second.end()) {
      micros = found->second;
      break;
    }
  }
  // ...else the earliest after it.
  for (auto it = rates_.upper_bound(std::string(month)); !micros && it != rates_.end(); ++it) {
    if (auto found = it->second.find(currency); found != it->second.end()) micros = found->second;
  }
  if (!micros) return std::nullopt;
  // minor * rate * 10^(reporting exponent - source exponent) / 10^6, rounded half up.
  Int128 numerator = static_cast<Int128>(minor) * *micros * Pow10(reporting_.exponent);
  Int128 denominator = static_cast<Int128>(1'000'000) * Pow10(source->exponent);
  return static_cast<int64_t>((numerator + denominator / 2) / denominator);
}

}  // namespace agora::sales
