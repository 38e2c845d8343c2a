#include "server/dispatcher.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <latch>

#include "core/logfmt.h"
#include "server/errors.h"
#include "server/next_link.h"
#include "server/request_id.h"
#include "services/audience.h"
#include "services/quota_report.h"

namespace agora::server {
std::optional<std::string> BearerToken(const std::string& header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  }
  size_t start = header.find_first_not_of(' ', kScheme.size());
  if (start == std::string::npos) return std::nullopt;
  return header.substr(start);
}

namespace {

// The access log keeps this much of a path: an unrouted one can be as long as a header allows.
constexpr size_t kLoggedPathBytes = 256;

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) out += "/" + segment;
  return out.empty() ? "/" : out;
}

// Adds `niceness` to the nice value of each of the `threads` threads of `pool` (on Linux the
// nice value is per thread). Each thread takes one task and holds it until all have, so every
// thread gets exactly one.
void LowerPriority(boost::asio::thread_pool& pool, int threads, int niceness) {
  if (niceness == 0) return;
  auto all = std::make_shared<std::latch>(threads);
  for (int i = 0; i < threads; ++i) {
    boost::asio::post(pool, [all, niceness] {
      errno = 0;
      int nice = getpriority(PRIO_PROCESS, gettid());
      if (errno == 0 && setpriority(PRIO_PROCESS, gettid(), nice + niceness) != 0) {
        spdlog::warn("event=worker_priority_unchanged errno={}", errno);
      }
      all->arrive_and_wait();
    });
  }
  all->wait();
}

}  // namespace

struct Dispatcher::Pools {
  explicit Pools(const DispatcherOptions& o)
      : workers(o.worker_threads), hashing(o.hashing_threads) {
    // Not the hashing lane: it is one thread, and lowered it lost to every other process on
    // the machine (a build running beside made 300 logins time out).
    LowerPriority(workers, o.worker_threads, o.worker_niceness);
  }
  boost::asio::thread_pool workers;
  boost::asio::thread_pool hashing;
};

