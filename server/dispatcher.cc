#include "server/dispatcher.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>

#include "server/errors.h"
#include "services/audience.h"

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

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) out += "/" + segment;
  return out.empty() ? "/" : out;
}

}  // namespace

struct Dispatcher::Pools {
  explicit Pools(const DispatcherOptions& o)
      : workers(o.worker_threads), hashing(o.hashing_threads) {}
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
  request.client_address = ClientAddress(request.client_address, request.forwarded,
                                         request.x_forwarded_for, options_.trusted_proxies);
  RouteMatch match = router_.match(request.method, request.path);
  bool hashing = match.route && match.route->lane == Lane::kPasswordHashing;
  if (!hashing) {
    boost::asio::post(pools_->workers,
                      [this, request = std::move(request), match = std::move(match),
                       done = std::move(done)]() mutable { done(Run(request, std::move(match))); });
    return;
  }
  auto refuse = [&](ApiResponse refusal) {
    metrics_.RecordRequest(match.route->pattern, request.method, refusal.status, 0);
    done(std::move(refusal));
  };
  if (!EnterHashingLane(request.client_address)) {
    return refuse(ErrorResponse(
        Status::RateLimited("too many logins at once from this address; retry shortly", 1)));
  }
  if (queued_hashing_.fetch_add(1) >= options_.max_queued_hashing) {
    queued_hashing_.fetch_sub(1);
    LeaveHashingLane(request.client_address);
    return refuse(ErrorResponse(Status::Unavailable("too many logins at once; retry shortly"), 1));
  }
  boost::asio::post(pools_->hashing, [this, request = std::move(request), match = std::move(match),
                                      done = std::move(done)]() mutable {
    queued_hashing_.fetch_sub(1);
    ApiResponse response = Run(request, std::move(match));
    LeaveHashingLane(request.client_address);
    done(std::move(response));
  });
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
  resolved.client_address = ClientAddress(request.client_address, request.forwarded,
                                          request.x_forwarded_for, options_.trusted_proxies);
  return Run(resolved, router_.match(request.method, request.path));
}

ApiResponse Dispatcher::Run(const ApiRequest& request, RouteMatch match) {
  auto started = std::chrono::steady_clock::now();
  ApiResponse response;
  std::optional<ApiResponse> fallback;
  if (!match.route && match.allowed_methods.empty() && request.method == "GET" &&
      router_.fallback()) {
    fallback = router_.fallback()(request);
  }
  if (fallback) {
    response = std::move(*fallback);
  } else if (!match.route) {
    if (match.allowed_methods.empty()) {
      response = ErrorResponse(Status::NotFound("no route for " + JoinPath(request.path)));
    } else {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      response = ErrorResponse(ProtocolError::kMethodNotAllowed, "this path takes " + allow);
      response.headers.emplace_back("Allow", allow);
    }
  } else {
    RouteContext ctx{request, std::move(match.params), {}, {}};
    std::optional<std::string> token = BearerToken(request.authorization);
    if (token) ctx.token = *token;
    Status auth = Status::Ok();
    if (match.route->access != Access::kPublic) {
      if (!token) {
        auth = Status::Unauthenticated("send Authorization: Bearer <token>");
      } else if (auto viewer = accounts_.Authenticate(*token); viewer.ok()) {
        ctx.viewer = *viewer;
        if (match.route->access == Access::kAdmin && !viewer->is_admin) {
          auth = Status::PermissionDenied("this needs an admin");
        } else if (viewer->read_only && request.method != "GET" && request.method != "HEAD" &&
                   match.route->access != Access::kSignOut) {
          // The one check of a personal access token's scope, before any handler runs.
          auth = Status(StatusCode::kPermissionDenied, "insufficient_scope",
                        "this token has the 'read' scope only");
        } else if (match.route->access == Access::kEmployee && viewer->is_guest()) {
          auth = services::GuestConfined("reach what is company-wide");
        }
      } else {
        auth = viewer.status();
      }
    }
    if (!auth.ok()) {
      response = ErrorResponse(auth);
    } else {
      auto handle = [&]() -> ApiResponse {
        try {
          Result<ApiResponse> answer = match.route->handler(ctx);
          return answer.ok() ? std::move(answer).value() : ErrorResponse(answer.status());
        } catch (const std::exception& e) {
          spdlog::error("event=handler_exception route={} what=\"{}\"", match.route->pattern,
                        e.what());
          return ErrorResponse(Status::Internal(e.what()));
        }
      };
      response =
          options_.conditional ? options_.conditional->Run(*match.route, ctx, handle) : handle();
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const char* label = fallback ? "web" : "unmatched";
  metrics_.RecordRequest(match.route ? match.route->pattern : label, request.method,
                         response.status, seconds);
  return response;
}

}  // namespace agora::server
