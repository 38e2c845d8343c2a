// DealEventsFanout: one DealEvents that forwards to every engine attached at wiring time
// (campaign leaderboards, monthly results), in the order attached.
#pragma once

#include <vector>

#include "services/deal_events.h"

namespace agora::services {

class DealEventsFanout final : public DealEvents {
 public:
  // Before the store can commit a deal; `sink` must outlive this object.
  void Attach(DealEvents* sink) { sinks_.push_back(sink); }

  void DealChanged(const DealChange& change) override {
    for (auto* sink : sinks_) sink->DealChanged(change);
  }
  void RatesChanged(const sales::ExchangeRates& rates) override {
    for (auto* sink : sinks_) sink->RatesChanged(rates);
  }

 private:
  std::vector<DealEvents*> sinks_;  // fixed before serving
};

}  // namespace agora::services
