// Time-sortable 64-bit ids.
//
// Layout, high to low: 1 zero bit, 41 bits of milliseconds since 2024-01-01T00:00:00Z
// (good until 2093), 10 bits of node, 12 bits of sequence. Ids from one generator strictly
// increase; ids are rendered to clients as decimal strings so JavaScript keeps them exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/mutex.h"

namespace agora {

using Id = int64_t;

inline constexpr UnixMillis kIdEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
inline constexpr int kIdNodeBits = 10;
inline constexpr int kIdSequenceBits = 12;

// Thread-safe.
class IdGenerator {
 public:
  // `node` must be below 1024. `clock` must outlive the generator.
  IdGenerator(const Clock& clock, uint32_t node);
  virtual ~IdGenerator() = default;

  // A new id greater than every id this generator returned before. When the clock stands
  // still or steps back, the sequence runs on and borrows from the next millisecond.
  virtual Id next();

  // Makes every later id greater than `id`, e.g. the largest id already stored, so a clock
  // that went back across a restart cannot produce duplicates.
  void AdvancePast(Id id);
  // An id another node made: later ids sort after it, so a post written here just after one
  // from a node whose clock runs ahead does not land below it. Ignored when it is more than
  // kMaxObservedLeadMs ahead of this clock: one badly set clock must not drag every node's.
  void Observe(Id id);
  static constexpr int64_t kMaxObservedLeadMs = 5'000;

  // The creation time encoded in an id.
  static UnixMillis TimeOf(Id id) { return (id >> (kIdNodeBits + kIdSequenceBits)) + kIdEpochMs; }

 private:
  // Constant after construction.
  const Clock& clock_;
  const uint32_t node_;

  // Guarded by mu_.
  Mutex mu_;
  int64_t last_ms_ GUARDED_BY(mu_) = 0;  // relative to kIdEpochMs
  uint32_t sequence_ GUARDED_BY(mu_) = 0;
};

// Decimal rendering and strict parsing (digits only, positive, no overflow).
std::string IdToString(Id id);
std::optional<Id> ParseId(std::string_view text);

}  // namespace agora
