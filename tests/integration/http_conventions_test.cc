// The HTTP conventions generic clients rely on, over the real server: HEAD wherever GET is,
// Location on every 201, one `Link: rel="next"` pagination for every list kind, gzip when
// asked, RFC 3339 offsets in times, and RateLimit-* on the answers of quota-limited actions.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

// The target of a `Link: <target>; rel="next"` header, or nullopt when there is none.
std::optional<std::string> NextLink(const HttpResult& r) {
  static const std::regex kNext(R"re(<([^>]*)>\s*;\s*rel="next")re");
  std::smatch match;
  std::string link = r.header("Link");
  if (!std::regex_search(link, match, kNext)) return std::nullopt;
  // Stream pages link absolute IRIs (on the public URL, here the server itself); the test client
  // sends the path and query, as a browser on that origin would.
  static const std::regex kOrigin(R"re(^https?://[^/]+)re");
  return std::regex_replace(match[1].str(), kOrigin, "");
}

// `data` inflated from the gzip format; nullopt when it is not gzip.
std::optional<std::string> Gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

class HttpConventionsTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
  }

  // Follows `Link: rel="next"` from `first` to the last page, reading nothing of the bodies but
  // the ids at (`array`, `member`); every id seen, in order.
  std::vector<std::string> PageByLinks(const std::string& first, const std::string& token,
                                       const char* array, const char* member) {
    std::vector<std::string> seen;
    std::optional<std::string> target = first;
    for (int pages = 0; target && pages < 100; ++pages) {
      HttpResult page = Get(*target, token);
      EXPECT_EQ(page.status, 200) << *target << ": " << page;
      if (page.status != 200) break;
      for (auto& id : JsonIds(page.body, array, member)) seen.push_back(std::move(id));
      target = NextLink(page);
    }
    EXPECT_FALSE(target.has_value()) << "more than 100 pages";
    return seen;
  }

  TestUser ana_;
};

std::vector<std::string> Sorted(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(HttpConventionsTest, HeadThenGetOnOneKeptAliveConnectionBothAnswerCorrectly) {
  const std::string target = "/api/v1/users/" + ana_.id;
  HttpResult get = Get(target, ana_.token);
  ASSERT_EQ(get.status, 200) << get;

  // Raw bytes, pipelined: any body byte after HEAD's head would show before GET's status line.
  RawConnection raw(server().endpoint());
  ASSERT_TRUE(raw.connected());
  std::string head_request = "HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                             "Authorization: Bearer " + ana_.token + "\r\n\r\n";
  std::string get_request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                            "Authorization: Bearer " + ana_.token + "\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(raw.Send(head_request + get_request));
  std::string bytes = raw.ReadUntilClosed(std::chrono::seconds(5));
  size_t head_end = bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << bytes;
  EXPECT_EQ(RawStatus(bytes), 200) << bytes;
  EXPECT_NE(bytes.substr(0, head_end).find("Content-Length: " + std::to_string(get.body.size())),
            std::string::npos)
      << bytes;
  std::string after_head = bytes.substr(head_end + 4);
  EXPECT_TRUE(after_head.starts_with("HTTP/1.1 200")) << after_head;
  EXPECT_EQ(RawBody(after_head), get.body);

  // The same through a client that knows HEAD has no body, on one kept-alive connection.
  HttpConnection connection(server().endpoint());
  HttpResult head = connection.Request("HEAD", target, "", ana_.token);
  EXPECT_EQ(head.status, 200) << head;
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.header("Content-Type"), get.header("Content-Type"));
  ASSERT_TRUE(connection.server_kept_alive());
  HttpResult then_get = connection.Request("GET", target, "", ana_.token);
  EXPECT_EQ(then_get.status, 200) << then_get;
  EXPECT_EQ(then_get.body, get.body);
}

TEST_F(HttpConventionsTest, HeadOfAnErrorOrAPathWithoutGetHasNoBodyAndA405SaysAllow) {
  HttpConnection connection(server().endpoint());
  HttpResult missing = connection.Request("HEAD", "/api/v1/posts/999999999", "", ana_.token);
  EXPECT_EQ(missing.status, 404) << missing;
  EXPECT_TRUE(missing.body.empty());
  HttpResult post_only = connection.Request("HEAD", "/api/v1/auth/login");
  EXPECT_EQ(post_only.status, 405) << post_only;
  EXPECT_EQ(post_only.header("Allow"), "POST");
  EXPECT_TRUE(post_only.body.empty());
  ASSERT_TRUE(connection.server_kept_alive());
  HttpResult wrong_method = connection.Request("DELETE", "/api/v1/me", "", ana_.token);
  EXPECT_EQ(wrong_method.status, 405) << wrong_method;
  EXPECT_EQ(wrong_method.header("Allow"), "GET, HEAD");
  EXPECT_EQ(ErrorCode(wrong_method.body), "method_not_allowed");
  EXPECT_EQ(connection.Request("HEAD", "/healthz").status, 200);
}

