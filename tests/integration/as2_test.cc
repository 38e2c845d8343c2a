// ActivityStreams 2.0 (server/as2.h): absolute ids that the server answers with their object,
// the media types asked for through Accept, sanitised HTML content, tags and addressing, and
// the --public-url flag. tests/as2 reads the same documents with two AS2/JSON-LD libraries.
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

const HeaderList kAs2Accept = {{"Accept", "application/activity+json"}};
constexpr const char* kPublic = "https://www.w3.org/ns/activitystreams#Public";

class As2IntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana", JsonBody().Set("display_name", "Ana Lima"));
    ben_ = CreateAndLogin("ben");
  }

  std::string Base() const {
    return "http://" + server_->host() + ":" + std::to_string(server_->port());
  }

  // GET of an absolute id of this server, asking for ActivityStreams.
  HttpResult Dereference(const std::string& iri, const std::string& token) {
    EXPECT_TRUE(iri.starts_with(Base() + "/")) << iri;
    return server_->Request("GET", iri.substr(Base().size()), "", token, kAs2Accept);
  }

  HttpResult GetAs2(const std::string& target, const std::string& token) {
    return server_->Request("GET", target, "", token, kAs2Accept);
  }

  TestUser ana_;
  TestUser ben_;
};

TEST_F(As2IntegrationTest, EveryIdOfAStreamPageIsAbsoluteAndAnswersItsObject) {
  std::string first = WritePost(ana_, "first #Launch");
  std::string second = WritePost(ana_, "second");
  HttpResult page = GetAs2("/api/v1/users/" + ana_.id + "/feed?limit=1", ana_.token);
  ASSERT_EQ(page.status, 200) << page;
  const std::string feed = Base() + "/api/v1/users/" + ana_.id + "/feed";
  EXPECT_EQ(JsonString(page.body, "/id"), feed + "?limit=1");
  EXPECT_EQ(JsonString(page.body, "/partOf"), feed);
  EXPECT_EQ(JsonString(page.body, "/next"), feed + "?before=" + second + "&limit=1");
  EXPECT_EQ(JsonString(page.body, "/prev"), feed + "?after=" + second + "&limit=1");

  std::string activity = JsonString(page.body, "/orderedItems/0/id").value_or("");
  EXPECT_EQ(activity, Base() + "/api/v1/posts/" + second + "/activity");
  HttpResult create = Dereference(activity, ben_.token);
  ASSERT_EQ(create.status, 200) << create;
  EXPECT_EQ(JsonString(create.body, "/type"), "Create");
  EXPECT_EQ(JsonString(create.body, "/id"), activity);

  std::string note = JsonString(page.body, "/orderedItems/0/object/id").value_or("");
  EXPECT_EQ(note, Base() + "/api/v1/posts/" + second);
  HttpResult object = Dereference(note, ben_.token);
  ASSERT_EQ(object.status, 200) << object;
  EXPECT_EQ(JsonString(object.body, "/type"), "Note");
  EXPECT_EQ(JsonString(object.body, "/id"), note);

  std::string actor = JsonString(page.body, "/orderedItems/0/actor/id").value_or("");
  EXPECT_EQ(actor, JsonString(page.body, "/orderedItems/0/object/attributedTo"));
  HttpResult person = Dereference(actor, ben_.token);
  ASSERT_EQ(person.status, 200) << person;
  EXPECT_EQ(JsonString(person.body, "/type"), "Person");
  EXPECT_EQ(JsonString(person.body, "/id"), actor);
  EXPECT_EQ(JsonString(person.body, "/name"), "Ana Lima");
  EXPECT_EQ(JsonString(person.body, "/preferredUsername"), "ana");
  EXPECT_EQ(JsonString(person.body, "/outbox"), feed);

  HttpResult older = Dereference(JsonString(page.body, "/next").value_or(""), ben_.token);
  ASSERT_EQ(older.status, 200) << older;
  EXPECT_EQ(JsonString(older.body, "/id"), feed + "?before=" + second + "&limit=1");
  EXPECT_EQ(JsonString(older.body, "/orderedItems/0/object/id"), Base() + "/api/v1/posts/" + first);
}

