// DealEvents: what the sales engines kept in memory (campaign leaderboards, monthly results) are
// told after a commit, through DealEventsRelay (services/deal_events_relay.h), which knows each
// deal as this node counted it.
//
// Called with the relay's lock held, on the store's writer thread (this node's changes, in
// commit order) or on the outbox tailer's thread (other nodes' changes, services/outbox_tailer.h):
// an implementation only updates memory, hands live events over and may read the store; it
// never calls the relay back.
#pragma once

#include <optional>
#include <unordered_map>

#include "core/id.h"
#include "sales/deal.h"
#include "sales/money.h"

namespace agora::services {

struct DealChange {
  std::optional<sales::Deal> before;  // as this node counted it; absent for a deal it never had
  sales::Deal after;
};

// The deals this node's engines count, by id, as they counted them: every won or lost deal,
// and every deal changed since the start. Without customer and external_id.
using CountedDeals = std::unordered_map<Id, sales::Deal>;

class DealEvents {
 public:
  virtual ~DealEvents() = default;
  virtual void DealChanged(const DealChange& change) = 0;
  // The reporting currency or a rate changed: every converted figure is stale. `deals` are
  // the deals counted, for an engine that converts again from them.
  virtual void RatesChanged(const sales::ExchangeRates& rates, const CountedDeals& deals) = 0;
};

}  // namespace agora::services
