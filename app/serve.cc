// `agora serve`: wires the application to the HTTP server and runs until SIGTERM or SIGINT.
#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "app/commands.h"
#include "core/logfmt.h"
#include "oidc/provider.h"
#include "oidc/url.h"
#include "server/api_routes.h"
#include "server/as2.h"
#include "server/live_hub.h"
#include "server/metrics.h"
#include "server/process_metrics.h"
#include "server/router.h"
#include "server/static_site.h"
#include "services/oidc_sign_in.h"

namespace agora::app {
namespace {

// logfmt lines on stderr, UTC timestamps: easy to grep, easy to ship.
void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("agora");
  logger->set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

// Descriptors the connection cap leaves free beyond those open at start: SQLite's files for
// each reader, Xapian's tables as the index reopens, backups, the log.
constexpr rlim_t kDescriptorHeadroom = 64;

// Raises the soft open-file limit to the hard one (often 1,024 against 500,000 or more), so
// the connection cap, not the limit, decides how many clients are served. Returns the limit.
rlim_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return RLIM_INFINITY;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

// How many connections fit under `open_files` once those open now and the headroom are kept.
size_t ConnectionsThatFit(rlim_t open_files) {
  if (open_files == RLIM_INFINITY) return SIZE_MAX;
  std::error_code ec;
  rlim_t open_now = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++open_now;
  }
  rlim_t reserved = open_now + kDescriptorHeadroom;
  return open_files > reserved ? static_cast<size_t>(open_files - reserved) : 1;
}

bool SplitHostPort(const std::string& listen, std::string& host, uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    size_t used = 0;
    int value = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || value < 0 || value > 65535) return false;
    port = static_cast<uint16_t>(value);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// The build, the process and the size of the data folder's files.
void AddDeploymentMetrics(server::Metrics& metrics, const ServeOptions& options) {
  metrics.AddInfo("agora_build_info", "The running build: version and source revision.",
                  {{"version", options.version}, {"revision", options.revision}});
  server::AddProcessMetrics(metrics);
  // A store in PostgreSQL has no files here: PostgreSQL's own statistics tell its size.
  if (options.app.store.empty()) {
    metrics.AddCallback(
        "agora_store_bytes", "Size of the SQLite store's main file.", "gauge",
        [path = DatabasePath(options.app.data_dir)] { return double(server::DiskBytes(path)); });
    metrics.AddCallback("agora_store_wal_bytes",
                        "Size of the store's write-ahead log, before the next checkpoint.", "gauge",
                        [path = DatabasePath(options.app.data_dir) + "-wal"] {
                          return double(server::DiskBytes(path));
                        });
  }
  metrics.AddCallback(
      "agora_search_index_bytes", "Size of the Xapian index's files.", "gauge",
      [path = SearchIndexPath(options.app.data_dir)] { return double(server::DiskBytes(path)); });
}

void AddStoreMetrics(server::Metrics& metrics, Application& app) {
  metrics.AddCallback("agora_store_transactions_total", "Group-commit transactions committed.",
                      "counter", [&app] { return double(app.store().stats().transactions); });
  metrics.AddCallback("agora_store_writes_total", "Writes acknowledged after commit.", "counter",
                      [&app] { return double(app.store().stats().writes); });
  metrics.AddCallback("agora_store_failed_writes_total", "Writes rolled back.", "counter",
                      [&app] { return double(app.store().stats().failed_writes); });
  metrics.AddCallback("agora_store_reads_total", "Reads run on a reader connection.", "counter",
                      [&app] { return double(app.store().stats().reads); });
  metrics.AddCallback("agora_feed_timelines", "Timelines and source logs held in memory.", "gauge",
                      [&app] { return double(app.feed_engine().stats().timelines); });
  metrics.AddCallback("agora_feed_entries", "Entries held in memory timelines.", "gauge",
                      [&app] { return double(app.feed_engine().stats().entries); });
  metrics.AddCallback("agora_feed_bytes", "Bytes allocated for timeline entries.", "gauge",
                      [&app] { return double(app.feed_engine().stats().bytes); });
  metrics.AddCallback("agora_posts_cached", "Posts held in the hydration cache.", "gauge",
                      [&app] { return double(app.post_repository().cached_posts()); });
  metrics.AddCallback("agora_posts_cached_bytes", "Bytes of the posts in the hydration cache.",
                      "gauge",
                      [&app] { return double(app.post_repository().cached_post_bytes()); });
  metrics.AddCallback("agora_sessions_cached", "Sessions held in the memory cache.", "gauge",
                      [&app] { return double(app.accounts().cached_sessions()); });
  metrics.AddCallback("agora_login_throttle_keys", "Keys held by the login throttles.", "gauge",
                      [&app] { return double(app.accounts().throttled_keys()); });
  metrics.AddCallback("agora_quota_enabled", "1 when per-account quotas are on.", "gauge",
                      [&app] { return app.quotas().options().enabled ? 1.0 : 0.0; });
  metrics.AddCallback("agora_quota_windows", "Account quota windows held in memory.", "gauge",
                      [&app] { return double(app.quotas().windows()); });
  for (size_t i = 0; i < services::kQuotaActions; ++i) {
    auto action = static_cast<services::QuotaAction>(i);
    std::string name = "agora_quota_" + std::string(services::QuotaActionName(action));
    const services::QuotaLimit& limit = app.quotas().options().limits[i];
    metrics.AddCallback(name + "_limit", "Uses allowed per account and window.", "gauge",
                        [count = limit.count] { return double(count); });
    metrics.AddCallback(name + "_window_seconds", "Length of the quota window.", "gauge",
                        [ms = limit.window_ms] { return double(ms) / 1000; });
    metrics.AddCallback(name + "_refused_total", "Uses refused with 429 quota_exceeded.", "counter",
                        [&app, action] { return double(app.quotas().refused(action)); });
  }
  metrics.AddCallback("agora_search_documents", "Posts and people in the search index.", "gauge",
                      [&app] { return double(app.search_index().documents()); });
  metrics.AddCallback("agora_search_commits_total", "Search index commits.", "counter",
                      [&app] { return double(app.search_index().commits()); });
  metrics.AddCallback("agora_search_index_lag", "Store changes not yet in the search index.",
                      "gauge", [&app] { return double(app.search_indexer().lag()); });
  metrics.AddCallback("agora_search_index_failures_total", "Indexing batches that failed.",
                      "counter", [&app] { return double(app.search_indexer().failures()); });
}

// The web client's folder: --web-root, else ./web/dist, else web/dist of the source tree this
// executable was built in (it lives in build/<preset>/app/).
std::shared_ptr<const server::StaticSite> LoadWebClient(const std::string& web_root) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (!web_root.empty()) {
    candidates.emplace_back(web_root);
  } else {
    candidates.emplace_back("web/dist");
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path() / "../../../web/dist");
  }
  std::string reasons;
  for (const auto& root : candidates) {
    auto site = server::StaticSite::Load(root);
    if (site.ok()) {
      spdlog::info("event=web_client_loaded root={} files={} bytes={}", LogValue(root.string()),
                   site->files(), site->bytes());
      return std::make_shared<const server::StaticSite>(std::move(site).value());
    }
    reasons += (reasons.empty() ? "" : "; ") + site.status().message();
  }
  spdlog::warn("event=web_client_missing message={}", LogValue(reasons));
  return std::make_shared<const server::StaticSite>("the web client is not built (" + reasons +
                                                    ")");
}

