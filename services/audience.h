// Audience: the one answer to "may this viewer read content in this audience?", used by every
// read path (single post, replies, reactions, streams, community feeds) and by posting.
//
// Guests (Viewer::is_guest) are confined here too: they read no company-wide content, know
// only the communities they belong to (or are invited to), and see only the people who share
// one with them. Company-wide features (directory, experts, sales) refuse them at the route
// (server/router.h, Access::kEmployee) with RefuseGuest's answer.
//
// An AudienceCheck belongs to one request: it remembers what it looked up, so a page of posts
// costs one lookup per community. Not thread-safe; cheap to make.
#pragma once

#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "communities/community_repository.h"
#include "core/status.h"
#include "core/viewer.h"

namespace agora::services {

// Whether `viewer` may know that a community exists, and read its content, given its
// visibility and the viewer's membership (nullopt: none).
bool MayKnowCommunity(const Viewer& viewer, communities::Visibility visibility,
                      const std::optional<communities::Membership>& membership);
bool MayReadCommunity(const Viewer& viewer, communities::Visibility visibility,
                      const std::optional<communities::Membership>& membership);

// The answer to a guest asking for something company-wide: kPermissionDenied
// "guest_confined".
Status GuestConfined(std::string_view what);

class AudienceCheck {
 public:
  // `communities` must outlive the check.
  AudienceCheck(communities::CommunityRepository& communities, const Viewer& viewer)
      : communities_(communities), viewer_(viewer) {}
  // Inside a use case's transaction: reads through its connection, so the answer holds when
  // the change is written.
  AudienceCheck(communities::CommunityRepository& communities, storage::Connection& connection,
                const Viewer& viewer)
      : communities_(communities), connection_(&connection), viewer_(viewer) {}

  // Looks up every community of `community_ids` not known yet in one read, so that a page of
  // posts from many communities costs one query. Optional: the checks below look up what is
  // still missing. Inside a use case's transaction it does nothing.
  Status Prefetch(const std::vector<Id>& community_ids);

  // Company-wide content (nullopt) is readable by every active account but guests; a
  // community's content by anyone but guests when it is open, and by its members otherwise.
  Result<bool> CanRead(std::optional<Id> community_id);

  // Whether the viewer may know the community exists: not a secret one they are outside of
  // (for a guest: none they are outside of).
  Result<bool> CanSee(Id community_id);

  // Of `people`, those whose profile the viewer may see, in the order given: everyone, or for
  // a guest themself and the people who share a community with them.
  Result<std::vector<Id>> VisiblePeople(const std::vector<Id>& people);

  // Posting into a community needs membership: kNotFound where the viewer cannot read it,
  // kPermissionDenied ("join first" or "banned") where they can. `moderator` also requires a
  // moderator or owner (community announcements).
  Status CanPost(Id community_id, bool moderator);

  // kPermissionDenied ("banned") when the viewer is banned from the community; a banned person
  // may still read an open community but not take part in it (react).
  Status RefuseBanned(Id community_id);

  // Moderators and owners of the community (e.g. to delete posts in it).
  Result<bool> Moderates(Id community_id);

  // For a list filtered to one community: ok when the viewer may read it, kPermissionDenied
  // when they may only know it exists (private), kNotFound otherwise.
  Status RequireReadable(Id community_id);

 private:
  using Known = communities::CommunityAudience;
  Result<const Known*> Lookup(Id community_id);  // kNotFound when the community is gone

  communities::CommunityRepository& communities_;
  storage::Connection* const connection_ = nullptr;  // null: a reader connection per lookup
  const Viewer viewer_;
  std::unordered_map<Id, Known> known_;
};

}  // namespace agora::services
