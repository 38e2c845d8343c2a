// What an operator reads: request ids, the access log (one escaped logfmt line a request), the
// log level, CORS for browser clients elsewhere, and the process, build and disk metrics.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

using Fields = std::map<std::string, std::string>;

// One logfmt line as a reader parses it: keys and (unescaped) values; a key twice is a test
// failure, as it would be a forged one.
Fields ParseLogfmt(const std::string& line) {
  Fields fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t eq = line.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = line.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < line.size() && line[i] == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size() && line[++i] == 'n') {
          value += '\n';
        } else {
          value += line[i];
        }
      }
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ') value += line[i++];
    }
    EXPECT_EQ(fields.count(key), 0u) << "key " << key << " twice in: " << line;
    fields[key] = value;
  }
  return fields;
}

// The access log's lines for request id `id`.
std::vector<Fields> RequestLines(const std::string& log, const std::string& id = "") {
  std::vector<Fields> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("event=request ") == std::string::npos) continue;
    Fields fields = ParseLogfmt(line);
    if (id.empty() || fields["request_id"] == id) lines.push_back(fields);
  }
  return lines;
}

bool IsGeneratedId(const std::string& id) {
  return std::regex_match(id, std::regex("[0-9a-f]{16}"));
}

class ObservabilityTest : public IntegrationTest {};

TEST_F(ObservabilityTest, KeepsTheClientsRequestIdAndLogsTheRequestUnderIt) {
  TestUser ann = server().CreateAndLogin(admin_token_, "ann");
  HttpResult answer =
      server().Request("GET", "/api/v1/me", "", ann.token, {{"X-Request-Id", "lb-7f3a:42"}});
  ASSERT_EQ(answer.status, 200) << answer;
  EXPECT_EQ(answer.header("X-Request-Id"), "lb-7f3a:42");
  auto lines = RequestLines(server().Log(), "lb-7f3a:42");
  ASSERT_EQ(lines.size(), 1u) << server().Log();
  EXPECT_EQ(lines[0]["method"], "GET");
  EXPECT_EQ(lines[0]["route"], "/api/v1/me");
  EXPECT_EQ(lines[0]["status"], "200");
  EXPECT_EQ(lines[0]["user_id"], ann.id);
  EXPECT_EQ(lines[0]["bytes"], std::to_string(answer.body.size()));
  EXPECT_EQ(lines[0]["client"], "127.0.0.1");
  EXPECT_TRUE(std::regex_match(lines[0]["duration_ms"], std::regex("[0-9]+\\.[0-9]{3}")));
}

