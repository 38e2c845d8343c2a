#include "services/community_service.h"

#include <unordered_map>

namespace agora::services {
namespace {

using communities::Membership;
using communities::MembershipState;
using communities::Role;
using communities::Visibility;

bool IsMember(const std::optional<Membership>& m) {
  return m && m->state == MembershipState::kMember;
}

bool IsModerator(const std::optional<Membership>& m) {
  return IsMember(m) && communities::Moderates(m->role);
}

Status NotFound() { return Status::NotFound("no such community"); }

int Rank(Role role) {
  switch (role) {
    case Role::kMember:
      return 0;
    case Role::kModerator:
      return 1;
    case Role::kOwner:
      return 2;
  }
  return 0;
}

}  // namespace

CommunityService::CommunityService(IdGenerator& ids, profiles::UserRepository& users,
                                   communities::CommunityRepository& repo, FeedService& feed,
                                   NotificationService* notifications)
    : ids_(ids), users_(users), repo_(repo), feed_(feed), notifications_(notifications) {}

Status CommunityService::Transition(Id id, Id user_id, Role role, MembershipState state,
                                    const std::optional<Membership>& before,
                                    std::optional<communities::AuditRecord> audit) {
  AGORA_RETURN_IF_ERROR(repo_.SetMembership(id, user_id, role, state, std::move(audit)));
  bool was_member = IsMember(before);
  bool is_member = state == MembershipState::kMember;
  if (is_member && !was_member) return feed_.OnJoined(user_id, id);
  if (was_member && !is_member) feed_.OnLeft(user_id, id);
  return Status::Ok();
}

Status CommunityService::Drop(Id id, Id user_id, const std::optional<Membership>& before,
                              std::optional<communities::AuditRecord> audit) {
  AGORA_RETURN_IF_ERROR(repo_.RemoveMembership(id, user_id, std::move(audit)));
  if (IsMember(before)) feed_.OnLeft(user_id, id);
  return Status::Ok();
}

communities::AuditRecord CommunityService::Record(const Viewer& viewer, std::string action,
                                                  std::optional<Id> target, std::string note) {
  return {ids_.next(), viewer.user_id, std::move(action), target, std::move(note)};
}

Result<CommunityView> CommunityService::Visible(const Viewer& viewer, Id id) {
  auto community = repo_.Find(id);
  if (!community.ok()) return community.status();
  auto membership = repo_.MembershipOf(id, viewer.user_id);
  if (!membership.ok()) return membership.status();
  bool may_know = community->visibility != Visibility::kSecret || viewer.is_admin ||
                  (*membership && ((*membership)->state == MembershipState::kMember ||
                                   (*membership)->state == MembershipState::kInvited));
  if (!may_know) return NotFound();
  return CommunityView{std::move(*community), std::move(*membership)};
}

Result<CommunityView> CommunityService::Moderated(const Viewer& viewer, Id id) {
  auto view = Visible(viewer, id);
  if (!view.ok()) return view.status();
  if (!IsModerator(view->membership)) {
    return Status::PermissionDenied("only this community's moderators may do that");
  }
  return view;
}

Result<std::optional<Membership>> CommunityService::Outranked(const CommunityView& acting,
                                                              Id target) {
  if (target == acting.membership->user_id) {
    return Status::Unprocessable("self_target", "moderators cannot do that to themselves");
  }
  auto user = users_.FindById(target);
  if (!user.ok()) return user.status();
  auto membership = repo_.MembershipOf(acting.community.id, target);
  if (!membership.ok()) return membership.status();
  bool outranks = !IsMember(*membership) || acting.membership->role == Role::kOwner ||
                  Rank(acting.membership->role) > Rank((*membership)->role);
  if (!outranks) {
    return Status::PermissionDenied("moderators cannot act on moderators or owners");
  }
  return std::move(*membership);
}

Status CommunityService::KeepAnOwner(Id id, const std::optional<Membership>& target) {
  if (!IsMember(target) || target->role != Role::kOwner) return Status::Ok();
  auto owners = repo_.CountOwners(id);
  if (!owners.ok()) return owners.status();
  if (*owners <= 1) return Status::Conflict("last_owner", "a community keeps at least one owner");
  return Status::Ok();
}

Result<Membership> CommunityService::InState(Id id, Id user_id, MembershipState state,
                                             const char* missing) {
  auto current = repo_.MembershipOf(id, user_id);
  if (!current.ok()) return current.status();
  if (!*current || (*current)->state != state) return Status::NotFound(missing);
  return **current;
}

Result<CommunityView> CommunityService::Create(const Viewer& viewer,
                                               const communities::CommunityChanges& fields) {
  if (!fields.name) return Status::Unprocessable("missing_field", "field 'name' is required");
  if (!fields.visibility) {
    return Status::Unprocessable("missing_field", "field 'visibility' is required");
  }
  AGORA_RETURN_IF_ERROR(communities::ValidateChanges(fields));
  Id id = ids_.next();
  auto community = repo_.Create(id, viewer.user_id, fields, Record(viewer, "create", std::nullopt));
  if (!community.ok()) return community.status();
  return Get(viewer, id);
}

Result<Page<CommunityView>> CommunityService::List(const Viewer& viewer, const std::string& q,
                                                   const PageRequest& page) {
  auto list = repo_.List(q, viewer.user_id, viewer.is_admin, page);
  if (!list.ok()) return list.status();
  Page<CommunityView> out;
  out.next_cursor = std::move(list->next_cursor);
  for (auto& community : list->items) {
    auto membership = repo_.MembershipOf(community.id, viewer.user_id);
    if (!membership.ok()) return membership.status();
    out.items.push_back({std::move(community), std::move(*membership)});
  }
  return out;
}

Result<CommunityView> CommunityService::Get(const Viewer& viewer, Id id) {
  return Visible(viewer, id);
}

Result<CommunityView> CommunityService::Update(const Viewer& viewer, Id id,
                                               const communities::CommunityChanges& changes) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  if (changes.visibility && view->membership->role != Role::kOwner) {
    return Status::PermissionDenied("only owners change a community's visibility");
  }
  AGORA_RETURN_IF_ERROR(communities::ValidateChanges(changes));
  auto updated = repo_.Update(id, changes, Record(viewer, "update", std::nullopt));
  if (!updated.ok()) return updated.status();
  return Get(viewer, id);
}

