// DealEventsRelay: the one DealEvents that DealService tells, handing every event to the
// sales engines attached to it (campaign leaderboards, monthly results), in attachment order.
//
// Attach every engine before the first write; then the list is constant and the relay is as
// thread-safe as its engines (DealEvents are called on the store's writer thread).
#pragma once

#include <vector>

#include "services/deal_events.h"

namespace agora::services {

class DealEventsRelay final : public DealEvents {
 public:
  // `engine` must outlive the relay.
  void Attach(DealEvents& engine) { engines_.push_back(&engine); }

  void DealChanged(const DealChange& change) override {
    for (DealEvents* engine : engines_) engine->DealChanged(change);
  }
  void RatesChanged(const sales::ExchangeRates& rates) override {
    for (DealEvents* engine : engines_) engine->RatesChanged(rates);
  }

 private:
  std::vector<DealEvents*> engines_;
};

}  // namespace agora::services