TEST_F(ObservabilityTest, MakesAnIdWhenTheClientSendsNoneOrAnUnusableOne) {
  HttpResult none = server().Request("GET", "/healthz");
  HttpResult again = server().Request("GET", "/healthz");
  EXPECT_TRUE(IsGeneratedId(none.header("X-Request-Id"))) << none.header("X-Request-Id");
  EXPECT_NE(none.header("X-Request-Id"), again.header("X-Request-Id"));
  for (const std::string& unusable :
       {std::string("has space"), std::string(129, 'a'), std::string("quote\"d")}) {
    HttpResult answer = server().Request("GET", "/healthz", "", "", {{"X-Request-Id", unusable}});
    EXPECT_TRUE(IsGeneratedId(answer.header("X-Request-Id"))) << unusable;
  }
  // Errors too, and the unauthenticated leave user_id empty.
  HttpResult refused = server().Request("GET", "/api/v1/me");
  EXPECT_EQ(refused.status, 401);
  auto lines = RequestLines(server().Log(), refused.header("X-Request-Id"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["status"], "401");
  EXPECT_EQ(lines[0]["user_id"], "-");
}

TEST_F(ObservabilityTest, AQuoteOrNewlineInAPathCannotForgeKeysOrSplitTheLine) {
  // Decoded, this path holds a quote, a space, "level=error" and a newline.
  HttpResult answer = server().Request("POST", "/nope%22%20level=error%0Aevent=forged", "", "",
                                       {{"X-Request-Id", "forge-1"}});
  EXPECT_EQ(answer.status, 404);
  std::string log = server().Log();
  EXPECT_EQ(log.find("\nevent=forged"), std::string::npos) << log;
  auto lines = RequestLines(log, "forge-1");
  ASSERT_EQ(lines.size(), 1u) << log;
  EXPECT_EQ(lines[0]["path"], "/nope\" level=error\nevent=forged");
  EXPECT_EQ(lines[0]["route"], "unmatched");
  EXPECT_EQ(lines[0]["level"], "info");
}

class QuietLogTest : public IntegrationTest {
  std::vector<std::string> ServeArgs() const override {
    return {"--no-access-log", "--cors-origin", "https://app.example.com"};
  }
};

TEST_F(QuietLogTest, NoAccessLogLeavesRequestsOut) {
  EXPECT_EQ(server().Request("GET", "/healthz").status, 200);
  EXPECT_TRUE(RequestLines(server().Log()).empty()) << server().Log();
  EXPECT_NE(server().Log().find("event=started"), std::string::npos);
}

TEST(LogLevel, WarnLeavesInfoLinesOutAndABadLevelIsAUsageError) {
  TestServer server({"--log-level", "warn"});
  EXPECT_EQ(server.Request("GET", "/healthz").status, 200);
  EXPECT_EQ(server.Log().find("level=info"), std::string::npos) << server.Log();
  CommandResult bad =
      RunAgora({"serve", "--data", server.data_dir(), "--log-level", "loud"}, std::nullopt);
  EXPECT_EQ(bad.exit_status, 2) << bad.output;
}

// CORS, with https://app.example.com configured by QuietLogTest's fixture.
TEST_F(QuietLogTest, AnswersThePreflightOfAConfiguredOrigin) {
  HttpResult preflight =
      server().Request("OPTIONS", "/api/v1/posts", "", "",
                       {{"Origin", "https://app.example.com"},
                        {"Access-Control-Request-Method", "POST"},
                        {"Access-Control-Request-Headers", "authorization, content-type"}});
  EXPECT_EQ(preflight.status, 204) << preflight;
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_NE(preflight.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(preflight.header("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  EXPECT_FALSE(preflight.has_header("Access-Control-Allow-Credentials"));
}

TEST_F(QuietLogTest, AnswersAConfiguredOriginAndNoOther) {
  TestUser ann = server().CreateAndLogin(admin_token_, "ann");
  HttpResult allowed =
      server().Request("GET", "/api/v1/me", "", ann.token, {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_NE(allowed.header("Access-Control-Expose-Headers").find("X-Request-Id"),
            std::string::npos);
  EXPECT_NE(allowed.header("Vary").find("Origin"), std::string::npos);

  HttpResult other =
      server().Request("GET", "/api/v1/me", "", ann.token, {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(other.has_header("Access-Control-Allow-Origin"));
  HttpResult other_preflight = server().Request(
      "OPTIONS", "/api/v1/posts", "", "",
      {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(other_preflight.status, 405);
  EXPECT_FALSE(other_preflight.has_header("Access-Control-Allow-Origin"));
}

TEST_F(ObservabilityTest, NothingIsOpenCrossOriginByDefault) {
  HttpResult answer =
      server().Request("GET", "/healthz", "", "", {{"Origin", "https://app.example.com"}});
  EXPECT_FALSE(answer.has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(answer.has_header("Vary"));
  HttpResult preflight = server().Request(
      "OPTIONS", "/api/v1/posts", "", "",
      {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 405);
}

TEST(CorsOrigin, AWildcardOrAPathIsAUsageError) {
  for (const char* origin : {"*", "https://app.example.com/app"}) {
    CommandResult bad =
        RunAgora({"serve", "--data", "/nonexistent", "--cors-origin", origin}, std::nullopt);
    EXPECT_EQ(bad.exit_status, 2) << bad.output;
    EXPECT_NE(bad.output.find("--cors-origin"), std::string::npos) << bad.output;
  }
}

// The value of metric line `name` (with its labels, if any), or -1.
double MetricValue(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

TEST_F(ObservabilityTest, MetricsShowTheProcessTheBuildAndTheFilesOnDisk) {
  TestUser ann = server().CreateAndLogin(admin_token_, "ann");
  ASSERT_EQ(server().Request("POST", "/api/v1/posts", R"({"text":"hello"})", ann.token).status,
            201);
  std::string text = server().Request("GET", "/metrics").body;
  EXPECT_GT(MetricValue(text, "process_resident_memory_bytes"), 1 << 20) << text;
  EXPECT_GT(MetricValue(text, "process_virtual_memory_bytes"),
            MetricValue(text, "process_resident_memory_bytes"));
  EXPECT_GT(MetricValue(text, "process_open_fds"), 3);
  EXPECT_GE(MetricValue(text, "process_max_fds"), MetricValue(text, "process_open_fds"));
  EXPECT_GE(MetricValue(text, "process_cpu_seconds_total"), 0);
  EXPECT_GT(MetricValue(text, "process_start_time_seconds"), 1.7e9);
  EXPECT_TRUE(std::regex_search(
      text, std::regex("\nagora_build_info\\{version=\"[0-9][^\"]*\",revision=\"[^\"]+\"\\} 1\n")))
      << text;
  if (OnPostgres()) {  // no store files here: PostgreSQL's statistics tell the store's size
    EXPECT_EQ(text.find("agora_store_bytes"), std::string::npos);
    EXPECT_EQ(text.find("agora_store_wal_bytes"), std::string::npos);
  } else {
    EXPECT_GT(MetricValue(text, "agora_store_bytes"), 0);
    EXPECT_GT(MetricValue(text, "agora_store_wal_bytes"), 0);  // the post is in the WAL
  }
  EXPECT_GT(MetricValue(text, "agora_search_index_bytes"), 0);
}

}  // namespace
}  // namespace agora::integration