Dispatcher::Dispatcher(const Router& router, services::AccountService& accounts, Metrics& metrics,
                       DispatcherOptions options)
    : router_(router),
      accounts_(accounts),
      metrics_(metrics),
      options_(std::move(options)),
      pools_(std::make_unique<Pools>(options_)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Stop() {
  pools_->workers.join();
  pools_->hashing.join();
}

void Dispatcher::Dispatch(ApiRequest request, std::function<void(ApiResponse)> done) {
  if (request.request_id.empty()) request.request_id = NewRequestId();
  request.client_address = ClientAddress(request.client_address, request.forwarded,
                                         request.x_forwarded_for, options_.trusted_proxies);
  RouteMatch match = router_.match(request.method, request.path);
  if (match.route && match.route->lane == Lane::kInline)
    return done(Run(request, std::move(match)));
  auto overloaded = [] {
    return ErrorResponse(Status::Unavailable("the server is overloaded; retry shortly"), 1);
  };
  bool hashing = match.route && match.route->lane == Lane::kPasswordHashing;
  if (!hashing) {
    if (queued_requests_.fetch_add(1) >= options_.max_queued_requests) {
      queued_requests_.fetch_sub(1);
      ++shed_requests_;
      return Refuse(request, match, overloaded(), done);
    }
    boost::asio::post(
        pools_->workers,
        [this, request = std::move(request), match = std::move(match), done = std::move(done),
         overloaded, queued_at = std::chrono::steady_clock::now()]() mutable {
          queued_requests_.fetch_sub(1);
          if (options_.max_queue_wait.count() > 0 &&
              std::chrono::steady_clock::now() - queued_at > options_.max_queue_wait) {
            ++shed_requests_;
            return Refuse(request, match, overloaded(), done);
          }
          done(Run(request, std::move(match)));
        });
    return;
  }
  if (!EnterHashingLane(request.client_address)) {
    return Refuse(request, match,
                  ErrorResponse(Status::RateLimited(
                      "too many logins at once from this address; retry shortly", 1)),
                  done);
  }
  if (queued_hashing_.fetch_add(1) >= options_.max_queued_hashing) {
    queued_hashing_.fetch_sub(1);
    LeaveHashingLane(request.client_address);
    return Refuse(request, match,
                  ErrorResponse(Status::Unavailable("too many logins at once; retry shortly"), 1),
                  done);
  }
  boost::asio::post(pools_->hashing, [this, request = std::move(request), match = std::move(match),
                                      done = std::move(done)]() mutable {
    queued_hashing_.fetch_sub(1);
    ApiResponse response = Run(request, std::move(match));
    LeaveHashingLane(request.client_address);
    done(std::move(response));
  });
}

void Dispatcher::Refuse(const ApiRequest& request, const RouteMatch& match, ApiResponse refusal,
                        const std::function<void(ApiResponse)>& done) {
  Decorate(request, refusal);
  Record(request, match, refusal, Outcome{}, 0);
  done(std::move(refusal));
}

bool Dispatcher::EnterHashingLane(const std::string& address) {
  MutexLock lock(&hashing_mu_);
  size_t& held = hashing_by_address_[address];
  if (held >= options_.max_queued_hashing_per_address) return false;
  ++held;
  return true;
}

void Dispatcher::LeaveHashingLane(const std::string& address) {
  MutexLock lock(&hashing_mu_);
  auto it = hashing_by_address_.find(address);
  if (it != hashing_by_address_.end() && --it->second == 0) hashing_by_address_.erase(it);
}

void Dispatcher::Post(std::function<void()> work) {
  boost::asio::post(pools_->workers, std::move(work));
}

ApiResponse Dispatcher::Handle(const ApiRequest& request) {
  ApiRequest resolved = request;
  if (resolved.request_id.empty()) resolved.request_id = NewRequestId();
  resolved.client_address = ClientAddress(request.client_address, request.forwarded,
                                          request.x_forwarded_for, options_.trusted_proxies);
  return Run(resolved, router_.match(request.method, request.path));
}

ApiResponse Dispatcher::Run(const ApiRequest& request, RouteMatch match) {
  auto started = std::chrono::steady_clock::now();
  Outcome outcome;
  ApiResponse response = Answer(request, match, outcome);
  Decorate(request, response);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Record(request, match, response, outcome, seconds);
  return response;
}

ApiResponse Dispatcher::Answer(const ApiRequest& request, RouteMatch& match, Outcome& outcome) {
  if (auto preflight = options_.cors.Preflight(request, match.allowed_methods)) return *preflight;
  if (!match.route && match.allowed_methods.empty() &&
      (request.method == "GET" || request.method == "HEAD") && router_.fallback()) {
    if (auto page = router_.fallback()(request)) {
      outcome.web = true;
      return *page;
    }
  }
  if (!match.route) {
    if (match.allowed_methods.empty()) {
      return ErrorResponse(Status::NotFound("no route for " + JoinPath(request.path)));
    }
    std::string allow;
    for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
    ApiResponse response =
        ErrorResponse(ProtocolError::kMethodNotAllowed, "this path takes " + allow);
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  RouteContext ctx{request, std::move(match.params), {}, {}};
  std::optional<std::string> token = BearerToken(request.authorization);
  if (token) ctx.token = *token;
  if (match.route->access != Access::kPublic) {
    if (!token) return ErrorResponse(Status::Unauthenticated("send Authorization: Bearer <token>"));
    auto viewer = accounts_.Authenticate(*token);
    if (!viewer.ok()) return ErrorResponse(viewer.status());
    outcome.user_id = viewer->user_id;
    if (match.route->access == Access::kAdmin && !viewer->is_admin) {
      return ErrorResponse(Status::PermissionDenied("this needs an admin"));
    }
    if (viewer->read_only && request.method != "GET" && request.method != "HEAD" &&
        match.route->access != Access::kSignOut) {
      // The one check of a personal access token's scope, before any handler runs.
      return ErrorResponse(Status(StatusCode::kPermissionDenied, "insufficient_scope",
                                  "this token has the 'read' scope only"));
    }
    if (match.route->access == Access::kEmployee && viewer->is_guest()) {
      return ErrorResponse(services::GuestConfined("reach what is company-wide"));
    }
    ctx.viewer = *viewer;
  }
  auto handle = [&]() -> ApiResponse {
    try {
      services::QuotaReport quotas;
      Result<ApiResponse> answer = match.route->handler(ctx);
      ApiResponse response =
          answer.ok() ? std::move(answer).value() : ErrorResponse(answer.status());
      // A quota's 429 carries its own fields; any other answer those of the quotas it took.
      if (quotas.tightest() && response.status != 429) {
        AddRateLimitHeaders(response, *quotas.tightest());
      }
      bool linked = std::any_of(response.headers.begin(), response.headers.end(),
                                [](const auto& header) { return header.first == kLinkHeader; });
      if (response.status == 200 && !linked &&
          response.content_type.find("json") != std::string::npos) {
        if (auto next = NextPageLink(request, response.body)) {
          response.headers.emplace_back(kLinkHeader, std::move(*next));
        }
      }
      return response;
    } catch (const std::exception& e) {
      spdlog::error("event=handler_exception route={} what={}", LogValue(match.route->pattern),
                    LogValue(e.what()));
      return ErrorResponse(Status::Internal(e.what()));
    }
  };
  return options_.conditional ? options_.conditional->Run(*match.route, ctx, handle) : handle();
}

void Dispatcher::Decorate(const ApiRequest& request, ApiResponse& response) const {
  options_.cors.Decorate(request, response);
  response.headers.emplace_back("X-Request-Id", request.request_id);
}

void Dispatcher::Record(const ApiRequest& request, const RouteMatch& match,
                        const ApiResponse& response, const Outcome& outcome, double seconds) {
  const char* unrouted = outcome.web ? "web" : "unmatched";
  const std::string route = match.route ? match.route->pattern : unrouted;
  metrics_.RecordRequest(route, request.method, response.status, seconds);
  if (!options_.access_log) return;
  spdlog::info(
      "event=request request_id={} method={} route={} path={} status={} bytes={} "
      "duration_ms={:.3f} user_id={} client={}",
      LogValue(request.request_id), LogValue(request.method), LogValue(route),
      LogValue(JoinPath(request.path).substr(0, kLoggedPathBytes)), response.status,
      response.body.size(), seconds * 1000,
      outcome.user_id ? std::to_string(*outcome.user_id) : "-", LogValue(request.client_address));
}

}  // namespace agora::server