Result<Membership> CommunityService::Join(const Viewer& viewer, Id id) {
  auto view = Visible(viewer, id);
  if (!view.ok()) return view.status();
  const auto& current = view->membership;
  if (current && current->state == MembershipState::kBanned) {
    return Status(StatusCode::kPermissionDenied, "banned", "you are banned from this community");
  }
  if (current &&
      (current->state == MembershipState::kMember || current->state == MembershipState::kPending)) {
    return *current;  // idempotent
  }
  bool invited = current && current->state == MembershipState::kInvited;
  Visibility visibility = view->community.visibility;
  if (visibility == Visibility::kSecret && !invited) return NotFound();
  MembershipState state = visibility == Visibility::kPrivate && !invited ? MembershipState::kPending
                                                                         : MembershipState::kMember;
  AGORA_RETURN_IF_ERROR(
      Transition(id, viewer.user_id, Role::kMember, state, current, std::nullopt));
  if (notifications_ && state == MembershipState::kPending) {
    notifications_->OnJoinRequest(viewer.user_id, id);
  }
  auto joined = repo_.MembershipOf(id, viewer.user_id);
  if (!joined.ok()) return joined.status();
  return **joined;
}

Status CommunityService::Leave(const Viewer& viewer, Id id) {
  auto view = Visible(viewer, id);
  if (!view.ok()) return view.status();
  const auto& current = view->membership;
  if (!current || current->state == MembershipState::kBanned) {
    return Status::Conflict("not_a_member", "you are not a member of this community");
  }
  AGORA_RETURN_IF_ERROR(KeepAnOwner(id, current));
  return Drop(id, viewer.user_id, current, std::nullopt);
}

Result<Page<MemberView>> CommunityService::WithUsers(Result<Page<Membership>> page) {
  if (!page.ok()) return page.status();
  std::vector<Id> ids;
  for (const auto& m : page->items) ids.push_back(m.user_id);
  auto users = users_.Summaries(ids);
  if (!users.ok()) return users.status();
  std::unordered_map<Id, profiles::UserSummary> by_id;
  for (auto& u : *users) by_id.emplace(u.id, std::move(u));
  Page<MemberView> out;
  out.next_cursor = std::move(page->next_cursor);
  for (auto& m : page->items) {
    auto it = by_id.find(m.user_id);
    if (it != by_id.end()) out.items.push_back({std::move(m), it->second});
  }
  return out;
}

Result<Page<MemberView>> CommunityService::Members(const Viewer& viewer, Id id,
                                                   std::optional<Role> role,
                                                   const PageRequest& page) {
  auto view = Visible(viewer, id);
  if (!view.ok()) return view.status();
  if (view->community.visibility != Visibility::kOpen && !IsMember(view->membership) &&
      !viewer.is_admin) {
    return Status::PermissionDenied("members of a private community are listed to members only");
  }
  return WithUsers(repo_.Memberships(id, MembershipState::kMember, role, page));
}

Result<Membership> CommunityService::Invite(const Viewer& viewer, Id id, Id user_id) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  auto user = users_.FindById(user_id);
  if (!user.ok()) return user.status();
  if (!user->active) return Status::NotFound("no such user");
  auto current = repo_.MembershipOf(id, user_id);
  if (!current.ok()) return current.status();
  if (*current && (*current)->state == MembershipState::kBanned) {
    return Status::Conflict("banned", "that person is banned; unban them first");
  }
  if (*current && (*current)->state == MembershipState::kMember) {
    return Status::Conflict("already_member", "that person is already a member");
  }
  // Someone who already asked to join is simply let in.
  MembershipState state = *current && (*current)->state == MembershipState::kPending
                              ? MembershipState::kMember
                              : MembershipState::kInvited;
  AGORA_RETURN_IF_ERROR(
      Transition(id, user_id, Role::kMember, state, *current, Record(viewer, "invite", user_id)));
  if (notifications_ && state == MembershipState::kInvited) {
    notifications_->OnInvitation(viewer.user_id, user_id, id);
  }
  auto invited = repo_.MembershipOf(id, user_id);
  if (!invited.ok()) return invited.status();
  return **invited;
}