TEST_F(As2IntegrationTest, AReplyPointsAtThePostItAnswers) {
  std::string question = WritePost(ana_, "why?");
  std::string reply = WritePost(ben_, "because", "", JsonBody().Set("in_reply_to", question));
  HttpResult note = GetAs2("/api/v1/posts/" + reply, ana_.token);
  ASSERT_EQ(note.status, 200) << note;
  std::string parent = JsonString(note.body, "/inReplyTo").value_or("");
  EXPECT_EQ(parent, Base() + "/api/v1/posts/" + question);
  EXPECT_EQ(JsonString(Dereference(parent, ana_.token).body, "/source/content"), "why?");
  EXPECT_EQ(JsonString(GetAs2("/api/v1/posts/" + question, ana_.token).body, "/inReplyTo"),
            std::nullopt);
}

TEST_F(As2IntegrationTest, TheMediaTypeFollowsAcceptAndTheBodyStaysTheSame) {
  WritePost(ana_, "hello");
  HttpResult plain = Get("/api/v1/feeds/home", ana_.token);
  HttpResult activity = GetAs2("/api/v1/feeds/home", ana_.token);
  HttpResult ld = server_->Request("GET", "/api/v1/feeds/home", "", ana_.token,
                                   {{"Accept", "application/ld+json"}});
  ASSERT_EQ(plain.status, 200) << plain;
  EXPECT_EQ(plain.header("content-type"), "application/json");
  EXPECT_EQ(activity.header("content-type"), "application/activity+json");
  EXPECT_EQ(ld.header("content-type"),
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"");
  EXPECT_EQ(plain.body, activity.body);
  EXPECT_EQ(plain.body, ld.body);
}

TEST_F(As2IntegrationTest, PostsAndPeopleAreTheApisJsonUnlessAs2IsAskedFor) {
  std::string post = WritePost(ana_, "plain");
  HttpResult json = Get("/api/v1/posts/" + post, ben_.token);
  EXPECT_EQ(JsonString(json.body, "/text"), "plain");
  EXPECT_EQ(JsonString(json.body, "/type"), std::nullopt);
  HttpResult note = GetAs2("/api/v1/posts/" + post, ben_.token);
  EXPECT_EQ(note.header("content-type"), "application/activity+json");
  EXPECT_EQ(JsonString(note.body, "/agora:post/text"), "plain");
  EXPECT_EQ(JsonString(Get("/api/v1/users/" + ana_.id, ben_.token).body, "/username"), "ana");
  HttpResult person = GetAs2("/api/v1/users/" + ana_.id, ben_.token);
  EXPECT_EQ(JsonString(person.body, "/agora:user/username"), "ana");
  EXPECT_EQ(JsonString(person.body, "/agora:user/email"), std::nullopt);  // not ben's to see
  EXPECT_EQ(GetAs2("/api/v1/posts/999999999/activity", ben_.token).status, 404);
}

