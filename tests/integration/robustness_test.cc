// What the server does with hostile or broken input: bad JSON, oversized bodies and headers,
// stalled clients; plus the operations endpoints and connection reuse.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/text.h"
#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class RobustnessIntegrationTest : public IntegrationTest {
 protected:
  // The login route parses its body before anything else and needs no token.
  HttpResult PostLogin(const std::string& body) { return Post("/api/v1/auth/login", body, ""); }
};

// `depth` (at least 2) nested JSON containers: an object holding arrays; 3 gives {"a":[[]]}.
std::string NestedJson(int depth) {
  std::string arrays(depth - 1, '[');
  std::string closing(depth - 1, ']');
  return R"({"a":)" + arrays + closing + "}";
}

std::string RequestHead(const std::string& request_line, const std::vector<std::string>& headers) {
  std::string head = request_line + "\r\nHost: 127.0.0.1\r\n";
  for (const auto& header : headers) head += header + "\r\n";
  return head + "\r\n";
}

TEST_F(RobustnessIntegrationTest, MalformedJsonIsInvalidJson) {
  for (const std::string& body :
       std::vector<std::string>{R"({"username": "admin",)", "{'username': 'admin'}",
                                R"({"username": "admin"} trailing)", "{"}) {
    SCOPED_TRACE(body);
    HttpResult answer = PostLogin(body);

    EXPECT_EQ(answer.status, 400) << answer;
    EXPECT_EQ(ErrorCode(answer.body), "invalid_json");
    EXPECT_TRUE(JsonHas(answer.body, "/error/message"));
  }
}

TEST_F(RobustnessIntegrationTest, JsonFollowedByNulAndGarbageIsInvalidJson) {
  HttpResult answer =
      PostLogin(std::string("{\"username\":\"admin\",\"password\":\"whatever1\"}\0garbage", 51));

  EXPECT_EQ(answer.status, 400) << answer;
  EXPECT_EQ(ErrorCode(answer.body), "invalid_json");
}

TEST_F(RobustnessIntegrationTest, InvalidUtf8InJsonStringIsInvalidUtf8) {
  // "\xC3\x28" is a two-byte sequence whose second byte is not a continuation byte.
  HttpResult answer = PostLogin("{\"username\":\"ad\xC3\x28min\",\"password\":\"whatever1\"}");

  EXPECT_EQ(answer.status, 400) << answer;
  EXPECT_EQ(ErrorCode(answer.body), "invalid_utf8");
}

TEST_F(RobustnessIntegrationTest, JsonNestedDeeperThan32IsRefused) {
  HttpResult answer = PostLogin(NestedJson(33));

  EXPECT_EQ(answer.status, 400) << answer;
  EXPECT_EQ(ErrorCode(answer.body), "json_too_deep");
}

TEST_F(RobustnessIntegrationTest, JsonNested32DeepIsParsed) {
  HttpResult answer = PostLogin(NestedJson(32));

  // Parsed fine; the login then misses its fields.
  EXPECT_EQ(answer.status, 422) << answer;
  EXPECT_EQ(ErrorCode(answer.body), "missing_field");
}

TEST_F(RobustnessIntegrationTest, NonObjectJsonBodyIsRefused) {
  for (const std::string& body :
       std::vector<std::string>{"[]", R"(["admin"])", R"("admin")", "42", "null", "true"}) {
    SCOPED_TRACE(body);
    HttpResult answer = PostLogin(body);

    EXPECT_EQ(answer.status, 400) << answer;
    EXPECT_EQ(ErrorCode(answer.body), "invalid_json");
  }
}

TEST_F(RobustnessIntegrationTest, EmptyBodyWhereObjectExpectedIsRefused) {
  HttpResult answer = Patch("/api/v1/users/@admin", "", admin_token_);

  EXPECT_EQ(answer.status, 400) << answer;
  EXPECT_EQ(ErrorCode(answer.body), "invalid_json");
}

TEST_F(RobustnessIntegrationTest, OversizedBodyWithContentLengthIs413) {
  // Only the head is sent: the server must refuse from Content-Length alone, without reading
  // (or waiting for) the megabyte.
  std::string head = RequestHead("POST /api/v1/auth/login HTTP/1.1",
                                 {"Content-Type: application/json", "Content-Length: 1048577"});

  std::string reply = SendRaw(server().endpoint(), head);

  EXPECT_EQ(RawStatus(reply), 413) << reply;
  EXPECT_EQ(ErrorCode(RawBody(reply)), "payload_too_large");
  EXPECT_NE(reply.find("Content-Type: application/json"), std::string::npos) << reply;
}

