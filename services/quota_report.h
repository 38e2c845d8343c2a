// QuotaReport: the RateLimit fields of a request's tightest quota, for the headers of its
// answer. The Dispatcher opens one around each handler, on the worker thread that runs it;
// Quotas::Take reports every use that fits to the one open on its thread (use cases take their
// quotas on the caller's thread, before their transaction). Reports nest: the innermost open
// one is told. Not shared between threads.
#pragma once

#include <optional>

#include "core/status.h"

namespace agora::services {

class QuotaReport {
 public:
  QuotaReport();
  ~QuotaReport();
  QuotaReport(const QuotaReport&) = delete;
  QuotaReport& operator=(const QuotaReport&) = delete;

  // Of the quotas taken while this report was open, the one with the fewest units left;
  // nullopt when none was taken (or quotas are off).
  const std::optional<RateLimitInfo>& tightest() const { return tightest_; }

  // Tells the current thread's open report, if any, of a quota's state after a use.
  static void Record(const RateLimitInfo& info);

 private:
  std::optional<RateLimitInfo> tightest_;
  QuotaReport* outer_;
};

}  // namespace agora::services