TEST_F(As2IntegrationTest, ContentIsEscapedHtmlWithLinksAndTheTextStaysInSource) {
  const std::string text =
      "<script>alert(1)</script> @ben @nobody #Négociation\n"
      "https://docs.example/a?b=1&c=2\" onmouseover=\"x";
  std::string post = WritePost(ana_, text);
  HttpResult note = GetAs2("/api/v1/posts/" + post, ana_.token);
  ASSERT_EQ(note.status, 200) << note;
  EXPECT_EQ(JsonString(note.body, "/source/content"), text);
  EXPECT_EQ(JsonString(note.body, "/source/mediaType"), "text/plain");
  EXPECT_EQ(JsonString(note.body, "/mediaType"), "text/html");
  const std::string ben = Base() + "/api/v1/users/" + ben_.id;
  const std::string tag = Base() + "/api/v1/search/posts?hashtag=n%C3%A9gociation";
  EXPECT_EQ(JsonString(note.body, "/content"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href=\"" + ben +
                "\" class=\"mention\">@ben</a> @nobody <a href=\"" + tag +
                "\" class=\"hashtag\" rel=\"tag\">#Négociation</a><br><a "
                "href=\"https://docs.example/a?b=1&amp;c=2\" rel=\"nofollow noopener "
                "noreferrer\">https://docs.example/a?b=1&amp;c=2</a>&quot; "
                "onmouseover=&quot;x</p>");
  EXPECT_EQ(JsonString(note.body, "/tag/0/type"), "Mention");
  EXPECT_EQ(JsonString(note.body, "/tag/0/href"), ben);
  EXPECT_EQ(JsonString(note.body, "/tag/0/name"), "@ben");
  EXPECT_EQ(JsonString(note.body, "/tag/1/type"), "Hashtag");
  EXPECT_EQ(JsonString(note.body, "/tag/1/href"), tag);
  EXPECT_EQ(JsonString(note.body, "/tag/1/name"), "#négociation");
  EXPECT_EQ(JsonString(note.body, "/tag/2/type"), std::nullopt);
  // The hashtag's href is a search that finds the post.
  ASSERT_TRUE(Eventually([&] {
    HttpResult found = Get(tag.substr(Base().size()), ana_.token);
    return JsonString(found.body, "/results/0/post/id") == post;
  }));
}

TEST_F(As2IntegrationTest, CommunityPostsAreAddressedToTheirCommunityAndNeverPublic) {
  std::string secret = CreateCommunity(ana_, "Falcon", "secret");
  std::string open = CreateCommunity(ana_, "Guild", "open");
  std::string public_post = WritePost(ana_, "for everyone");
  for (const std::string& community : {secret, open}) {
    SCOPED_TRACE(community);
    std::string post = WritePost(ana_, "inside", community);
    const std::string group = Base() + "/api/v1/communities/" + community;
    HttpResult note = GetAs2("/api/v1/posts/" + post, ana_.token);
    EXPECT_EQ(JsonString(note.body, "/to/0"), group);
    EXPECT_EQ(JsonString(note.body, "/audience"), group);
    HttpResult activity = GetAs2("/api/v1/posts/" + post + "/activity", ana_.token);
    EXPECT_EQ(JsonString(activity.body, "/to/0"), group);
    HttpResult feed = GetAs2("/api/v1/communities/" + community + "/feed", ana_.token);
    ASSERT_EQ(feed.status, 200) << feed;
    EXPECT_EQ(feed.body.find(kPublic), std::string::npos) << feed;
  }
  HttpResult note = GetAs2("/api/v1/posts/" + public_post, ben_.token);
  EXPECT_EQ(JsonString(note.body, "/to/0"), kPublic);
  EXPECT_EQ(JsonString(note.body, "/audience"), std::nullopt);
}

class As2PublicUrlTest : public As2IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--public-url", "https://agora.example.com/social/"};
  }
};

TEST_F(As2PublicUrlTest, ThePublicUrlIsTheBaseOfEveryId) {
  std::string post = WritePost(ana_, "hi @ben #tag");
  HttpResult page = GetAs2("/api/v1/feeds/home", ana_.token);
  const std::string base = "https://agora.example.com/social/api/v1/";
  EXPECT_EQ(JsonString(page.body, "/id"), base + "feeds/home?limit=20");
  EXPECT_EQ(JsonString(page.body, "/orderedItems/0/id"), base + "posts/" + post + "/activity");
  EXPECT_EQ(JsonString(page.body, "/orderedItems/0/actor/id"), base + "users/" + ana_.id);
  EXPECT_EQ(JsonString(page.body, "/orderedItems/0/object/tag/0/href"), base + "users/" + ben_.id);
  EXPECT_EQ(page.body.find("http://127.0.0.1"), std::string::npos) << page;
}

TEST(As2ServeFlagTest, APublicUrlThatIsNoHttpUrlIsAUsageError) {
  for (const char* bad :
       {"ftp://agora.example.com", "agora.example.com", "https://a.example/?x=1"}) {
    CommandResult r =
        RunAgora({"serve", "--data", "/nonexistent-agora-data", "--public-url", bad}, std::nullopt);
    EXPECT_EQ(r.exit_status, 2) << bad << ": " << r.output;
    EXPECT_NE(r.output.find("--public-url"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace agora::integration
