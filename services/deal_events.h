// DealEvents: what DealService and the currency settings tell the sales engines kept in memory
// (campaign leaderboards, monthly results) after a commit.
//
// Called on the store's writer thread, in commit order, from Transaction::AfterCommitInOrder:
// an implementation only updates memory and hands live events over; it never blocks on
// sockets or SQLite.
#pragma once

#include <optional>

#include "sales/deal.h"
#include "sales/money.h"

namespace agora::services {

struct DealChange {
  std::optional<sales::Deal> before;  // absent for a new deal
  sales::Deal after;
};

class DealEvents {
 public:
  virtual ~DealEvents() = default;
  virtual void DealChanged(const DealChange& change) = 0;
  // The reporting currency or a rate changed: every converted figure is stale.
  virtual void RatesChanged(const sales::ExchangeRates& rates) = 0;
};

}  // namespace agora::services
