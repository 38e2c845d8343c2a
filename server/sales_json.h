// JSON of the sales practice shared by the campaign routes and the live stream: a standing
// on a leaderboard and the summary of a won deal.
#pragma once

#include <unordered_map>
#include <vector>

#include "core/id.h"
#include "core/json.h"
#include "profiles/user.h"
#include "sales/campaign.h"
#include "sales/deal.h"
#include "sales/leaderboard.h"
#include "sales/money.h"

namespace agora::server {

// {rank, subject, value, target, progress, won_count, lost_count, win_rate, rank_change}.
// A person or manager found in `users` is written as a summary, otherwise as {"id"} (the live
// stream has no summaries at hand); a team without a manager has "manager": null.
void WriteStanding(JsonWriter& w, const sales::Standing& standing, sales::Metric metric,
                   const sales::Currency& currency,
                   const std::unordered_map<Id, profiles::UserSummary>& users);

// {id, owner_id, customer, product, sector, region, amount, currency, closed_on,
// new_customer}
void WriteDealSummary(JsonWriter& w, const sales::Deal& deal, const sales::Currency& currency);

}  // namespace agora::server