// The OpenID Connect client from the command line, or null when not configured; `error` says
// why the options cannot work (the command then exits with status 2).
std::unique_ptr<oidc::OidcClient> MakeOidcClient(const ServeOptions& options, std::string& error) {
  const OidcServeOptions& o = options.oidc;
  if (o.issuer.empty()) {
    if (!o.client_id.empty() || !o.client_secret_file.empty() || !o.redirect_url.empty()) {
      error =
          "--oidc-client-id, --oidc-client-secret-file and --oidc-redirect-url need "
          "--oidc-issuer";
    } else if (!options.app.accounts.password_login) {
      error = "--no-password-login needs --oidc-issuer: nobody could sign in";
    }
    return nullptr;
  }
  if (o.client_id.empty() || o.client_secret_file.empty()) {
    error = "--oidc-issuer needs --oidc-client-id and --oidc-client-secret-file";
    return nullptr;
  }
  for (const std::string* url : {&o.issuer, &o.redirect_url}) {
    if (url->empty()) continue;
    auto parsed = oidc::ParseHttpUrl(*url);
    Status status = parsed.ok() ? oidc::CheckTransport(*parsed) : parsed.status();
    if (!status.ok()) {
      error = status.message();
      return nullptr;
    }
  }
  // Like an SSH key: a secret others can read is refused rather than used.
  struct stat info {};
  if (::stat(o.client_secret_file.c_str(), &info) != 0) {
    error = "cannot read --oidc-client-secret-file " + o.client_secret_file;
    return nullptr;
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    error = o.client_secret_file + " is readable by others: chmod 600 it";
    return nullptr;
  }
  std::ifstream file(o.client_secret_file);
  std::string secret;
  std::getline(file, secret);
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) {
    secret.pop_back();
  }
  if (secret.empty()) {
    error = o.client_secret_file + " holds no client secret";
    return nullptr;
  }
  oidc::OidcClientOptions client;
  client.issuer = o.issuer;
  client.client_id = o.client_id;
  client.client_secret = secret;
  client.clock_skew_s = o.clock_skew_s;
  client.jwks_refetch_interval_s = o.jwks_refetch_interval_s;
  return std::make_unique<oidc::OidcClient>(std::move(client), SystemClock::instance());
}

