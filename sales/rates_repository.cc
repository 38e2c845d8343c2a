#include "sales/rates_repository.h"

#include "storage/rows.h"

namespace agora::sales {

Result<ExchangeRates> LoadRates(storage::Connection& c) {
  AGORA_ASSIGN_OR_RETURN(
      auto code, storage::ReadOne(c, "SELECT reporting_currency FROM sales_settings WHERE id = 1",
                                  [](storage::Statement& s) { return s.column_text(0); }));
  auto reporting = code ? FindCurrency(*code) : FindCurrency("EUR");
  if (!reporting) return Status::Internal("the stored reporting currency is unknown");
  ExchangeRates rates(*reporting);
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c, "SELECT month, currency, rate_micros FROM sales_rates", [&](storage::Statement& s) {
        rates.set_rate(s.column_text(0), s.column_text(1), s.column_int64(2));
      }));
  return rates;
}

Status SaveRates(storage::Connection& c, const Currency& reporting, const std::string& month,
                 const std::map<std::string, int64_t>& micros_by_code) {
  AGORA_RETURN_IF_ERROR(storage::Run(c,
                                     "INSERT INTO sales_settings (id, reporting_currency) "
                                     "VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET "
                                     "reporting_currency = excluded.reporting_currency",
                                     std::string(reporting.code)));
  AGORA_RETURN_IF_ERROR(storage::Run(c, "DELETE FROM sales_rates WHERE month = ?", month));
  for (const auto& [code, micros] : micros_by_code) {
    AGORA_RETURN_IF_ERROR(
        storage::Run(c, "INSERT INTO sales_rates (month, currency, rate_micros) VALUES (?, ?, ?)",
                     month, code, micros));
  }
  return Status::Ok();
}

}  // namespace agora::sales