TEST_F(HttpConventionsTest, EveryCreatedAnswerNamesItsResourceInLocation) {
  GrantSalesOps(ana_.id);
  std::string community = CreateCommunity(ana_, "Location guild", "open");
  struct Creation {
    std::string target;
    std::string body;
    std::string token;
  };
  const std::vector<Creation> creations = {
      {"/api/v1/posts", JsonBody().Set("text", "located").str(), ana_.token},
      {"/api/v1/communities", JsonBody().Set("name", "Located").Set("visibility", "open").str(),
       ana_.token},
      {"/api/v1/users",
       JsonBody()
           .Set("username", "cleo")
           .Set("display_name", "Cleo")
           .Set("email", "cleo@example.com")
           .Set("password", "correct-horse-1")
           .str(),
       admin_token_},
      {"/api/v1/users",
       JsonBody()
           .Set("username", "gus")
           .Set("display_name", "Gus")
           .Set("email", "gus@example.com")
           .Set("password", "correct-horse-1")
           .Set("guest_until", TimeFromNow(30 * 24 * 3600, 1))
           .Set("guest_communities", std::vector<std::string>{community})
           .str(),
       admin_token_},
      {"/api/v1/deals",
       JsonBody()
           .Set("customer", "Acme")
           .Set("sector", "retail")
           .Set("product", "POS terminal")
           .Set("region", "North")
           .Set("amount", "1234.5")
           .Set("currency", "EUR")
           .Set("outcome", "won")
           .Set("closed_on", "2026-01-15")
           .str(),
       ana_.token},
      {"/api/v1/campaigns",
       JsonBody()
           .Set("name", "Q1 push")
           .Set("starts_on", "2026-11-01")
           .Set("ends_on", "2026-11-30")
           .Set("metric", "won_amount")
           .Set("target", "1000")
           .Set("user_ids", std::vector<std::string>{ana_.id})
           .str(),
       admin_token_},
      {"/api/v1/quizzes",
       JsonBody()
           .Set("title", "Negotiation basics")
           .Set("skill", "Negotiation")
           .SetRaw("questions", R"([{"text":"Best first offer?","choices":["High","Low"],)"
                                R"("correct":[0]}])")
           .SetRaw("pass_mark", "1")
           .str(),
       admin_token_},
  };
  for (const Creation& c : creations) {
    SCOPED_TRACE(c.target + " " + c.body);
    HttpResult created = Post(c.target, c.body, c.token);
    ASSERT_EQ(created.status, 201) << created;
    std::string location = created.header("Location");
    ASSERT_FALSE(location.empty());
    EXPECT_EQ(location, c.target + "/" + JsonString(created.body, "/id").value_or("?"));
    HttpResult fetched = Get(location, c.token);
    EXPECT_EQ(fetched.status, 200) << fetched;
    EXPECT_EQ(JsonString(fetched.body, "/id"), JsonString(created.body, "/id"));
  }
}

TEST_F(HttpConventionsTest, AGenericPagerFollowingOnlyLinkHeadersWalksEveryListKind) {
  std::vector<std::string> users = {ana_.id};
  for (int i = 0; i < 4; ++i) users.push_back(CreateUser("walker" + std::to_string(i)));
  std::vector<std::string> posts;
  for (int i = 0; i < 5; ++i) posts.push_back(WritePost(ana_, "walk " + std::to_string(i)));

  // Pages of items (next_cursor): the accounts, the admin's included.
  std::vector<std::string> listed =
      PageByLinks("/api/v1/users?limit=2", admin_token_, "/items", "/id");
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size());
  EXPECT_EQ(listed.size(), users.size() + 1);
  for (const auto& id : users) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), id), listed.end()) << id;
  }

  // ActivityStreams stream pages (next): a profile's feed.
  EXPECT_EQ(Sorted(PageByLinks("/api/v1/users/" + ana_.id + "/feed?limit=2", ana_.token,
                               "/orderedItems", "/object/agora:post/id")),
            Sorted(posts));

  // Search results (next_offset), once the index has the posts.
  ASSERT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=walk&limit=1", ana_.token).body, "/total") ==
           static_cast<int64_t>(posts.size());
  }));
  EXPECT_EQ(Sorted(PageByLinks("/api/v1/search/posts?q=walk&limit=2", ana_.token, "/results",
                               "/post/id")),
            Sorted(posts));

  // The last page of each has no Link; the query parameters are kept on the next one.
  HttpResult first = Get("/api/v1/search/posts?q=walk&limit=2", ana_.token);
  EXPECT_EQ(NextLink(first), "/api/v1/search/posts?q=walk&limit=2&offset=2");
  EXPECT_FALSE(NextLink(Get("/api/v1/users?limit=100", admin_token_)).has_value());
}

