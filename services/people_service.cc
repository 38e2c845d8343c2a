#include "services/people_service.h"

#include <algorithm>

#include "services/audience.h"

namespace agora::services {

PeopleService::PeopleService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                             profiles::UserRepository& users,
                             communities::CommunityRepository& communities, FeedService& feed,
                             NotificationService& notifications, CommunityService& memberships,
                             Quotas& quotas)
    : store_(store),
      clock_(clock),
      ids_(ids),
      users_(users),
      communities_(communities),
      graph_(store),
      feed_(feed),
      notifications_(notifications),
      memberships_(memberships),
      quotas_(quotas) {}

Result<Id> PeopleService::Resolve(const profiles::UserRef& ref) {
  if (ref.id) return *ref.id;
  auto user = users_.FindByUsername(ref.username);
  if (!user.ok()) return user.status();
  return user->id;
}

Result<Id> PeopleService::ResolveExisting(const profiles::UserRef& ref) {
  auto user = ref.id ? users_.FindById(*ref.id) : users_.FindByUsername(ref.username);
  if (!user.ok()) return user.status();
  return user->id;
}

Result<Id> PeopleService::ResolveVisible(const Viewer& viewer, const profiles::UserRef& ref) {
  AGORA_ASSIGN_OR_RETURN(Id id, ResolveExisting(ref));
  AudienceCheck audience(communities_, viewer);
  AGORA_ASSIGN_OR_RETURN(auto visible, audience.VisiblePeople({id}));
  if (visible.empty()) return Status::NotFound("no such user");
  return id;
}

Result<profiles::User> PeopleService::Get(const Viewer& viewer, const profiles::UserRef& ref) {
  auto user = ref.id ? users_.FindById(*ref.id) : users_.FindByUsername(ref.username);
  if (!user.ok() || !viewer.is_guest()) return user;
  AudienceCheck audience(communities_, viewer);
  AGORA_ASSIGN_OR_RETURN(auto visible, audience.VisiblePeople({user->id}));
  if (visible.empty()) return Status::NotFound("no such user");
  return user;
}

Result<profiles::User> PeopleService::Update(const Viewer& viewer, const profiles::UserRef& ref,
                                             const profiles::ProfileChanges& changes) {
  auto target = ResolveVisible(viewer, ref);
  if (!target.ok()) return target.status();
  if (viewer.user_id != *target && !viewer.is_admin) {
    return Status::PermissionDenied("you may edit only your own profile");
  }
  if ((changes.email || changes.manager_id) && !viewer.is_admin) {
    return Status::PermissionDenied("email and manager_id are set by admins");
  }
  AGORA_RETURN_IF_ERROR(profiles::ValidateProfile(changes));
  auto updated =
      store_.Transact<profiles::User>([&](storage::Transaction& tx) -> Result<profiles::User> {
        AGORA_ASSIGN_OR_RETURN(
            auto user, profiles::UpdateUser(tx.connection(), *target, changes, clock_.now_ms()));
        AGORA_RETURN_IF_ERROR(memberships_.ApplyMembershipRules(tx, user.id));
        return user;
      });
  if (updated.ok()) users_.Committed(*updated, changes.manager_id.has_value());
  return updated;
}

Result<Page<profiles::User>> PeopleService::DirectReports(const Viewer& viewer,
                                                          const profiles::UserRef& ref,
                                                          const PageRequest& page) {
  auto target = ResolveVisible(viewer, ref);
  if (!target.ok()) return target.status();
  AGORA_ASSIGN_OR_RETURN(auto reports, users_.DirectReports(*target, page));
  if (!viewer.is_guest()) return reports;
  std::vector<Id> ids;
  for (const auto& user : reports.items) ids.push_back(user.id);
  AudienceCheck audience(communities_, viewer);
  AGORA_ASSIGN_OR_RETURN(auto visible, audience.VisiblePeople(ids));
  std::erase_if(reports.items, [&](const profiles::User& user) {
    return std::find(visible.begin(), visible.end(), user.id) == visible.end();
  });
  return reports;
}

Result<profiles::Relationship> PeopleService::Follow(const Viewer& viewer,
                                                     const profiles::UserRef& ref) {
  auto target = Resolve(ref);
  if (!target.ok()) return target.status();
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kFollow));
  return store_.Transact<profiles::Relationship>(
      [&](storage::Transaction& tx) -> Result<profiles::Relationship> {
        AGORA_ASSIGN_OR_RETURN(
            auto followed, graph_.Follow(tx.connection(), viewer.user_id, *target, ids_.next()));
        if (followed.added) {
          AGORA_RETURN_IF_ERROR(notifications_.OnFollow(tx, viewer.user_id, *target));
          // A failed timeline load is repaired by the next rebuild; the follow stands.
          tx.AfterCommit([this, reader = viewer.user_id, followee = *target] {
            feed_.OnFollow(reader, followee).ok();
          });
        }
        return followed.relationship;
      });
}

Status PeopleService::Unfollow(const Viewer& viewer, const profiles::UserRef& ref) {
  auto target = Resolve(ref);
  if (!target.ok()) return target.status();
  AGORA_RETURN_IF_ERROR(graph_.Unfollow(viewer.user_id, *target));
  feed_.OnUnfollow(viewer.user_id, *target);
  return Status::Ok();
}

Result<Page<profiles::User>> PeopleService::Hydrate(const Viewer& viewer, Result<Page<Id>> ids) {
  if (!ids.ok()) return ids.status();
  AudienceCheck audience(communities_, viewer);
  AGORA_ASSIGN_OR_RETURN(auto visible, audience.VisiblePeople(ids->items));
  auto users = users_.FindMany(visible);
  if (!users.ok()) return users.status();
  return Page<profiles::User>{std::move(*users), std::move(ids->next_cursor)};
}

Result<Page<profiles::User>> PeopleService::Followers(const Viewer& viewer,
                                                      const profiles::UserRef& ref,
                                                      const PageRequest& page) {
  auto target = ResolveVisible(viewer, ref);
  if (!target.ok()) return target.status();
  return Hydrate(viewer, graph_.Followers(*target, page));
}

Result<Page<profiles::User>> PeopleService::Following(const Viewer& viewer,
                                                      const profiles::UserRef& ref,
                                                      const PageRequest& page) {
  auto target = ResolveVisible(viewer, ref);
  if (!target.ok()) return target.status();
  return Hydrate(viewer, graph_.Following(*target, page));
}

}  // namespace agora::services