TEST_F(RobustnessIntegrationTest, OversizedChunkedBodyIs413) {
  // No Content-Length: the size is known only once 1 MiB of chunks went by.
  RawConnection connection(server().endpoint());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send(
      RequestHead("POST /api/v1/auth/login HTTP/1.1",
                  {"Content-Type: application/json", "Transfer-Encoding: chunked"})));
  const std::string chunk(64 * 1024, ' ');
  for (int i = 0; i < 16; ++i) {  // exactly the 1 MiB limit
    ASSERT_TRUE(connection.Send("10000\r\n" + chunk + "\r\n")) << "chunk " << i;
  }
  // One byte more; the chunk's data is held back so the server has nothing left unread.
  connection.Send("1\r\n");

  std::string reply = connection.ReadUntilClosed(std::chrono::seconds(5));

  EXPECT_EQ(RawStatus(reply), 413) << reply.substr(0, 200);
  EXPECT_EQ(ErrorCode(RawBody(reply)), "payload_too_large");
}

TEST_F(RobustnessIntegrationTest, BodyOfExactlyOneMebibyteIsAccepted) {
  // {"username":"admin","password":"not-it","pad":"   ...   "} padded to the limit exactly.
  std::string prefix = R"({"username":"admin","password":"not-it","pad":")";
  std::string suffix = "\"}";
  std::string body = prefix + std::string((1 << 20) - prefix.size() - suffix.size(), ' ') + suffix;
  ASSERT_EQ(body.size(), 1u << 20);

  HttpResult answer = PostLogin(body);

  EXPECT_EQ(answer.status, 401) << answer.status << " " << answer.body.substr(0, 200);
  EXPECT_EQ(ErrorCode(answer.body), "invalid_credentials");
}

TEST_F(RobustnessIntegrationTest, OversizedHeadersAre431) {
  std::string head = RequestHead("GET /healthz HTTP/1.1", {"X-Padding: " + std::string(9000, 'a')});

  std::string reply = SendRaw(server().endpoint(), head);

  EXPECT_EQ(RawStatus(reply), 431) << reply.substr(0, 200);
  EXPECT_EQ(ErrorCode(RawBody(reply)), "headers_too_large");
  EXPECT_NE(reply.find("Content-Type: application/json"), std::string::npos) << reply;
}

TEST_F(RobustnessIntegrationTest, MalformedHttpIs400) {
  std::string reply = SendRaw(server().endpoint(), "THIS IS NOT HTTP\r\n\r\n");

  EXPECT_EQ(RawStatus(reply), 400) << reply;
  EXPECT_EQ(ErrorCode(RawBody(reply)), "bad_request");
}

TEST_F(RobustnessIntegrationTest, ContentLengthTogetherWithChunkedIsRefused) {
  // Two framings for one body is how requests get smuggled past proxies.
  std::string reply = SendRaw(server().endpoint(),
                              RequestHead("POST /api/v1/auth/login HTTP/1.1",
                                          {"Content-Length: 5", "Transfer-Encoding: chunked"}) +
                                  "0\r\n\r\n");

  EXPECT_EQ(RawStatus(reply), 400) << reply;
  EXPECT_EQ(ErrorCode(RawBody(reply)), "bad_request");
}

TEST_F(RobustnessIntegrationTest, MalformedRequestTargetIs400) {
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/users/%zz", "/healthz?limit=%zz", "http://x/healthz"}) {
    SCOPED_TRACE(target);
    std::string reply = SendRaw(server().endpoint(),
                                RequestHead("GET " + target + " HTTP/1.1", {"Connection: close"}));

    EXPECT_EQ(RawStatus(reply), 400) << reply;
    EXPECT_EQ(ErrorCode(RawBody(reply)), "bad_request");
  }
}

// Under /scim/v2 an unknown resource is SCIM's 404, behind the provisioning token (scim_test).
TEST_F(RobustnessIntegrationTest, UnknownRouteIsNotFound) {
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/nothing-here", "/api/v1", "/api/v1/users/1/unknown", "/favicon.ico"}) {
    SCOPED_TRACE(target);
    HttpResult answer = Get(target, admin_token_);

    EXPECT_EQ(answer.status, 404) << answer;
    EXPECT_EQ(ErrorCode(answer.body), "not_found");
    EXPECT_EQ(answer.header("Content-Type"), "application/json");
  }
}

TEST_F(RobustnessIntegrationTest, UnknownRouteQuotingHostileBytesIsStillAJsonError) {
  // The 404 message quotes the decoded path: quotes, a backslash, a newline, a control
  // character and bytes that are not UTF-8 must all come back as valid JSON.
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/%22quoted%22%5C", "/api/v1/line%0Abreak%01",
                                "/api/v1/%FF%FE%C3%28", "/api/v1/%E2%82"}) {
    SCOPED_TRACE(target);
    HttpResult answer = Get(target, admin_token_);

    EXPECT_EQ(answer.status, 404) << answer;
    EXPECT_EQ(ErrorCode(answer.body), "not_found") << answer.body;
    EXPECT_EQ(answer.header("Content-Type"), "application/json");
    EXPECT_TRUE(IsValidUtf8(answer.body)) << answer.body;
  }
}

