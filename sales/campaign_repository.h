// Campaigns and their participants in SQLite (sales_campaigns, sales_campaign_participants),
// and the reads the in-memory leaderboards are built from (closed deals with their teams, the
// org chart). Free functions over an open connection: a reader's, or a use case's
// transaction; as thread-safe as that connection.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "sales/campaign.h"
#include "sales/deal.h"
#include "storage/connection.h"

namespace agora::sales {

// Writes a validated campaign and its resolved participants.
Status InsertCampaign(storage::Connection& c, const Campaign& campaign,
                      const std::vector<Id>& participants);
// kNotFound when absent.
Result<Campaign> FindCampaign(storage::Connection& c, Id id);
// Every campaign, by id: what the leaderboards are built for at start.
Result<std::vector<Campaign>> AllCampaigns(storage::Connection& c);
// The participants of a campaign, by id.
Result<std::vector<Id>> CampaignParticipants(storage::Connection& c, Id campaign_id);
Result<bool> IsParticipant(storage::Connection& c, Id campaign_id, Id user_id);

struct CampaignQuery {
  Id viewer = 0;
  bool sees_all = false;       // admins and sales_ops
  std::optional<bool> active;  // only campaigns covering `today` (true) or not covering it
  std::string today;           // "YYYY-MM-DD"
};
// The campaigns `query.viewer` may see (company-wide ones, the ones they take part in or
// created, every one for sees_all), newest first.
Result<Page<Campaign>> ListCampaigns(storage::Connection& c, const CampaignQuery& query,
                                     const PageRequest& page);

// Every won or lost deal closed from `from` to `to` ("YYYY-MM-DD", inclusive), with its team,
// by id; without customer and external_id.
Status ForEachClosedDeal(storage::Connection& c, const std::string& from, const std::string& to,
                         const std::function<void(const Deal&)>& fn);

// A person as the sales engines see the org chart.
struct OrgMember {
  Id id = 0;
  std::optional<Id> manager_id;
  bool sees_all_deals = false;  // an admin or sales_ops
};
// Every active account.
Result<std::vector<OrgMember>> LoadOrgChart(storage::Connection& c);

}  // namespace agora::sales
