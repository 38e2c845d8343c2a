// Clock: the seam through which Agora reads time, so tests can inject it.
// Implementations must be safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora {

// Milliseconds since the Unix epoch, UTC.
using UnixMillis = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMillis now_ms() const override;
  // A process-wide instance; never destroyed.
  static const SystemClock& instance();
};

// A clock that moves only when told; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMillis start) : now_(start) {}
  UnixMillis now_ms() const override { return now_.load(); }
  void advance_ms(int64_t delta) { now_ += delta; }

 private:
  std::atomic<UnixMillis> now_;
};

// RFC 3339 UTC with milliseconds, e.g. "2026-11-22T06:33:31.123Z".
std::string FormatRfc3339(UnixMillis ms);
// "2026-11-22" (midnight UTC) or RFC 3339 with any offset ("...T09:30:00.25+01:00", "...Z",
// fractions up to 9 digits) as UTC milliseconds; nullopt else, dates that do not exist too.
std::optional<UnixMillis> ParseRfc3339(std::string_view text);
// A calendar date that exists, written "2026-11-22".
bool IsIsoDate(std::string_view text);

}  // namespace agora
