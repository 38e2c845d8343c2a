// The company's reporting currency and monthly exchange rates in SQLite (tables sales_settings
// and sales_rates). Free functions over an open connection: a reader's, or a use case's
// transaction.
#pragma once

#include <map>
#include <string>

#include "core/status.h"
#include "sales/money.h"
#include "storage/connection.h"

namespace agora::sales {

// Every rate, with the reporting currency (EUR until an admin sets one).
Result<ExchangeRates> LoadRates(storage::Connection& c);
// Sets the reporting currency and replaces `month`'s rates ("YYYY-MM") with `micros_by_code`.
Status SaveRates(storage::Connection& c, const Currency& reporting, const std::string& month,
                 const std::map<std::string, int64_t>& micros_by_code);

}  // namespace agora::sales
