#include "app/application.h"

#include <filesystem>
#include <system_error>

#include "profiles/password.h"
#include "storage/maintenance.h"

namespace agora::app {

std::string DatabasePath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "agora.db").string();
}

std::string SearchIndexPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "search").string();
}

Application::~Application() {
  if (outbox_tailer_) outbox_tailer_->Stop();
  if (search_indexer_) search_indexer_->Stop();
  if (store_) store_->Stop();
}

Status Application::OpenSearch(const search::SearchLimits& limits,
                               const services::SearchIndexerOptions& indexer) {
  auto index = search::SearchIndex::Open(SearchIndexPath(data_dir_), limits);
  if (!index.ok()) return index.status();
  search_index_ = std::move(*index);
  search_ = std::make_unique<services::SearchService>(*search_index_, *community_repository_,
                                                      *users_, *feed_, *quotas_);
  search_indexer_ = std::make_unique<services::SearchIndexer>(*store_, *post_repository_, *users_,
                                                              *search_index_, indexer);
  return Status::Ok();
}

Status Application::JoinNodes() {
  if (options_.store.empty()) return Status::Ok();
  auto session = storage::NodeSession::Claim(options_.store, options_.node_id);
  if (!session.ok()) return session.status();
  services::OutboxTailerOptions tailer;
  tailer.node_id = options_.node_id;
  outbox_tailer_ = std::make_unique<services::OutboxTailer>(
      *store_, std::move(*session), ids_,
      services::OutboxAppliers{*posts_, *feed_, *accounts_, *deals_, *reporting_, *campaigns_,
                               *notifications_},
      [this] { return search_index_ ? search_index_->applied_seq().value_or(0) : 0; }, tailer);
  return Status::Ok();
}

Status Application::StartSales() {
  AGORA_RETURN_IF_ERROR(deal_events_.Load(*store_));
  AGORA_RETURN_IF_ERROR(reporting_->Start());
  return campaigns_->Load();
}

