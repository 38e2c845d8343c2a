#include "server/metrics.h"

#include <cstdio>
#include <sstream>
#include <string_view>

namespace agora::server {
namespace {

// Label values are route patterns and build facts; escape anyway, as the format requires.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// The methods of RFC 9110; any other (clients may send any token) shares one label, so made-up
// methods cannot grow the label sets without bound.
std::string MethodLabel(const std::string& method) {
  static constexpr std::string_view kKnown[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (std::string_view known : kKnown) {
    if (method == known) return method;
  }
  return "other";
}

std::string FormatNumber(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", value);
  return buf;
}

}  // namespace

void Metrics::RecordRequest(const std::string& route, const std::string& method, int status,
                            double seconds) {
  std::string key = "route=\"" + Escape(route) + "\",method=\"" + MethodLabel(method) +
                    "\",status=\"" + std::to_string(status) + "\"";
  MutexLock lock(&mu_);
  ++requests_[key];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddCallback(std::string name, std::string help, std::string type,
                          std::function<double()> read) {
  MutexLock lock(&mu_);
  callbacks_.push_back({std::move(name), std::move(help), std::move(type), std::move(read), {}});
}

void Metrics::AddInfo(std::string name, std::string help,
                      const std::vector<std::pair<std::string, std::string>>& labels) {
  std::string rendered;
  for (const auto& [key, value] : labels) {
    rendered += (rendered.empty() ? "" : ",") + key + "=\"" + Escape(value) + "\"";
  }
  MutexLock lock(&mu_);
  callbacks_.push_back(
      {std::move(name), std::move(help), "gauge", [] { return 1.0; }, std::move(rendered)});
}

std::string Metrics::Render() const {
  std::ostringstream out;
  MutexLock lock(&mu_);
  out << "# HELP agora_http_requests_total HTTP requests answered, by route, method and status.\n"
      << "# TYPE agora_http_requests_total counter\n";
  for (const auto& [labels, count] : requests_) {
    out << "agora_http_requests_total{" << labels << "} " << count << "\n";
  }
  out << "# HELP agora_http_request_duration_seconds Time from a parsed request to its response.\n"
      << "# TYPE agora_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::string label = "route=\"" + Escape(route) + "\"";
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out << "agora_http_request_duration_seconds_bucket{" << label << ",le=\""
          << FormatNumber(kLatencyBuckets[i]) << "\"} " << h.buckets[i] << "\n";
    }
    out << "agora_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} " << h.count
        << "\n";
    out << "agora_http_request_duration_seconds_sum{" << label << "} " << FormatNumber(h.sum)
        << "\n";
    out << "agora_http_request_duration_seconds_count{" << label << "} " << h.count << "\n";
  }
  for (const auto& c : callbacks_) {
    out << "# HELP " << c.name << " " << c.help << "\n# TYPE " << c.name << " " << c.type << "\n"
        << c.name << (c.labels.empty() ? "" : "{" + c.labels + "}") << " " << FormatNumber(c.read())
        << "\n";
  }
  return out.str();
}

}  // namespace agora::server
