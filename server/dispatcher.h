// Dispatcher: turns a request into a response, off the socket threads.
//
// It matches the route, answers CORS preflights, authenticates the bearer token, runs the
// handler on the route's worker pool, records metrics and writes the access log. Socket threads
// only ever enqueue; blocking work (SQLite, Argon2id) runs on the pools. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/mutex.h"
#include "server/api.h"
#include "server/client_address.h"
#include "server/conditional_requests.h"
#include "server/cors.h"
#include "server/metrics.h"
#include "server/router.h"
#include "services/account_service.h"

namespace agora::server {

struct DispatcherOptions {
  int worker_threads = 16;          // blocking handlers; they mostly wait on SQLite
  int hashing_threads = 1;          // Argon2id handlers (login, account creation)
  size_t max_queued_hashing = 256;  // beyond this, password routes answer 503 at once
  // Requests waiting for a worker; beyond this, 503 with Retry-After: 1 at once, so an
  // overload is shed quickly instead of every answer waiting behind an endless queue.
  size_t max_queued_requests = 1024;
  // A request that waited longer than this for a worker is answered 503 with Retry-After: 1
  // instead of running: its client has likely given up, and an overload then drains at the
  // cost of an error page rather than growing every answer's wait. Zero: no deadline.
  std::chrono::milliseconds max_queue_wait{100};
  // Added to the nice value of the worker threads, so that the io threads, which
  // read requests and decide what is shed, get the CPU first when the workers saturate it.
  // Without it 16 busy workers left the io threads a third of a core and the excess waited
  // unread in the sockets, where no bound applies.
  int worker_niceness = 10;
  // Password routes queued or running per client address; beyond it that address gets 429
  // at once, so one address cannot fill the lane and everyone else's login waits behind at
  // most this many of its requests.
  size_t max_queued_hashing_per_address = 16;
  // Peers whose Forwarded / X-Forwarded-For headers name the client (--trusted-proxy).
  TrustedProxies trusted_proxies;
  CorsPolicy cors;  // --cors-origin
  // One logfmt line per request at level info (event=request): request id, method, route,
  // status, body bytes, handler time, user id, client address.
  bool access_log = true;
  // Idempotency-Key, ETag, If-None-Match and If-Match (server/conditional_requests.h); it must
  // outlive the dispatcher. Null: those headers are not evaluated.
  ConditionalRequests* conditional = nullptr;
};

// The token of an "Authorization: Bearer <token>" header (case-insensitive scheme, RFC 6750).
std::optional<std::string> BearerToken(const std::string& header);

class Dispatcher {
 public:
  // `router`, `accounts` and `metrics` must outlive the dispatcher.
  Dispatcher(const Router& router, services::AccountService& accounts, Metrics& metrics,
             DispatcherOptions options);
  ~Dispatcher();  // Stop()s

  // Runs `request` on a worker and calls `done` there with the response. The request's
  // client_address becomes the client's (ClientAddress) first.
  void Dispatch(ApiRequest request, std::function<void(ApiResponse)> done);

  // Runs blocking `work` on the default worker pool (e.g. authenticating a stream upgrade).
  void Post(std::function<void()> work);

  // The same, synchronously on the calling thread: for tests and for the pools themselves.
  ApiResponse Handle(const ApiRequest& request);

  // Finishes queued work and joins the pools. Idempotent.
  void Stop();

  size_t queued_requests() const { return queued_requests_; }
  uint64_t shed_requests() const { return shed_requests_; }

 private:
  struct Pools;
  // What the access log and metrics learn while a request is answered.
  struct Outcome {
    std::optional<Id> user_id;  // once the token is good
    bool web = false;           // answered by the web client's pages
  };
  ApiResponse Run(const ApiRequest& request, RouteMatch match);
  ApiResponse Answer(const ApiRequest& request, RouteMatch& match, Outcome& outcome);
  // CORS headers and X-Request-Id, on every answer the dispatcher gives.
  void Decorate(const ApiRequest& request, ApiResponse& response) const;
  void Record(const ApiRequest& request, const RouteMatch& match, const ApiResponse& response,
              const Outcome& outcome, double seconds);
  // Takes a place in the hashing lane for `address`; false when it already holds its share.
  bool EnterHashingLane(const std::string& address);
  void LeaveHashingLane(const std::string& address);
  // Answers `refusal` without running the route (a shed or refused request).
  void Refuse(const ApiRequest& request, const RouteMatch& match, ApiResponse refusal,
              const std::function<void(ApiResponse)>& done);

  const Router& router_;
  services::AccountService& accounts_;
  Metrics& metrics_;
  const DispatcherOptions options_;
  std::unique_ptr<Pools> pools_;
  std::atomic<size_t> queued_hashing_{0};
  std::atomic<size_t> queued_requests_{0};
  std::atomic<uint64_t> shed_requests_{0};
  Mutex hashing_mu_;
  std::unordered_map<std::string, size_t> hashing_by_address_ GUARDED_BY(hashing_mu_);
};

}  // namespace agora::server
