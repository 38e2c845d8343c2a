// Deals in SQLite (sales_deals with their teams in sales_deal_team, their audit in
// sales_deal_audit): one column list, one row mapper, teams loaded in batches.
//
// Free functions over an open connection: a reader's, or a use case's transaction (every write
// takes the transaction's connection). As thread-safe as that connection. Access rules live in
// services/deal_access.h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "sales/deal.h"
#include "storage/connection.h"

namespace agora::sales {

struct DealFilter {
  std::optional<Id> owner_id;
  std::optional<Outcome> outcome;
  std::optional<std::string> since;  // closed_on >= since ("YYYY-MM-DD")
  std::optional<std::string> until;  // closed_on <= until
  std::optional<std::string> sector;
  std::optional<std::string> product;
  std::optional<std::string> region;
  bool story_missing = false;  // won deals with no live deal_story post attached
  // Deals whose owner or a team member is one of these people; nullopt: every deal.
  std::optional<std::vector<Id>> involving;
};

// Inserts `deal` (its id set by the caller) with its team.
Status InsertDeal(storage::Connection& c, const Deal& deal);
// Replaces the stored facts and team of `deal.id`.
Status UpdateDeal(storage::Connection& c, const Deal& deal);
// With its team, without story_post_ids; nullopt when absent.
Result<std::optional<Deal>> FindDeal(storage::Connection& c, Id id);
Result<std::optional<Deal>> FindDealByExternalId(storage::Connection& c,
                                                 const std::string& external_id);
// Newest first (by id); the cursor is the last id of the page. Without story_post_ids.
Result<Page<Deal>> ListDeals(storage::Connection& c, const DealFilter& filter,
                             const PageRequest& page);
// Ids of the open deals `owner_id` owns, by id.
Result<std::vector<Id>> OpenDealIdsOwnedBy(storage::Connection& c, Id owner_id);
// `deal` with `receiver` as owner: the previous owner's team share passes to `receiver`
// (added to the share `receiver` already had).
Deal WithNewOwner(Deal deal, Id receiver);
// Live deal_story posts attached to the deal, oldest first.
Result<std::vector<Id>> StoryPostIds(storage::Connection& c, Id deal_id);
// Every deal with its team, in id order, in batches: for engines that rebuild at start.
Status ForEachDeal(storage::Connection& c, const std::function<void(const Deal&)>& fn);

enum class DealAction { kCreate, kUpdate };
enum class DealSource { kApi, kImport };
// One audit row: `actor` created or changed the deal.
Status RecordDealAudit(storage::Connection& c, Id deal_id, Id actor, DealAction action,
                       DealSource source, UnixMillis at);

}  // namespace agora::sales