TEST_F(RobustnessIntegrationTest, WrongMethodIs405) {
  HttpResult answer = server().Request("DELETE", "/api/v1/me", "", admin_token_);

  EXPECT_EQ(answer.status, 405) << answer;
  EXPECT_EQ(ErrorCode(answer.body), "method_not_allowed");
  EXPECT_EQ(Post("/healthz", "", "").status, 405);
}

TEST_F(RobustnessIntegrationTest, WrongMethodAnswerNamesAllowedMethods) {
  // RFC 9110 section 15.5.6: a 405 response MUST carry an Allow header.
  HttpResult answer = server().Request("PUT", "/api/v1/users/@admin", "{}", admin_token_);

  ASSERT_EQ(answer.status, 405) << answer;
  std::string allow = answer.header("Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << "Allow: '" << allow << "'";
  EXPECT_NE(allow.find("PATCH"), std::string::npos) << "Allow: '" << allow << "'";
}

TEST_F(RobustnessIntegrationTest, StalledClientDoesNotBlockOthers) {
  RawConnection stalled(server().endpoint());
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.Send("GET /heal"));  // half a request line, then nothing

  HttpResult other = Get("/healthz", "");
  HttpResult me = Get("/api/v1/me", admin_token_);

  EXPECT_EQ(other.status, 200) << other;
  EXPECT_EQ(me.status, 200) << me;
  // The stalled connection is still waiting, not answered or dropped.
  EXPECT_FALSE(stalled.WaitForClose(std::chrono::milliseconds(200)));
}

TEST_F(RobustnessIntegrationTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpConnection connection(server().endpoint());

  HttpResult first = connection.Request("GET", "/healthz");
  bool kept_alive = connection.server_kept_alive();
  HttpResult second = connection.Request("GET", "/api/v1/me", "", admin_token_);
  HttpResult third = connection.Request("GET", "/api/v1/nothing-here", "", admin_token_);

  EXPECT_EQ(first.status, 200) << first;
  EXPECT_TRUE(kept_alive);
  EXPECT_EQ(second.status, 200) << second;
  EXPECT_EQ(JsonString(second.body, "/username"), "admin");
  EXPECT_EQ(third.status, 404) << third;  // an error answer keeps the connection too
  EXPECT_TRUE(connection.server_kept_alive());
}

TEST_F(RobustnessIntegrationTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection connection(server().endpoint());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(
      connection.Send(RequestHead("GET /healthz HTTP/1.1", {}) +
                      RequestHead("GET /api/nothing-here HTTP/1.1", {"Connection: close"})));

  std::string replies = connection.ReadUntilClosed(std::chrono::seconds(5));

  size_t second = replies.find("HTTP/1.1", 1);
  ASSERT_NE(second, std::string::npos) << replies;
  EXPECT_EQ(RawStatus(replies), 200) << replies;
  EXPECT_EQ(RawStatus(replies.substr(second)), 404) << replies;
}

TEST_F(RobustnessIntegrationTest, ExpectContinueIsHonoured) {
  const std::string body = R"({"username":"admin","password":"admin-password-1"})";
  RawConnection connection(server().endpoint());
  ASSERT_TRUE(connection.Send(
      RequestHead("POST /api/v1/auth/login HTTP/1.1",
                  {"Content-Type: application/json", "Expect: 100-continue",
                   "Content-Length: " + std::to_string(body.size()), "Connection: close"})));

  // Clients such as curl wait for the interim answer before sending the body.
  std::string interim = connection.ReadUntil("\r\n\r\n", std::chrono::seconds(5));
  ASSERT_EQ(RawStatus(interim), 100) << interim;
  ASSERT_TRUE(connection.Send(body));
  std::string reply = connection.ReadUntilClosed(std::chrono::seconds(5));

  EXPECT_EQ(RawStatus(reply), 200) << reply;
  EXPECT_TRUE(JsonHas(RawBody(reply), "/token")) << reply;
}

TEST_F(RobustnessIntegrationTest, Http10RequestIsAnsweredAndClosed) {
  std::string reply = SendRaw(server().endpoint(), "GET /healthz HTTP/1.0\r\n\r\n");

  EXPECT_TRUE(reply.starts_with("HTTP/1.0 200")) << reply;
  EXPECT_EQ(JsonString(RawBody(reply), "/status"), "ok");
}

