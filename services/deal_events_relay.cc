#include "services/deal_events_relay.h"

#include <utility>

#include "sales/campaign_repository.h"

namespace agora::services {
namespace {

// What the engines read of a deal: its customer and external id are left out of memory.
sales::Deal Counted(sales::Deal deal) {
  deal.customer.clear();
  deal.external_id.reset();
  deal.story_post_ids.clear();
  return deal;
}

}  // namespace

Status DealEventsRelay::Load(storage::Store& store) {
  CountedDeals read;
  AGORA_RETURN_IF_ERROR(store.read([&](storage::Connection& c) {
    // Every closing date there can be.
    return sales::ForEachClosedDeal(c, "0000-01-01", "9999-12-31", [&](const sales::Deal& deal) {
      read.emplace(deal.id, Counted(deal));
    });
  }));
  MutexLock lock(&mu_);
  for (auto& [id, deal] : read) {
    // A state told while the store was read may be newer than the one read.
    auto held = deals_.find(id);
    if (held == deals_.end()) {
      deals_.emplace(id, std::move(deal));
    } else if (held->second.revision < deal.revision) {
      held->second = std::move(deal);
    }
  }
  return Status::Ok();
}

void DealEventsRelay::DealStored(const sales::Deal& deal) {
  MutexLock lock(&mu_);
  DealChange change{std::nullopt, deal};
  if (auto held = deals_.find(deal.id); held != deals_.end()) {
    if (held->second.revision >= deal.revision) return;
    change.before = std::move(held->second);
  }
  for (DealEvents* engine : engines_) engine->DealChanged(change);
  deals_[deal.id] = Counted(deal);
}

void DealEventsRelay::RatesStored(const sales::ExchangeRates& rates) {
  MutexLock lock(&mu_);
  for (DealEvents* engine : engines_) engine->RatesChanged(rates, deals_);
}

void DealEventsRelay::Build(const std::function<void(const CountedDeals&)>& build) {
  MutexLock lock(&mu_);
  build(deals_);
}

}  // namespace agora::services
