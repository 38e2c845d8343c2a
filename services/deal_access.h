// Who sees and who changes a deal, written once for every route that shows or takes one
// (deals, deal stories, and the sales engines' breakdowns by person).
//
// A deal is visible to its owner and team members, to anyone above the owner or a team member
// in the org chart, to sales_ops and to admins. Deals are recorded and changed by their owner,
// the owner's managers, sales_ops and admins. Functions over an open connection: a reader's,
// or a use case's transaction (where the rule is re-checked before the write).
#pragma once

#include <optional>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/viewer.h"
#include "sales/deal.h"
#include "storage/connection.h"

namespace agora::services {

Result<bool> CanSeeDeal(storage::Connection& c, const Viewer& viewer, const sales::Deal& deal);

// Whether `viewer` may record or change deals owned by `owner_id`.
Result<bool> CanManageDealsOf(storage::Connection& c, const Viewer& viewer, Id owner_id);

// The people whose deals (as owner or team member) `viewer` sees: the viewer and everyone under
// them; nullopt for everyone (sales_ops, admins).
Result<std::optional<std::vector<Id>>> VisibleDealPeople(storage::Connection& c,
                                                         const Viewer& viewer);

}  // namespace agora::services
