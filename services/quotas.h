// Quotas: how often one account may do each action, whatever route it comes through.
//
// Each service takes a unit of its action's quota in the use case, before its transaction
// (an action that then fails still used it): a post, a reply, a reaction, a follow, a new
// community, an invitation, a join request, each mention notification a post sends, a search,
// a deal written. Windows are fixed: they start at an account's first use and restart after
// their length. The defaults are far above what a person does by hand (docs/operations.md);
// `agora serve --no-quotas` turns every quota off for load tests and benchmarks. Counts live in
// memory (a restart forgets them). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/status.h"

namespace agora::services {

enum class QuotaAction {
  kPost,
  kReply,
  kReact,
  kFollow,
  kCreateCommunity,
  kInvite,
  kJoinRequest,
  kMention,
  kSearch,
  kDealWrite,
};
inline constexpr size_t kQuotaActions = 10;

// The action's name in flags and metrics ("post", "create_community", ...).
std::string_view QuotaActionName(QuotaAction action);

struct QuotaLimit {
  int64_t count = 0;
  int64_t window_ms = 0;
};

struct QuotaOptions {
  bool enabled = true;
  std::array<QuotaLimit, kQuotaActions> limits = DefaultLimits();

  static std::array<QuotaLimit, kQuotaActions> DefaultLimits();
  // Applies one `--quota` flag, "ACTION=COUNT/DURATION" with a duration such as 90s, 10m, 1h,
  // 1d; kInvalidArgument "invalid_quota" otherwise.
  Status Set(std::string_view flag);
};

class Quotas {
 public:
  // `clock` must outlive the quotas.
  Quotas(const Clock& clock, QuotaOptions options);

  // Uses `amount` units of `action` for `account`: kRateLimited "quota_exceeded" (with the
  // RateLimit fields) when they do not all fit in what is left of the window (nothing is
  // used then); a use that fits is told to the thread's QuotaReport (quota_report.h).
  Status Take(Id account, QuotaAction action, int64_t amount = 1);

  const QuotaOptions& options() const { return options_; }
  // Refusals so far, by action (for /metrics).
  uint64_t refused(QuotaAction action) const;
  // Accounts and actions with a window held (for /metrics).
  size_t windows() const;

 private:
  struct Window {
    UnixMillis start = 0;
    int64_t used = 0;
  };
  // Drops the windows that ended, once the map has doubled since the last sweep.
  void SweepEnded(UnixMillis now) REQUIRES(mu_);

  // Constant after construction.
  const Clock& clock_;
  const QuotaOptions options_;

  std::array<std::atomic<uint64_t>, kQuotaActions> refused_{};

  // Guarded by mu_. Keyed by account id and action.
  mutable Mutex mu_;
  std::unordered_map<uint64_t, Window> windows_ GUARDED_BY(mu_);
  size_t sweep_at_ GUARDED_BY(mu_) = 4096;
};

}  // namespace agora::services