// --public-url without its trailing slashes, or `error` says why it cannot be a base URL.
std::string CheckPublicUrl(std::string url, std::string& error) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  auto parsed = oidc::ParseHttpUrl(url);
  if (!parsed.ok() || parsed->target.find('?') != std::string::npos) {
    error = "--public-url wants http(s)://HOST[:PORT][/PATH] without a query, got '" + url + "'";
  }
  return url;
}

// The base URL when none is configured: the bound address, with a wildcard address replaced
// by loopback (only this machine can be sure to reach it; set --public-url for others).
std::string DerivedPublicUrl(const std::string& bound) {
  size_t colon = bound.rfind(':');
  std::string host = bound.substr(0, colon);
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return "http://" + host + bound.substr(colon);
}

}  // namespace

void AddResourceRoutes(server::Router& router, Application& app,
                       const server::PublicUrl& public_url, server::StreamItemCache& stream_items) {
  server::AddAccountRoutes(router, app.accounts(), app.guests());
  server::AddPeopleRoutes(router, app.people(), public_url);
  server::AddPostRoutes(router, app.posts(), public_url);
  server::AddFeedRoutes(router, app.feed(), public_url, stream_items);
  server::AddCommunityRoutes(router, app.communities());
  server::AddModerationRoutes(router, app.moderation());
  server::AddSearchRoutes(router, app.search());
  server::AddNotificationRoutes(router, app.notifications());
  server::AddReportingRoutes(router, app.reporting());
  server::AddDealRoutes(router, app.deals());
  server::AddCampaignRoutes(router, app.campaigns());
  server::AddQuestionRoutes(router, app.questions());
  server::AddQuizRoutes(router, app.quizzes());
  server::AddScimRoutes(router, app.provisioning());
  server::AddPeopleImportExportRoutes(router, app.people_import(), app.exports());
}

constexpr int kMallocArenas = 2;

