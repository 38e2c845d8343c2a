// DealEventsRelay: the one place that tells this node's sales engines (campaign leaderboards,
// monthly results) of deal and rate changes, whichever node made them, and that keeps each
// deal as they counted it (CountedDeals).
//
// A change is told as the deal's state now, read from the store: this node's writer tells the
// deal it just committed, the outbox tailer the deal another node changed, reloaded. The relay
// tells the engines the change from the state it holds to that one, so the engines never
// depend on what the writing node held; a revision (sales::Deal::revision) no newer than the
// one held changes nothing, so a state told twice, late, or after a newer one counts once.
//
// Engines build from the deals held (Build), under the same lock as changes, so an engine
// built while changes arrive misses none and counts none twice.
//
// Cost: one copy of every won or lost deal in memory (without its customer and external id),
// on top of the engines.
//
// Thread-safe. Attach every engine before Load; then the list is constant. DealStored,
// RatesStored and Build serialise on one lock, held while the engines run (DealEvents).
#pragma once

#include <functional>
#include <vector>

#include "core/mutex.h"
#include "core/status.h"
#include "services/deal_events.h"
#include "storage/store.h"

namespace agora::services {

class DealEventsRelay {
 public:
  // `engine` must outlive the relay.
  void Attach(DealEvents& engine) { engines_.push_back(&engine); }

  // Reads every won or lost deal from `store`, keeping a newer state already told. Call once,
  // at start, before the engines build.
  Status Load(storage::Store& store) EXCLUDES(mu_);

  // `deal` is stored as it is now (after a commit): the engines are told the change from what
  // they counted, unless they counted this revision or a newer one.
  void DealStored(const sales::Deal& deal) EXCLUDES(mu_);
  void RatesStored(const sales::ExchangeRates& rates) EXCLUDES(mu_);

  // Runs `build` with the deals counted while no change is told: an engine builds from them
  // and installs what it built inside `build`.
  void Build(const std::function<void(const CountedDeals&)>& build) EXCLUDES(mu_);

 private:
  std::vector<DealEvents*> engines_;  // constant once attached

  Mutex mu_;
  CountedDeals deals_ GUARDED_BY(mu_);
};

}  // namespace agora::services
