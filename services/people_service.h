// PeopleService: profiles, the org chart and the follow graph, with their access rules.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Deactivated people
// stay readable (their content stays attributed) but cannot be followed.
#pragma once

#include "communities/community_repository.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/follow_graph.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/community_service.h"
#include "services/feed_service.h"
#include "services/notification_service.h"
#include "services/quotas.h"

namespace agora::services {

class PeopleService {
 public:
  // Every reference must outlive the service.
  // `memberships` keeps rule-managed memberships in line with profile changes.
  PeopleService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                profiles::UserRepository& users, communities::CommunityRepository& communities,
                FeedService& feed, NotificationService& notifications,
                CommunityService& memberships, Quotas& quotas);

  // A guest sees only themself and the people who share a community with them
  // (AudienceCheck::VisiblePeople): anyone else answers kNotFound, and lists of people
  // (reports, followers, following) leave them out.

  // kNotFound when nobody answers to `ref`.
  Result<profiles::User> Get(const Viewer& viewer, const profiles::UserRef& ref);

  // Self for one's own profile, admins for anyone's. Email and manager are the company's
  // records: admins only (kPermissionDenied for others). The change and the rule-managed
  // memberships it moves (CommunityService::ApplyMembershipRules) commit together.
  Result<profiles::User> Update(const Viewer& viewer, const profiles::UserRef& ref,
                                const profiles::ProfileChanges& changes);

  Result<Page<profiles::User>> DirectReports(const Viewer& viewer, const profiles::UserRef& ref,
                                             const PageRequest& page);

  // Following starts the followee's posts in the viewer's stream (their recent posts join
  // it); unfollowing takes them out.
  Result<profiles::Relationship> Follow(const Viewer& viewer, const profiles::UserRef& ref);
  Status Unfollow(const Viewer& viewer, const profiles::UserRef& ref);
  Result<Page<profiles::User>> Followers(const Viewer& viewer, const profiles::UserRef& ref,
                                         const PageRequest& page);
  Result<Page<profiles::User>> Following(const Viewer& viewer, const profiles::UserRef& ref,
                                         const PageRequest& page);

 private:
  // The id `ref` names; only the by-username form is looked up.
  Result<Id> Resolve(const profiles::UserRef& ref);
  // Like Resolve, and kNotFound when nobody has that id.
  Result<Id> ResolveExisting(const profiles::UserRef& ref);
  // Like ResolveExisting, and kNotFound when the viewer may not see that person.
  Result<Id> ResolveVisible(const Viewer& viewer, const profiles::UserRef& ref);
  // The page's people the viewer may see.
  Result<Page<profiles::User>> Hydrate(const Viewer& viewer, Result<Page<Id>> ids);

  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& communities_;
  profiles::FollowGraph graph_;
  FeedService& feed_;
  NotificationService& notifications_;
  CommunityService& memberships_;
  Quotas& quotas_;
};

}  // namespace agora::services
