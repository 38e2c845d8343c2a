#include "server/as2.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

const As2Iris kIris("https://agora.example");

posts::Post WithText(std::string text) {
  posts::Post post;
  post.text = std::move(text);
  return post;
}

TEST(PostHtml, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(PostHtml(WithText("<script>alert('x') & \"y\"</script>"), kIris),
            "<p>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</p>");
}

TEST(PostHtml, TurnsLineBreaksIntoBrElements) {
  EXPECT_EQ(PostHtml(WithText("one\ntwo\r\nthree"), kIris), "<p>one<br>two<br>three</p>");
}

TEST(PostHtml, LinksHttpUrlsWithoutFollowingThem) {
  EXPECT_EQ(PostHtml(WithText("see https://docs.example/a?b=1&c=2."), kIris),
            "<p>see <a href=\"https://docs.example/a?b=1&amp;c=2\" rel=\"nofollow noopener "
            "noreferrer\">https://docs.example/a?b=1&amp;c=2</a>.</p>");
}

TEST(PostHtml, AQuoteInALinkCannotOpenAnAttribute) {
  std::string html = PostHtml(WithText("https://a.example/\"onmouseover=\"alert(1)"), kIris);
  EXPECT_EQ(html,
            "<p><a href=\"https://a.example/\" rel=\"nofollow noopener noreferrer\">"
            "https://a.example/</a>&quot;onmouseover=&quot;alert(1)</p>");
}

TEST(PostHtml, OtherSchemesStayText) {
  EXPECT_EQ(PostHtml(WithText("javascript:alert(1) data:text/html,<b>"), kIris),
            "<p>javascript:alert(1) data:text/html,&lt;b&gt;</p>");
}

TEST(PostHtml, MentionsOfPeopleLinkToThemAndOthersStayText) {
  posts::Post post = WithText("hi @Ana and @ghost");
  post.mentions.push_back({42, "ana"});
  EXPECT_EQ(PostHtml(post, kIris),
            "<p>hi <a href=\"https://agora.example/api/v1/users/42\" class=\"mention\">@Ana</a> "
            "and @ghost</p>");
}

TEST(PostHtml, HashtagsLinkToTheirSearchWithTheTagPercentEncoded) {
  EXPECT_EQ(PostHtml(WithText("#Café ok"), kIris),
            "<p><a href=\"https://agora.example/api/v1/search/posts?hashtag=caf%C3%A9\" "
            "class=\"hashtag\" rel=\"tag\">#Café</a> ok</p>");
}

TEST(PostHtml, KeepsUnicodeAsIs) {
  EXPECT_EQ(PostHtml(WithText("Žluťoučký 🐴 <日本>"), kIris), "<p>Žluťoučký 🐴 &lt;日本&gt;</p>");
}

TEST(As2MediaType, AnswersTheAs2TypeAskedForAndNothingElse) {
  EXPECT_EQ(As2MediaType("application/activity+json"), "application/activity+json");
  EXPECT_EQ(As2MediaType("text/html, Application/Activity+JSON;q=0.9"),
            "application/activity+json");
  EXPECT_EQ(As2MediaType("application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""),
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"");
  EXPECT_EQ(As2MediaType("application/json"), std::nullopt);
  EXPECT_EQ(As2MediaType(""), std::nullopt);
}

TEST(As2Iris, BuildsEveryIdOnTheBase) {
  EXPECT_EQ(kIris.Post(7), "https://agora.example/api/v1/posts/7");
  EXPECT_EQ(kIris.Activity(7), "https://agora.example/api/v1/posts/7/activity");
  EXPECT_EQ(kIris.User(8), "https://agora.example/api/v1/users/8");
  EXPECT_EQ(kIris.Community(9), "https://agora.example/api/v1/communities/9");
  EXPECT_EQ(kIris.Hashtag("a b&c"), "https://agora.example/api/v1/search/posts?hashtag=a%20b%26c");
}

}  // namespace
}  // namespace agora::server