TEST_F(HttpConventionsTest, LargeAnswersAreGzippedWhenAskedAndIdenticalOnceInflated) {
  for (int i = 0; i < 30; ++i) {
    WritePost(ana_, "A post long enough that a page of them is worth compressing, number " +
                        std::to_string(i));
  }
  const std::string target = "/api/v1/users/" + ana_.id + "/feed?limit=30";
  HttpResult identity = Get(target, ana_.token);
  ASSERT_EQ(identity.status, 200) << identity;
  ASSERT_GT(identity.body.size(), 1024u);
  EXPECT_FALSE(identity.has_header("Content-Encoding"));
  EXPECT_EQ(identity.header("Vary"), "Accept-Encoding");

  HttpResult gzipped =
      server().Request("GET", target, "", ana_.token, {{"Accept-Encoding", "br;q=1, gzip"}});
  ASSERT_EQ(gzipped.status, 200) << gzipped;
  EXPECT_EQ(gzipped.header("Content-Encoding"), "gzip");
  EXPECT_EQ(gzipped.header("Vary"), "Accept-Encoding");
  EXPECT_LT(gzipped.body.size(), identity.body.size() / 2);
  EXPECT_EQ(Gunzip(gzipped.body), identity.body);

  HttpResult head = server().Request("HEAD", target, "", ana_.token, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(head.header("Content-Encoding"), "gzip");
  EXPECT_EQ(head.header("Content-Length"), std::to_string(gzipped.body.size()));

  // q=0 refuses gzip; a small answer is never compressed.
  HttpResult refused =
      server().Request("GET", target, "", ana_.token, {{"Accept-Encoding", "gzip;q=0, *"}});
  EXPECT_FALSE(refused.has_header("Content-Encoding"));
  EXPECT_EQ(refused.body, identity.body);
  HttpResult small = server().Request("GET", "/api/v1/users/" + ana_.id, "", ana_.token,
                                      {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.status, 200) << small;
  EXPECT_FALSE(small.has_header("Content-Encoding"));
}

TEST_F(HttpConventionsTest, TimesWithOffsetsAreReadAsTheSameInstantAndABadOneNamesItsParameter) {
  std::string post = WritePost(ana_, "offsets in time");
  ASSERT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=offsets", ana_.token).body, "/total") == 1;
  }));
  auto found = [&](const std::string& query) {
    HttpResult r = Get("/api/v1/search/posts?q=offsets&" + query, ana_.token);
    EXPECT_EQ(r.status, 200) << query << ": " << r;
    return JsonIds(r.body, "/results", "/post/id");
  };
  // 2000-01-01T00:00:00Z written three ways, and a time long after now written with offsets.
  for (const char* since :
       {"2000-01-01T00:00:00Z", "2000-01-01T01:00:00%2B01:00", "1999-12-31T18:30:00.000-05:30"}) {
    EXPECT_EQ(found(std::string("since=") + since), std::vector<std::string>{post}) << since;
  }
  EXPECT_TRUE(found("since=2099-01-01T09:30:00.5%2B01:00").empty());
  EXPECT_EQ(found("until=2099-01-01T03:00:00-05:30"), std::vector<std::string>{post});

  HttpResult bad =
      Get("/api/v1/search/posts?q=offsets&until=2026-11-22T08:30:00%2B0100", ana_.token);
  EXPECT_EQ(bad.status, 400) << bad;
  EXPECT_EQ(ErrorCode(bad.body), "invalid_time");
  EXPECT_NE(JsonString(bad.body, "/error/message").value_or("").find("until"), std::string::npos);
}

class RateLimitHeadersTest : public HttpConventionsTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--quota", "post=3/1h"}; }
};

TEST_F(RateLimitHeadersTest, RemainingCountsDownOverPostsUntilThe429) {
  for (int remaining = 2; remaining >= 0; --remaining) {
    HttpResult r = Post("/api/v1/posts", JsonBody().Set("text", "counted").str(), ana_.token);
    ASSERT_EQ(r.status, 201) << r;
    EXPECT_EQ(r.header("RateLimit-Limit"), "3");
    EXPECT_EQ(r.header("RateLimit-Remaining"), std::to_string(remaining));
    ASSERT_TRUE(r.has_header("RateLimit-Reset"));
    int reset = std::stoi(r.header("RateLimit-Reset"));
    EXPECT_GE(reset, 1);
    EXPECT_LE(reset, 3600);
  }
  HttpResult refused = Post("/api/v1/posts", JsonBody().Set("text", "over").str(), ana_.token);
  EXPECT_EQ(refused.status, 429) << refused;
  EXPECT_EQ(refused.header("RateLimit-Remaining"), "0");
  // An answer that took no quota says nothing of one.
  EXPECT_FALSE(Get("/api/v1/me", ana_.token).has_header("RateLimit-Limit"));
}

}  // namespace
}  // namespace agora::integration
