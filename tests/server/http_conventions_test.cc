// The pure parts of the HTTP conventions: reading Accept-Encoding, what is worth gzip, and the
// Link header of a page's next one.
#include <gtest/gtest.h>

#include "server/compression.h"
#include "server/next_link.h"

namespace agora::server {
namespace {

TEST(AcceptsGzip, ReadsCodingsAndTheirQValues) {
  for (const char* yes : {"gzip", "GZIP", "deflate, gzip", "br;q=1.0, gzip;q=0.5", "x-gzip", "*",
                          "identity, *;q=0.1", " gzip ; q=1 "}) {
    EXPECT_TRUE(AcceptsGzip(yes)) << yes;
  }
  for (const char* no : {"", "identity", "br, deflate", "gzip;q=0", "gzip;q=0.000, *", "*;q=0",
                         "gzipx", "gzip;q=abc"}) {
    EXPECT_FALSE(AcceptsGzip(no)) << no;
  }
}

TEST(WorthCompressing, TextAndJsonOfAtLeastOneKibibyte) {
  EXPECT_TRUE(WorthCompressing("application/json", 1024));
  EXPECT_TRUE(WorthCompressing("application/scim+json", 5000));
  EXPECT_TRUE(WorthCompressing("text/html; charset=utf-8", 5000));
  EXPECT_TRUE(WorthCompressing("text/javascript", 5000));
  EXPECT_FALSE(WorthCompressing("application/json", 1023));
  EXPECT_FALSE(WorthCompressing("image/png", 50000));
  EXPECT_FALSE(WorthCompressing("", 50000));
}

ApiRequest Request(std::vector<std::string> path,
                   std::vector<std::pair<std::string, std::string>> query) {
  ApiRequest request;
  request.method = "GET";
  request.path = std::move(path);
  request.query = std::move(query);
  return request;
}

TEST(NextPageLink, SetsTheNextPositionAndKeepsTheOtherParameters) {
  ApiRequest request = Request({"api", "v1", "users"}, {{"limit", "2"}, {"cursor", "old"}});
  EXPECT_EQ(NextPageLink(request, R"({"items":[],"next_cursor":"a b&c"})"),
            R"(</api/v1/users?limit=2&cursor=a%20b%26c>; rel="next")");
  ApiRequest search = Request({"api", "v1", "search", "posts"}, {{"q", "x y"}});
  EXPECT_EQ(NextPageLink(search, R"({"results":[],"total":9,"next_offset":20})"),
            R"(</api/v1/search/posts?q=x%20y&offset=20>; rel="next")");
  EXPECT_EQ(NextPageLink(request, R"({"orderedItems":[],"next":"/api/v1/feeds/home?before=5"})"),
            R"(</api/v1/feeds/home?before=5>; rel="next")");
}

TEST(NextPageLink, NoneOnALastPageOrForWhatIsNotAPage) {
  ApiRequest request = Request({"api", "v1", "users"}, {});
  EXPECT_FALSE(NextPageLink(request, R"({"items":[]})"));
  EXPECT_FALSE(NextPageLink(request, R"({"items":[{"text":"\"next_cursor\":\"x\""}]})"));
  EXPECT_FALSE(NextPageLink(request, R"({"items":[{"next_cursor":"nested"}]})"));
  EXPECT_FALSE(NextPageLink(request, R"(["next_cursor"])"));
  EXPECT_FALSE(NextPageLink(request, "not json \"next"));
}

}  // namespace
}  // namespace agora::server
