#include "core/id.h"

#include <charconv>
#include <stdexcept>

namespace agora {

IdGenerator::IdGenerator(const Clock& clock, uint32_t node) : clock_(clock), node_(node) {
  if (node >= (1u << kIdNodeBits)) throw std::invalid_argument("id node out of range");
}

Id IdGenerator::next() {
  MutexLock lock(&mu_);
  int64_t ms = clock_.now_ms() - kIdEpochMs;
  if (ms > last_ms_) {
    last_ms_ = ms;
    sequence_ = 0;
  } else if (++sequence_ >= (1u << kIdSequenceBits)) {
    ++last_ms_;
    sequence_ = 0;
  }
  return (last_ms_ << (kIdNodeBits + kIdSequenceBits)) |
         (static_cast<int64_t>(node_) << kIdSequenceBits) | sequence_;
}

void IdGenerator::AdvancePast(Id id) {
  MutexLock lock(&mu_);
  int64_t ms = id >> (kIdNodeBits + kIdSequenceBits);
  uint32_t sequence = static_cast<uint32_t>(id & ((1 << kIdSequenceBits) - 1));
  if (ms > last_ms_ || (ms == last_ms_ && sequence > sequence_)) {
    last_ms_ = ms;
    sequence_ = sequence;
  }
}

void IdGenerator::Observe(Id id) {
  if (TimeOf(id) - clock_.now_ms() > kMaxObservedLeadMs) return;
  AdvancePast(id);
}

std::string IdToString(Id id) { return std::to_string(id); }

std::optional<Id> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  Id value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace agora
