#include "server/metrics.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

TEST(Metrics, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.RecordRequest("/api/v1/me", "GET", 200, 0.0004);
  metrics.RecordRequest("/api/v1/me", "GET", 200, 0.003);
  metrics.RecordRequest("/api/v1/me", "GET", 401, 0.0001);
  std::string text = metrics.Render();
  EXPECT_NE(
      text.find(R"(agora_http_requests_total{route="/api/v1/me",method="GET",status="200"} 2)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(agora_http_requests_total{route="/api/v1/me",method="GET",status="401"} 1)"),
      std::string::npos);
}

TEST(Metrics, MadeUpMethodsShareOneLabel) {
  Metrics metrics;
  metrics.RecordRequest("unmatched", "GET", 404, 0.0001);
  std::string before = metrics.Render();
  for (int i = 0; i < 1000; ++i) {
    metrics.RecordRequest("unmatched", "XMETHOD" + std::to_string(i), 405, 0.0001);
  }
  std::string text = metrics.Render();
  EXPECT_NE(
      text.find(R"(agora_http_requests_total{route="unmatched",method="other",status="405"} 1000)"),
      std::string::npos);
  EXPECT_EQ(text.find("XMETHOD"), std::string::npos);
  // One new series, not a thousand.
  EXPECT_LT(text.size(), before.size() + 200);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.RecordRequest("/r", "GET", 200, 0.0004);
  metrics.RecordRequest("/r", "GET", 200, 0.003);
  std::string text = metrics.Render();
  EXPECT_NE(text.find(R"(agora_http_request_duration_seconds_bucket{route="/r",le="0.0005"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(agora_http_request_duration_seconds_bucket{route="/r",le="0.005"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(agora_http_request_duration_seconds_bucket{route="/r",le="+Inf"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(agora_http_request_duration_seconds_count{route="/r"} 2)"),
            std::string::npos);
}

TEST(Metrics, RendersCallbacksWithTheirType) {
  Metrics metrics;
  metrics.AddCallback("agora_things", "Things.", "gauge", [] { return 7.0; });
  std::string text = metrics.Render();
  EXPECT_NE(text.find("# TYPE agora_things gauge\nagora_things 7\n"), std::string::npos);
}

TEST(Metrics, RendersInfoWithEscapedLabels) {
  Metrics metrics;
  metrics.AddInfo("agora_build_info", "Build.", {{"version", "1.0"}, {"revision", "a\"b"}});
  EXPECT_NE(metrics.Render().find("# TYPE agora_build_info gauge\n"
                                  "agora_build_info{version=\"1.0\",revision=\"a\\\"b\"} 1\n"),
            std::string::npos)
      << metrics.Render();
}

}  // namespace
}  // namespace agora::server
