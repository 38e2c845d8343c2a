#include "services/quotas.h"

#include <algorithm>
#include <charconv>

#include "services/quota_report.h"

namespace agora::services {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

constexpr std::array<std::string_view, kQuotaActions> kNames = {
    "post",   "reply",        "react",   "follow", "create_community",
    "invite", "join_request", "mention", "search", "deal_write"};

size_t IndexOf(QuotaAction action) { return static_cast<size_t>(action); }

uint64_t KeyOf(Id account, QuotaAction action) {
  return (static_cast<uint64_t>(account) << 4) | IndexOf(action);
}

thread_local QuotaReport* current_report = nullptr;

bool ParseInt(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0;
}

}  // namespace

std::string_view QuotaActionName(QuotaAction action) { return kNames[IndexOf(action)]; }

std::array<QuotaLimit, kQuotaActions> QuotaOptions::DefaultLimits() {
  std::array<QuotaLimit, kQuotaActions> limits;
  auto set = [&](QuotaAction action, int64_t count, int64_t window_ms) {
    limits[IndexOf(action)] = {count, window_ms};
  };
  set(QuotaAction::kPost, 120, kHour);
  set(QuotaAction::kReply, 300, kHour);
  set(QuotaAction::kReact, 600, kHour);
  set(QuotaAction::kFollow, 300, kHour);
  set(QuotaAction::kCreateCommunity, 20, kDay);
  set(QuotaAction::kInvite, 500, kHour);
  set(QuotaAction::kJoinRequest, 30, kHour);
  set(QuotaAction::kMention, 500, kHour);
  set(QuotaAction::kSearch, 300, 5 * kMinute);
  set(QuotaAction::kDealWrite, 1000, kHour);
  return limits;
}

Status QuotaOptions::Set(std::string_view flag) {
  auto invalid = [&] {
    return Status::InvalidArgument(
        "invalid_quota",
        "expected ACTION=COUNT/DURATION (such as post=120/1h), got '" + std::string(flag) + "'");
  };
  size_t equals = flag.find('=');
  size_t slash = flag.find('/');
  if (equals == std::string_view::npos || slash == std::string_view::npos || slash < equals ||
      slash + 2 > flag.size()) {
    return invalid();
  }
  auto name = std::find(kNames.begin(), kNames.end(), flag.substr(0, equals));
  if (name == kNames.end()) return invalid();
  std::string_view duration = flag.substr(slash + 1);
  int64_t unit = 0;
  switch (duration.back()) {
    case 's':
      unit = kSecond;
      break;
    case 'm':
      unit = kMinute;
      break;
    case 'h':
      unit = kHour;
      break;
    case 'd':
      unit = kDay;
      break;
    default:
      return invalid();
  }
  int64_t count = 0;
  int64_t length = 0;
  if (!ParseInt(flag.substr(equals + 1, slash - equals - 1), count) ||
      !ParseInt(duration.substr(0, duration.size() - 1), length)) {
    return invalid();
  }
  limits[static_cast<size_t>(name - kNames.begin())] = {count, length * unit};
  return Status::Ok();
}

QuotaReport::QuotaReport() : outer_(current_report) { current_report = this; }

QuotaReport::~QuotaReport() { current_report = outer_; }

void QuotaReport::Record(const RateLimitInfo& info) {
  QuotaReport* report = current_report;
  if (!report) return;
  if (!report->tightest_ || info.remaining < report->tightest_->remaining) {
    report->tightest_ = info;
  }
}

Quotas::Quotas(const Clock& clock, QuotaOptions options) : clock_(clock), options_(options) {}

Status Quotas::Take(Id account, QuotaAction action, int64_t amount) {
  if (!options_.enabled || amount <= 0) return Status::Ok();
  const QuotaLimit& limit = options_.limits[IndexOf(action)];
  UnixMillis now = clock_.now_ms();
  MutexLock lock(&mu_);
  SweepEnded(now);
  Window& window = windows_[KeyOf(account, action)];
  if (window.start + limit.window_ms <= now) window = {now, 0};
  int64_t reset_seconds = std::max<int64_t>(1, (window.start + limit.window_ms - now + 999) / 1000);
  if (window.used + amount <= limit.count) {
    window.used += amount;
    QuotaReport::Record({.limit = limit.count,
                         .remaining = limit.count - window.used,
                         .reset_seconds = reset_seconds});
    return Status::Ok();
  }
  refused_[IndexOf(action)].fetch_add(1, std::memory_order_relaxed);
  return Status::QuotaExceeded("quota exceeded: at most " + std::to_string(limit.count) + " " +
                                   std::string(QuotaActionName(action)) + " per " +
                                   std::to_string(limit.window_ms / kSecond) + " s; try again in " +
                                   std::to_string(reset_seconds) + " s",
                               {.limit = limit.count,
                                .remaining = std::max<int64_t>(0, limit.count - window.used),
                                .reset_seconds = reset_seconds});
}

void Quotas::SweepEnded(UnixMillis now) {
  if (windows_.size() < sweep_at_) return;
  std::erase_if(windows_, [&](const auto& entry) {
    const QuotaLimit& limit = options_.limits[entry.first & 0xf];
    return entry.second.start + limit.window_ms <= now;
  });
  sweep_at_ = std::max<size_t>(4096, 2 * windows_.size());
}

uint64_t Quotas::refused(QuotaAction action) const {
  return refused_[IndexOf(action)].load(std::memory_order_relaxed);
}

size_t Quotas::windows() const {
  MutexLock lock(&mu_);
  return windows_.size();
}

}  // namespace agora::services
