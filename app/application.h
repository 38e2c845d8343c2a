// Application: everything below server/ wired together over one data folder.
// Used by the `serve`, `user add` and `demo` commands alike.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "feed/feed_engine.h"
#include "notifications/notification_repository.h"
#include "posts/post_repository.h"
#include "search/search_index.h"
#include "services/account_service.h"
#include "services/campaign_service.h"
#include "services/community_service.h"
#include "services/deal_events_relay.h"
#include "services/deal_service.h"
#include "services/export_service.h"
#include "services/feed_service.h"
#include "services/guest_service.h"
#include "services/live_events.h"
#include "services/moderation_service.h"
#include "services/notification_service.h"
#include "services/outbox_tailer.h"
#include "services/people_import_service.h"
#include "services/people_service.h"
#include "services/post_service.h"
#include "services/provisioning_service.h"
#include "services/question_service.h"
#include "services/quiz_service.h"
#include "services/quotas.h"
#include "services/reporting_service.h"
#include "services/search_indexer.h"
#include "services/search_service.h"
#include "services/stream_service.h"
#include "storage/store.h"

namespace agora::app {

struct ApplicationOptions {
  std::string data_dir = "./data";
  // A PostgreSQL URL (postgresql://...) to keep the store in; data_dir then holds only the
  // search index. Empty: the SQLite file in data_dir.
  std::string store;
  services::AccountOptions accounts;
  services::FeedServiceOptions feed;
  // Off for the command line (the operator, sample data); `agora serve` turns them on unless
  // --no-quotas.
  services::QuotaOptions quotas{.enabled = false};
  int reader_connections = 8;
  // Commands that read a store (backup, export, reindex...) refuse a folder without one.
  bool store_must_exist = false;
  // Only `agora migrate` upgrades a store in place; everything else refuses one that is behind.
  bool migrate_store = false;
  // Part of every id made here, and of every outbox entry written (docs/scaling.md).
  int node_id = 0;
};

class Application {
 public:
  // Creates the data folder when missing (unless options.store_must_exist) and opens the store,
  // created at the current schema or, with options.migrate_store, migrated to it.
  static Result<std::unique_ptr<Application>> Open(const ApplicationOptions& options);
  // Stops the outbox tailer and the search indexer, then the store: its writer thread calls
  // into the services below.
  ~Application();

  // On PostgreSQL, claims this node's id (Conflict "node_id_in_use" while another live node
  // holds it) and makes the tailer that applies the other nodes' changes here, not yet
  // started. Nothing on SQLite: one node.
  Status JoinNodes();
  // After JoinNodes; null on SQLite.
  services::OutboxTailer* outbox_tailer() { return outbox_tailer_.get(); }

  // Builds the sales engines (monthly results, campaign leaderboards) from the deals as
  // stored, read once into the deal relay. After JoinNodes and the tailer's start, so that no
  // deal change committed meanwhile is missed (the relay counts one told twice once).
  Status StartSales();

  // Opens the search index of the data folder (only one process may: the server), with its
  // service and its indexer, not yet started. kUnavailable when another process has it.
  Status OpenSearch(const search::SearchLimits& limits,
                    const services::SearchIndexerOptions& indexer);

  storage::Store& store() { return *store_; }
  IdGenerator& ids() { return ids_; }
  const Clock& clock() { return SystemClock::instance(); }
  services::AccountService& accounts() { return *accounts_; }
  services::PeopleService& people() { return *people_; }
  services::GuestService& guests() { return *guests_; }
  services::FeedService& feed() { return *feed_; }
  services::PostService& posts() { return *posts_; }
  services::CommunityService& communities() { return *communities_; }
  services::ModerationService& moderation() { return *moderation_; }
  // Campaigns and their leaderboards; a DealEvents for the deal use cases. Built by StartSales.
  services::CampaignService& campaigns() { return *campaigns_; }
  // After OpenSearch.
  services::SearchService& search() { return *search_; }
  services::SearchIndexer& search_indexer() { return *search_indexer_; }
  const search::SearchIndex& search_index() const { return *search_index_; }
  profiles::UserRepository& user_repository() { return *users_; }
  posts::PostRepository& post_repository() { return *post_repository_; }
  services::NotificationService& notifications() { return *notifications_; }
  // Monthly results and currencies; its engine is built by StartSales.
  services::ReportingService& reporting() { return *reporting_; }
  services::StreamService& streams() { return *streams_; }
  // Knowledge: accepted answers, questions, quizzes.
  services::QuestionService& questions() { return *questions_; }
  services::QuizService& quizzes() { return *quizzes_; }
  // SCIM provisioning by the identity provider.
  services::ProvisioningService& provisioning() { return *provisioning_; }
  // Where services send live events; `serve` attaches the hub to it.
  services::LiveEventsRelay& live_events() { return live_; }
  const feed::FeedEngine& feed_engine() const { return *feed_engine_; }
  // Sales: deals, and where their changes go (the sales engines attach to it).
  services::DealService& deals() { return *deals_; }
  services::DealEventsRelay& deal_events() { return deal_events_; }
  // Per-account quotas, shared by the services that take them.
  const services::Quotas& quotas() const { return *quotas_; }
  const posts::PostRepository& post_repository() const { return *post_repository_; }
  // HR imports and data exports (issue 14).
  services::PeopleImportService& people_import() { return *people_import_; }
  services::ExportService& exports() { return *exports_; }

 private:
  explicit Application(const ApplicationOptions& options)
      : ids_(SystemClock::instance(), static_cast<uint32_t>(options.node_id)), options_(options) {}

  IdGenerator ids_;
  services::LiveEventsRelay live_;
  services::DealEventsRelay deal_events_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<services::Quotas> quotas_;
  std::unique_ptr<profiles::UserRepository> users_;
  std::unique_ptr<services::AccountService> accounts_;
  std::unique_ptr<feed::FeedEngine> feed_engine_;
  std::unique_ptr<posts::PostRepository> post_repository_;
  std::unique_ptr<communities::CommunityRepository> community_repository_;
  std::unique_ptr<communities::ModerationRepository> moderation_repository_;
  std::unique_ptr<notifications::NotificationRepository> notification_repository_;
  std::unique_ptr<services::FeedService> feed_;
  std::unique_ptr<services::NotificationService> notifications_;
  std::unique_ptr<services::StreamService> streams_;
  std::unique_ptr<services::PeopleService> people_;
  std::unique_ptr<services::GuestService> guests_;
  std::unique_ptr<services::PostService> posts_;
  std::unique_ptr<services::CommunityService> communities_;
  std::unique_ptr<services::ModerationService> moderation_;
  std::unique_ptr<services::ReportingService> reporting_;
  std::unique_ptr<services::DealService> deals_;
  std::unique_ptr<services::CampaignService> campaigns_;
  std::unique_ptr<services::QuestionService> questions_;
  std::unique_ptr<services::QuizService> quizzes_;
  std::unique_ptr<services::ProvisioningService> provisioning_;
  std::unique_ptr<services::PeopleImportService> people_import_;
  std::unique_ptr<services::ExportService> exports_;
  std::unique_ptr<search::SearchIndex> search_index_;
  std::unique_ptr<services::SearchService> search_;
  std::unique_ptr<services::SearchIndexer> search_indexer_;
  std::unique_ptr<services::OutboxTailer> outbox_tailer_;
  std::string data_dir_;
  const ApplicationOptions options_;
};

std::string DatabasePath(const std::string& data_dir);
std::string SearchIndexPath(const std::string& data_dir);

}  // namespace agora::app
