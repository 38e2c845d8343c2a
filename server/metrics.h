// Metrics: request counters and latency histograms, rendered in the Prometheus text format.
//
// The format is small and stable, so it is written by hand rather than pulling in a client
// library. Thread-safe: recording takes a short lock on a map keyed by route.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/mutex.h"

namespace agora::server {

class Metrics {
 public:
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  // `route` is the route's pattern (bounded cardinality), or "unmatched"; a method outside
  // RFC 9110's is counted as "other".
  void RecordRequest(const std::string& route, const std::string& method, int status,
                     double seconds);

  // A gauge or counter read at render time, e.g. from the store. `type` is "gauge" or "counter".
  void AddCallback(std::string name, std::string help, std::string type,
                   std::function<double()> read);

  // A constant 1 whose labels carry facts, e.g. agora_build_info{version="0.9.0",...}.
  void AddInfo(std::string name, std::string help,
               const std::vector<std::pair<std::string, std::string>>& labels);

  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Callback {
    std::string name, help, type;
    std::function<double()> read;
    std::string labels;  // rendered, without braces; empty for none
  };

  // Guarded by mu_.
  mutable Mutex mu_;
  std::map<std::string, uint64_t> requests_ GUARDED_BY(mu_);  // key: label set
  std::map<std::string, Histogram> latency_ GUARDED_BY(mu_);  // key: route
  std::vector<Callback> callbacks_ GUARDED_BY(mu_);
};

}  // namespace agora::server