TEST_F(RobustnessIntegrationTest, HealthzAndReadyzAnswerWithoutToken) {
  HttpResult health = Get("/healthz", "");
  HttpResult ready = Get("/readyz", "");

  EXPECT_EQ(health.status, 200) << health;
  EXPECT_EQ(JsonString(health.body, "/status"), "ok");
  EXPECT_EQ(ready.status, 200) << ready;
  EXPECT_EQ(JsonString(ready.body, "/status"), "ready");
}

TEST_F(RobustnessIntegrationTest, MetricsCountRequestsByRouteAndTimeThem) {
  ASSERT_EQ(Get("/healthz", "").status, 200);
  ASSERT_EQ(Get("/api/v1/users/@nobody", admin_token_).status, 404);

  HttpResult metrics = Get("/metrics", "");

  ASSERT_EQ(metrics.status, 200) << metrics;
  EXPECT_NE(metrics.header("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE agora_http_requests_total counter"), std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(R"(agora_http_requests_total{route="/healthz",method="GET",status="200"})"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(
          R"(agora_http_requests_total{route="/api/v1/users/{id}",method="GET",status="404"})"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(R"(agora_http_request_duration_seconds_bucket{route="/healthz",le=")"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(
                R"(agora_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 1)"),
            std::string::npos)
      << metrics.body;
}

// Short deadlines so the server gives up on slow clients within the test's patience.
class ShortTimeoutsIntegrationTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--idle-timeout-ms", "300", "--read-timeout-ms", "300"};
  }
};

TEST_F(ShortTimeoutsIntegrationTest, StalledRequestLineIsClosedAfterIdleTimeout) {
  RawConnection stalled(server().endpoint());
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.Send("GET /heal"));

  EXPECT_TRUE(stalled.WaitForClose(std::chrono::seconds(5)));
  EXPECT_EQ(Get("/healthz", "").status, 200);
}

TEST_F(ShortTimeoutsIntegrationTest, DribbledHeadersDoNotExtendTheIdleTimeout) {
  // Slowloris: a byte every 50 ms must not keep a connection open past the 300 ms deadline.
  RawConnection dribbling(server().endpoint());
  ASSERT_TRUE(dribbling.connected());
  const std::string request =
      RequestHead("GET /healthz HTTP/1.1", {"X-Slow: " + std::string(200, 'a')});
  auto started = std::chrono::steady_clock::now();
  bool closed = false;
  for (size_t i = 0; i < request.size() - 4 && !closed; ++i) {  // never the final blank line
    closed = !dribbling.Send(request.substr(i, 1)) ||
             dribbling.WaitForClose(std::chrono::milliseconds(50));
  }
  auto elapsed = std::chrono::steady_clock::now() - started;

  EXPECT_TRUE(closed);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(ShortTimeoutsIntegrationTest, SilentConnectionIsClosedAfterIdleTimeout) {
  RawConnection silent(server().endpoint());
  ASSERT_TRUE(silent.connected());

  EXPECT_TRUE(silent.WaitForClose(std::chrono::seconds(5)));
}

TEST_F(ShortTimeoutsIntegrationTest, StalledBodyIsClosedAfterReadTimeout) {
  RawConnection stalled(server().endpoint());
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.Send(RequestHead("POST /api/v1/auth/login HTTP/1.1",
                                       {"Content-Type: application/json", "Content-Length: 100"}) +
                           R"({"username":)"));

  EXPECT_TRUE(stalled.WaitForClose(std::chrono::seconds(5)));
  EXPECT_EQ(Get("/healthz", "").status, 200);
}

// A tiny connection cap, to see what the connection over it gets.
class ConnectionCapIntegrationTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--max-connections", "2"}; }
};

TEST_F(ConnectionCapIntegrationTest, ConnectionOverTheCapIsRefusedWith503) {
  // Two connections the server accepted and keeps open: each has had a request answered. One
  // opened while the set-up's own connections were still closing may be refused: open it again.
  auto held = [&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      auto c = std::make_unique<RawConnection>(server().endpoint());
      std::string reply;
      if (c->connected() && c->Send(RequestHead("GET /healthz HTTP/1.1", {}))) {
        reply = c->ReadUntil("\r\n\r\n", std::chrono::seconds(2));
      }
      if (RawStatus(reply) == 200 || std::chrono::steady_clock::now() > deadline) return c;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  auto first = held();
  auto second = held();
  ASSERT_TRUE(first->connected() && second->connected());

  std::string reply = SendRaw(server().endpoint(), RequestHead("GET /healthz HTTP/1.1", {}));

  EXPECT_EQ(RawStatus(reply), 503) << reply;
  EXPECT_EQ(ErrorCode(RawBody(reply)), "unavailable");
  EXPECT_NE(reply.find("Retry-After: 1"), std::string::npos) << reply;

  // Once they leave, newcomers are served again.
  first.reset();
  second.reset();
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    status = Get("/healthz", "").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace agora::integration