Result<std::unique_ptr<Application>> Application::Open(const ApplicationOptions& options) {
  AGORA_RETURN_IF_ERROR(profiles::InitCrypto());
  std::error_code ec;
  const bool on_postgres = !options.store.empty();
  if (on_postgres && !storage::IsPostgresLocation(options.store)) {
    return Status::InvalidArgument("bad_store", "--store takes a postgresql:// URL");
  }
  // PostgreSQL's schema is migrated when the store opens (storage/postgres_schema.h).
  const std::string database = on_postgres ? options.store : DatabasePath(options.data_dir);
  if (!on_postgres && options.store_must_exist && !std::filesystem::is_regular_file(database, ec)) {
    return Status::NotFound("no store at " + options.data_dir);
  }
  if (!on_postgres && !options.migrate_store) {
    AGORA_RETURN_IF_ERROR(storage::CheckSchemaIsCurrent(database));
  }
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Status::Internal("cannot create " + options.data_dir + ": " + ec.message());

  std::unique_ptr<Application> app(new Application(options));
  app->data_dir_ = options.data_dir;
  storage::StoreOptions store_options;
  store_options.path = database;
  store_options.reader_connections = options.reader_connections;
  store_options.node_id = options.node_id;
  auto store = storage::Store::Open(store_options);
  if (!store.ok()) return store.status();
  app->store_ = std::move(*store);
  auto largest = app->store_->read(storage::LargestStoredId);
  if (!largest.ok()) return largest.status();
  app->ids_.AdvancePast(*largest);
  app->users_ = std::make_unique<profiles::UserRepository>(*app->store_, app->clock());
  feed::FeedOptions feed_options;
  feed_options.timeline_capacity = options.feed.timeline_capacity;
  feed_options.source_capacity = options.feed.timeline_capacity;
  app->feed_engine_ = std::make_unique<feed::FeedEngine>(feed_options);
  app->quotas_ = std::make_unique<services::Quotas>(app->clock(), options.quotas);
  app->post_repository_ = std::make_unique<posts::PostRepository>(*app->store_, app->clock());
  app->community_repository_ =
      std::make_unique<communities::CommunityRepository>(*app->store_, app->clock());
  app->moderation_repository_ =
      std::make_unique<communities::ModerationRepository>(*app->store_, app->clock());
  app->feed_ = std::make_unique<services::FeedService>(
      *app->store_, *app->feed_engine_, *app->post_repository_, *app->users_,
      *app->community_repository_, *app->moderation_repository_, options.feed);
  app->notification_repository_ =
      std::make_unique<notifications::NotificationRepository>(*app->store_, app->clock());
  app->notifications_ = std::make_unique<services::NotificationService>(
      *app->notification_repository_, *app->users_, *app->community_repository_, *app->feed_,
      app->live_);
  app->posts_ = std::make_unique<services::PostService>(
      *app->store_, app->ids_, *app->post_repository_, *app->users_, *app->community_repository_,
      *app->feed_, *app->notifications_, app->live_, *app->quotas_);
  app->communities_ = std::make_unique<services::CommunityService>(
      *app->store_, app->ids_, *app->users_, *app->community_repository_, *app->feed_,
      *app->notifications_, *app->quotas_);
  app->people_ = std::make_unique<services::PeopleService>(
      *app->store_, app->clock(), app->ids_, *app->users_, *app->community_repository_, *app->feed_,
      *app->notifications_, *app->communities_, *app->quotas_);
  app->moderation_ = std::make_unique<services::ModerationService>(
      *app->store_, app->ids_, *app->post_repository_, *app->community_repository_,
      *app->moderation_repository_, *app->communities_, *app->posts_, *app->notifications_);
  app->deals_ = std::make_unique<services::DealService>(*app->store_, app->ids_, app->clock(),
                                                        *app->notifications_, app->deal_events_,
                                                        *app->quotas_);
  // Accounts compose communities and deals: a leaver's handover, rules-based membership.
  app->accounts_ = std::make_unique<services::AccountService>(
      *app->store_, app->clock(), app->ids_, *app->users_, options.accounts, app->live_,
      *app->communities_, *app->deals_);
  app->provisioning_ = std::make_unique<services::ProvisioningService>(
      *app->store_, app->clock(), app->ids_, *app->users_, *app->accounts_, *app->communities_);
  app->streams_ =
      std::make_unique<services::StreamService>(*app->store_, *app->accounts_, *app->feed_,
                                                *app->community_repository_, *app->notifications_);
  app->guests_ = std::make_unique<services::GuestService>(*app->store_, app->clock(), app->ids_,
                                                          *app->users_, *app->community_repository_,
                                                          *app->accounts_, *app->feed_);
  // Sales engines hear of committed deal and rate changes through the relay.
  app->reporting_ = std::make_unique<services::ReportingService>(*app->store_, *app->users_,
                                                                 app->clock(), app->deal_events_);
  app->campaigns_ = std::make_unique<services::CampaignService>(
      *app->store_, app->ids_, app->clock(), *app->users_, *app->community_repository_, app->live_,
      app->deal_events_);
  app->deal_events_.Attach(*app->reporting_);
  app->deal_events_.Attach(*app->campaigns_);
  // Knowledge: accepted answers and quizzes.
  app->questions_ = std::make_unique<services::QuestionService>(
      *app->store_, app->ids_, *app->post_repository_, *app->community_repository_, *app->feed_,
      *app->notifications_);
  app->quizzes_ = std::make_unique<services::QuizService>(
      *app->store_, app->ids_, app->clock(), *app->users_, *app->community_repository_);
  app->people_import_ = std::make_unique<services::PeopleImportService>(
      *app->store_, app->ids_, app->clock(), *app->users_, *app->accounts_, *app->communities_);
  app->exports_ = std::make_unique<services::ExportService>(*app->store_, app->ids_, app->clock());
  return app;
}

}  // namespace agora::app
