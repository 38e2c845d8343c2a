#include "services/deal_access.h"

#include "profiles/user_repository.h"

namespace agora::services {

Result<bool> CanSeeDeal(storage::Connection& c, const Viewer& viewer, const sales::Deal& deal) {
  if (viewer.is_admin || viewer.is_sales_ops || viewer.user_id == deal.owner_id) return true;
  for (const auto& member : deal.team) {
    if (member.user_id == viewer.user_id) return true;
  }
  AGORA_ASSIGN_OR_RETURN(bool above_owner, profiles::IsAbove(c, viewer.user_id, deal.owner_id));
  if (above_owner) return true;
  for (const auto& member : deal.team) {
    AGORA_ASSIGN_OR_RETURN(bool above, profiles::IsAbove(c, viewer.user_id, member.user_id));
    if (above) return true;
  }
  return false;
}

Result<bool> CanManageDealsOf(storage::Connection& c, const Viewer& viewer, Id owner_id) {
  if (viewer.is_admin || viewer.is_sales_ops || viewer.user_id == owner_id) return true;
  return profiles::IsAbove(c, viewer.user_id, owner_id);
}

Result<std::optional<std::vector<Id>>> VisibleDealPeople(storage::Connection& c,
                                                         const Viewer& viewer) {
  using Out = std::optional<std::vector<Id>>;
  if (viewer.is_admin || viewer.is_sales_ops) return Out();
  AGORA_ASSIGN_OR_RETURN(auto people, profiles::PeopleUnder(c, viewer.user_id));
  people.push_back(viewer.user_id);
  return Out(std::move(people));
}

}  // namespace agora::services
