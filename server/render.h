// JSON rendering of domain values. Error bodies are written by server/errors.h alone.
#pragma once

#include <string>

#include "core/json.h"
#include "core/page.h"
#include "core/viewer.h"
#include "profiles/follow_graph.h"
#include "profiles/user.h"
#include "services/account_service.h"
#include "services/community_service.h"
#include "services/feed_service.h"
#include "services/moderation_service.h"
#include "services/notification_service.h"
#include "services/search_service.h"

namespace agora::server {

// Email and roles are shown to the person themselves and to admins only.
void WriteUser(JsonWriter& w, const profiles::User& user, const Viewer& viewer);
std::string RenderUser(const profiles::User& user, const Viewer& viewer);
std::string RenderUserPage(const Page<profiles::User>& page, const Viewer& viewer);
std::string RenderRelationship(const profiles::Relationship& relationship);
// {"token", "expires_at", "user"}: the answer to a login, the user as they see themselves.
std::string RenderLogin(const services::LoginResult& login);

// A compact user for embedding in posts: id, username, display_name, title, active.
void WriteUserSummary(JsonWriter& w, const profiles::UserSummary& user);
void WritePost(JsonWriter& w, const services::PostView& view);
std::string RenderPost(const services::PostView& view);
std::string RenderPostPage(const Page<services::PostView>& page);

// An ActivityStreams 2.0 OrderedCollectionPage of Create activities, newest first, with
// `next` (older) and `prev` (newer) links built on `base_path` (e.g. "/api/v1/feeds/home").
std::string RenderStreamPage(const services::StreamPage& page, const std::string& base_path,
                             size_t limit);

// One item of a stream page: a Create activity around a Note with the post.
void WriteStreamItem(JsonWriter& w, const services::PostView& view);

// {id, type, actor, post?, community?, count, created_at, read}
void WriteNotification(JsonWriter& w, const services::NotificationView& view);
std::string RenderNotificationPage(const Page<services::NotificationView>& page);
std::string RenderCount(int64_t count);

std::string RenderCommunity(const services::CommunityView& view);
std::string RenderCommunityPage(const Page<services::CommunityView>& page);
std::string RenderMembership(const communities::Membership& membership);
std::string RenderMemberPage(const Page<services::MemberView>& page);
std::string RenderAuditPage(const Page<communities::AuditEntry>& page);
std::string RenderReport(const communities::Report& report);
std::string RenderReportPage(const Page<communities::Report>& page);

// Search answers: {"total", "results": [...]}, with "next_offset" when more results follow.
std::string RenderPostSearch(const services::PostSearchPage& page, size_t offset);
std::string RenderPeopleSearch(const services::PeopleSearchPage& page, size_t offset,
                               const Viewer& viewer);
std::string RenderExperts(const std::vector<services::Expert>& experts, const Viewer& viewer);
std::string RenderDealSearch(const services::DealSearchPage& page, size_t offset);

}  // namespace agora::server