Result<Membership> CommunityService::AcceptInvitation(const Viewer& viewer, Id id) {
  auto view = Visible(viewer, id);
  if (!view.ok()) return view.status();
  if (!view->membership || view->membership->state != MembershipState::kInvited) {
    if (IsMember(view->membership)) return *view->membership;
    return Status::Conflict("no_invitation", "you have no invitation to this community");
  }
  AGORA_RETURN_IF_ERROR(Transition(id, viewer.user_id, Role::kMember, MembershipState::kMember,
                                   view->membership, std::nullopt));
  auto joined = repo_.MembershipOf(id, viewer.user_id);
  if (!joined.ok()) return joined.status();
  return **joined;
}

Result<Page<MemberView>> CommunityService::Requests(const Viewer& viewer, Id id,
                                                    const PageRequest& page) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  return WithUsers(repo_.Memberships(id, MembershipState::kPending, std::nullopt, page));
}

Result<Membership> CommunityService::Approve(const Viewer& viewer, Id id, Id user_id) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  auto current = InState(id, user_id, MembershipState::kPending, "no such join request");
  if (!current.ok()) return current.status();
  AGORA_RETURN_IF_ERROR(Transition(id, user_id, Role::kMember, MembershipState::kMember, *current,
                                   Record(viewer, "approve_request", user_id)));
  auto approved = repo_.MembershipOf(id, user_id);
  if (!approved.ok()) return approved.status();
  return **approved;
}

Status CommunityService::Reject(const Viewer& viewer, Id id, Id user_id) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  auto current = InState(id, user_id, MembershipState::kPending, "no such join request");
  if (!current.ok()) return current.status();
  return Drop(id, user_id, *current, Record(viewer, "reject_request", user_id));
}

Result<Membership> CommunityService::SetRole(const Viewer& viewer, Id id, Id user_id, Role role) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  bool owner = view->membership->role == Role::kOwner;
  if (!owner && role != Role::kModerator) {
    return Status::PermissionDenied("moderators may only make members moderators");
  }
  Result<std::optional<Membership>> target = std::optional<Membership>();
  if (user_id == viewer.user_id) {
    if (!owner) return Status::PermissionDenied("moderators cannot change their own role");
    target = view->membership;
  } else {
    target = Outranked(*view, user_id);
  }
  if (!target.ok()) return target.status();
  if (!IsMember(*target)) return Status::NotFound("that person is not a member");
  if (role != Role::kOwner) AGORA_RETURN_IF_ERROR(KeepAnOwner(id, *target));
  AGORA_RETURN_IF_ERROR(
      repo_.SetMembership(id, user_id, role, MembershipState::kMember,
                          Record(viewer, "set_role", user_id, communities::RoleName(role))));
  auto updated = repo_.MembershipOf(id, user_id);
  if (!updated.ok()) return updated.status();
  return **updated;
}

Status CommunityService::Remove(const Viewer& viewer, Id id, Id user_id) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  auto target = Outranked(*view, user_id);
  if (!target.ok()) return target.status();
  if (!IsMember(*target)) return Status::NotFound("that person is not a member");
  AGORA_RETURN_IF_ERROR(KeepAnOwner(id, *target));
  return Drop(id, user_id, *target, Record(viewer, "remove_member", user_id));
}

Status CommunityService::Ban(const Viewer& viewer, Id id, Id user_id, const std::string& reason) {
  AGORA_RETURN_IF_ERROR(communities::ValidateReason(reason));
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  auto target = Outranked(*view, user_id);
  if (!target.ok()) return target.status();
  AGORA_RETURN_IF_ERROR(KeepAnOwner(id, *target));
  return Transition(id, user_id, Role::kMember, MembershipState::kBanned, *target,
                    Record(viewer, "ban", user_id, reason));
}

Status CommunityService::Unban(const Viewer& viewer, Id id, Id user_id) {
  auto view = Moderated(viewer, id);
  if (!view.ok()) return view.status();
  auto current = InState(id, user_id, MembershipState::kBanned, "that person is not banned");
  if (!current.ok()) return current.status();
  return Drop(id, user_id, *current, Record(viewer, "unban", user_id));
}

Result<Page<communities::AuditEntry>> CommunityService::Audit(const Viewer& viewer, Id id,
                                                              const PageRequest& page) {
  auto view = Visible(viewer, id);
  if (!view.ok()) return view.status();
  if (!IsModerator(view->membership) && !viewer.is_admin) {
    return Status::PermissionDenied("the audit log is for moderators and admins");
  }
  return repo_.Audit(id, page);
}

}  // namespace agora::services
