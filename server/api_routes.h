// The route table: each function adds one area's routes with their thin handlers
// (parse, call one service, render).
#pragma once

#include <functional>

#include "core/status.h"
#include "server/metrics.h"
#include "server/router.h"
#include "server/stream_item_cache.h"
#include "services/account_service.h"
#include "services/campaign_service.h"
#include "services/community_service.h"
#include "services/deal_service.h"
#include "services/export_service.h"
#include "services/guest_service.h"
#include "services/moderation_service.h"
#include "services/notification_service.h"
#include "services/people_import_service.h"
#include "services/people_service.h"
#include "services/post_service.h"
#include "services/provisioning_service.h"
#include "services/question_service.h"
#include "services/quiz_service.h"
#include "services/reporting_service.h"
#include "services/search_service.h"

namespace agora::services {
class OidcSignInService;
}  // namespace agora::services

namespace agora::server {
class PublicUrl;  // server/as2.h
}  // namespace agora::server

namespace agora::server {

// With the creation and change of guests (POST /api/v1/users with guest_until).
void AddAccountRoutes(Router& router, services::AccountService& accounts,
                      services::GuestService& guests);
// GET /api/v1/auth/methods and, when `oidc` is not null, the OpenID Connect sign-in routes.
struct SignInRoutesOptions {
  std::string redirect_url;  // the callback URL registered at the provider; "" derives it
};
void AddSignInRoutes(Router& router, services::AccountService& accounts,
                     services::OidcSignInService* oidc, const SignInRoutesOptions& options);
// GET /api/v1/users/{id} and GET /api/v1/posts/{id} answer ActivityStreams (server/as2.h) when
// the Accept header asks for it, with ids built on `url`; GET /api/v1/posts/{id}/activity is
// the post's Create activity.
void AddPeopleRoutes(Router& router, services::PeopleService& people, const PublicUrl& url);
void AddPostRoutes(Router& router, services::PostService& posts, const PublicUrl& url);
void AddCommunityRoutes(Router& router, services::CommunityService& communities);
void AddModerationRoutes(Router& router, services::ModerationService& moderation);
// Stream pages reuse the rendered items `items` holds (it must outlive the routes).
void AddFeedRoutes(Router& router, services::FeedService& feed, const PublicUrl& url,
                   StreamItemCache& items);
void AddSearchRoutes(Router& router, services::SearchService& search);
// Monthly results and the reporting currency.
void AddReportingRoutes(Router& router, services::ReportingService& reporting);
// Knowledge: accepted answers and the list of questions; skill quizzes, attempts, results.
void AddQuestionRoutes(Router& router, services::QuestionService& questions);
void AddQuizRoutes(Router& router, services::QuizService& quizzes);
// Notifications, and the 426 answer of GET /api/v1/stream without a WebSocket upgrade.
void AddNotificationRoutes(Router& router, services::NotificationService& notifications);
// Sales: deals (record, list, read, change, import).
void AddDealRoutes(Router& router, services::DealService& deals);
// Sales: campaigns and their leaderboards.
void AddCampaignRoutes(Router& router, services::CampaignService& campaigns);
// SCIM 2.0 provisioning at /scim/v2, behind a provisioning token.
void AddScimRoutes(Router& router, services::ProvisioningService& provisioning);
// HR import (admins), a person's data export, the admin's network export.
void AddPeopleImportExportRoutes(Router& router, services::PeopleImportService& imports,
                                 services::ExportService& exports);
// `readiness` answers whether the store (and later the index) can serve.
void AddOperationsRoutes(Router& router, const Metrics& metrics,
                         const std::function<Status()>& readiness);

}  // namespace agora::server