int Serve(const ServeOptions& options) {
  SetUpLogging(options.log_level);
  // glibc gives threads that allocate at once their own arenas (up to 8 per core), each keeping
  // what was freed in it: two arenas held about 10 MiB less in the soak (docs/performance.md).
  // MALLOC_ARENA_MAX in the environment still decides when set. Both calls are made before
  // any thread of the server starts, which is what concurrency-mt-unsafe warns about.
  // NOLINTNEXTLINE(concurrency-mt-unsafe)
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, kMallocArenas);
  std::signal(SIGPIPE, SIG_IGN);
  rlim_t open_files = RaiseOpenFileLimit();
  std::string host;
  uint16_t port = 0;
  if (!SplitHostPort(options.listen, host, port)) {
    std::cerr << "agora: --listen wants HOST:PORT, got '" << options.listen << "'\n";
    return 2;
  }
  std::string usage_error;
  server::PublicUrl public_url(
      options.public_url.empty() ? "" : CheckPublicUrl(options.public_url, usage_error));
  if (!usage_error.empty()) {
    std::cerr << "agora: " << usage_error << "\n";
    return 2;
  }
  std::string oidc_error;
  auto oidc_client = MakeOidcClient(options, oidc_error);
  if (!oidc_error.empty()) {
    std::cerr << "agora: " << oidc_error << "\n";
    return 2;
  }
  auto app = Application::Open(options.app);
  if (!app.ok()) {
    spdlog::critical("event=open_failed message={}", LogValue(app.status().message()));
    return 1;
  }
  // Before anything else starts, so that a refused node has done nothing.
  if (Status s = (*app)->JoinNodes(); !s.ok()) {
    spdlog::critical("event=node_refused node_id={} message={}", options.app.node_id,
                     LogValue(s.message()));
    return 1;
  }
  if (Status s = (*app)->OpenSearch(options.search, options.indexer); !s.ok()) {
    spdlog::critical("event=search_open_failed message={}", LogValue(s.message()));
    return 1;
  }
  (*app)->search_indexer().Start();

  server::StreamItemCache stream_items;  // before the metrics that read it
  server::Metrics metrics;
  AddDeploymentMetrics(metrics, options);
  AddStoreMetrics(metrics, **app);
  metrics.AddCallback("agora_stream_items_cached", "Rendered stream items held in memory.", "gauge",
                      [&stream_items] { return double(stream_items.items()); });
  metrics.AddCallback("agora_stream_items_cached_bytes",
                      "Bytes of the rendered stream items held in memory (bounded).", "gauge",
                      [&stream_items] { return double(stream_items.bytes()); });
  server::Router router;
  server::AddOperationsRoutes(router, metrics, [&app] {
    return (*app)->store().read([](storage::Connection& c) { return c.exec("SELECT 1"); });
  });
  std::unique_ptr<services::OidcSignInService> oidc_sign_in;
  if (oidc_client) {
    services::OidcSignInOptions sign_in;
    sign_in.display_name = options.oidc.display_name;
    sign_in.create_accounts = options.oidc.create_accounts;
    oidc_sign_in = std::make_unique<services::OidcSignInService>(
        (*app)->store(), (*app)->clock(), (*app)->ids(), (*app)->user_repository(),
        (*app)->accounts(), (*app)->communities(), *oidc_client, sign_in);
    spdlog::info("event=oidc_configured issuer={} client_id={}", LogValue(options.oidc.issuer),
                 LogValue(options.oidc.client_id));
  }
  server::AddSignInRoutes(router, (*app)->accounts(), oidc_sign_in.get(),
                          server::SignInRoutesOptions{.redirect_url = options.oidc.redirect_url});
  AddResourceRoutes(router, **app, public_url, stream_items);
  router.set_fallback([site = LoadWebClient(options.web_root)](const server::ApiRequest& request) {
    return site->Get(request.path);
  });

  server::DispatcherOptions dispatcher_options;
  dispatcher_options.worker_threads = options.worker_threads;
  dispatcher_options.max_queued_requests = options.max_queued_requests;
  dispatcher_options.max_queue_wait = std::chrono::milliseconds(options.max_queue_wait_ms);
  dispatcher_options.hashing_threads = options.app.accounts.hash_concurrency;
  dispatcher_options.trusted_proxies = options.trusted_proxies;
  dispatcher_options.cors = options.cors;
  dispatcher_options.access_log = options.access_log;
  constexpr int64_t kIdempotencyWindowMs = 24LL * 60 * 60 * 1000;  // keys kept a day
  services::ConditionalWrites conditional_writes((*app)->store(), (*app)->clock(),
                                                 kIdempotencyWindowMs);
  server::ConditionalRequests conditional(conditional_writes);
  dispatcher_options.conditional = &conditional;
  server::Dispatcher dispatcher(router, (*app)->accounts(), metrics, dispatcher_options);
  metrics.AddCallback("agora_http_queued_requests", "Requests waiting for a worker thread.",
                      "gauge", [&dispatcher] { return double(dispatcher.queued_requests()); });
  metrics.AddCallback("agora_http_shed_total",
                      "Requests answered 503 because too many waited for a worker "
                      "(--max-queued-requests) or one waited too long (--max-queue-wait-ms).",
                      "counter", [&dispatcher] { return double(dispatcher.shed_requests()); });
  // Declared before the io_context: sockets still queued there at exit report to it.
  server::StreamOptions stream_options = options.streams;
  stream_options.public_url = &public_url;
  server::LiveHub hub((*app)->streams(), stream_options);
  (*app)->live_events().Attach(&hub);
  metrics.AddCallback("agora_stream_connections", "Open WebSocket streams.", "gauge",
                      [&hub] { return double(hub.stats().sockets); });
  metrics.AddCallback("agora_stream_events_total", "Live events published.", "counter",
                      [&hub] { return double(hub.stats().events); });
  metrics.AddCallback("agora_stream_deliveries_total", "Live messages handed to sockets.",
                      "counter", [&hub] { return double(hub.stats().deliveries); });
  metrics.AddCallback("agora_stream_slow_closed_total",
                      "Streams closed because their outbound queue was full.", "counter",
                      [&hub] { return double(hub.stats().slow_closed); });
  metrics.AddCallback("agora_stream_shed_total",
                      "New streams closed with 1013 because too many waited for the hub.",
                      "counter", [&hub] { return double(hub.stats().shed); });
  metrics.AddCallback("agora_stream_pending_subscribes",
                      "New streams waiting for the live hub to subscribe them.", "gauge",
                      [&hub] { return double(hub.stats().pending_subscribes); });
  metrics.AddCallback("agora_stream_window_events",
                      "Recent live events kept for streams that resume (--stream-window).", "gauge",
                      [&hub] { return double(hub.stats().window_events); });
  metrics.AddCallback("agora_stream_window_bytes",
                      "Memory those events hold, messages included (--stream-window-bytes).",
                      "gauge", [&hub] { return double(hub.stats().window_bytes); });
  metrics.AddCallback("agora_stream_pending_subscribes_limit",
                      "New streams that may wait for the live hub (--stream-pending-subscribes).",
                      "gauge", [&hub] { return double(hub.options().pending_subscribes); });

  int io_threads = options.io_threads > 0
                       ? options.io_threads
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  boost::asio::io_context io(io_threads);
  // Before the address is printed: whoever reads that line may send SIGTERM at once.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  server::HttpOptions http_options = options.http;
  if (size_t fit = ConnectionsThatFit(open_files); http_options.max_connections > fit) {
    spdlog::warn("event=max_connections_lowered requested={} open_file_limit={} max_connections={}",
                 http_options.max_connections, open_files, fit);
    http_options.max_connections = fit;
  }
  server::HttpServer http(io, dispatcher, http_options);
  http.EnableStreams(hub);
  metrics.AddCallback("agora_http_connections", "Open HTTP connections.", "gauge",
                      [&http] { return double(http.open_connections()); });
  auto bound = http.Listen(host, port);
  if (!bound.ok()) {
    spdlog::critical("event=listen_failed message={}", LogValue(bound.status().message()));
    return 1;
  }
  if (options.public_url.empty()) public_url.Set(DerivedPublicUrl(*bound));
  std::cout << "listening on " << *bound << std::endl;
  spdlog::info("event=started listen={} public_url={} io_threads={} workers={} max_connections={}",
               LogValue(*bound), LogValue(public_url.Get()), io_threads, options.worker_threads,
               http_options.max_connections);

  // Shutdown: stop accepting, let in-flight requests finish within the grace period, stop.
  boost::asio::steady_timer drain_timer(io);
  auto deadline = std::chrono::steady_clock::time_point::max();
  std::function<void()> wait_for_drain = [&] {
    bool drained = http.requests_in_flight() == 0 && hub.sockets() == 0;
    if (drained || std::chrono::steady_clock::now() >= deadline) {
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](const boost::system::error_code&) { wait_for_drain(); });
  };
  auto begin_shutdown = [&] {
    deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
    http.BeginShutdown();
    wait_for_drain();
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("event=shutdown signal={} in_flight={}", signal, http.requests_in_flight());
    begin_shutdown();
  });
  // Started here, where it can stop the server, yet before io.run() serves any request: a
  // timeline loaded before the tailer read the outbox's end could miss another node's change.
  int exit_status = 0;
  if (auto* tailer = (*app)->outbox_tailer()) {
    // Another node took this node's id while its session was lost (a failover: two nodes
    // with one id would make the same ids), or this node was cut off longer than pruning
    // waits (its memory missed changes): it stops, for its supervisor to restart it.
    Status started = tailer->Start([&] {
      boost::asio::post(io, [&] {
        exit_status = 1;
        begin_shutdown();
      });
    });
    if (!started.ok()) {
      spdlog::critical("event=outbox_tail_failed message={}", LogValue(started.message()));
      return 1;
    }
  }
  // After the tailer read the outbox's end, so no other node's deal change falls between the
  // build's scan and the tailer's first read (one applied twice counts once).
  if (Status s = (*app)->StartSales(); !s.ok()) {
    spdlog::critical("event=sales_build_failed message={}", LogValue(s.message()));
    if (auto* tailer = (*app)->outbox_tailer()) tailer->Stop();  // it may post to `io`
    return 1;
  }

  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();

  // Before the io_context goes: the tailer's stop_node posts to it.
  if (auto* tailer = (*app)->outbox_tailer()) tailer->Stop();
  dispatcher.Stop();                      // handlers already queued finish their writes
  (*app)->search_indexer().Stop();        // the outbox replays whatever it had not applied
  (*app)->store().Stop();                 // and the writer commits everything acknowledged
  (*app)->live_events().Attach(nullptr);  // nothing publishes any more
  hub.Stop();
  spdlog::info("event=stopped exit_status={}", exit_status);
  return exit_status;
}

int UserAdd(const UserAddOptions& options) {
  std::string password;
  if (!std::getline(std::cin, password)) {
    std::cerr << "agora: expected the password on the first line of standard input\n";
    return 2;
  }
  auto app = Application::Open(options.app);
  if (!app.ok()) {
    std::cerr << "agora: " << app.status().message() << "\n";
    return 1;
  }
  profiles::NewUser user;
  user.username = options.username;
  user.password = password;
  user.role = options.admin ? profiles::Role::kAdmin : profiles::Role::kMember;
  user.profile.display_name = options.display_name;
  user.profile.email = options.email;
  auto created = (*app)->accounts().Provision(user);
  if (!created.ok()) {
    std::cerr << "agora: " << created.status().message() << "\n";
    return created.status().code() == StatusCode::kInternal ? 1 : 2;
  }
  std::cout << "created " << profiles::RoleName(created->role) << " @" << created->username
            << " (id " << created->id << ")\n";
  return 0;
}

}  // namespace agora::app
