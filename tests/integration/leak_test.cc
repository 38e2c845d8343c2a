// The leak suite: posts in a private and a secret community, each with a unique marker, must
// never reach anyone outside them, through any route that exists. Every later capability adds
// its routes here.
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "tests/integration/integration_test.h"
#include "tests/integration/ws_client.h"

namespace agora::integration {
namespace {

constexpr const char* kPrivateMarker = "MARKER-PRIVATE-7f3a9c";
constexpr const char* kSecretMarker = "MARKER-SECRET-b81d44";
constexpr const char* kPrivateReplyMarker = "MARKER-PRIVATE-REPLY-19e0";
constexpr const char* kSecretReplyMarker = "MARKER-SECRET-REPLY-5c2f";
const HeaderList kNoHeaders;

class LeakIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    author_ = CreateAndLogin("author");
    insider_ = CreateAndLogin("insider");
    follower_ = CreateAndLogin("follower");
    stranger_ = CreateAndLogin("stranger");
    removed_ = CreateAndLogin("removed");
    banned_ = CreateAndLogin("banned");
    other_mod_ = CreateAndLogin("other.mod");
    deactivated_ = CreateAndLogin("deactivated");

    private_ = CreateCommunity(author_, "Private deals", "private");
    secret_ = CreateCommunity(author_, "Project Falcon", "secret");
    other_ = CreateCommunity(other_mod_, "Other guild", "open");
    for (const std::string& id : {private_, secret_}) {
      for (const TestUser* who : {&insider_, &removed_, &banned_, &deactivated_}) {
        Must(
            Post(Path(id, "/invitations"), JsonBody().Set("user_id", who->id).str(), author_.token),
            201);
        Must(Post(Path(id, "/invitations/accept"), "", who->token), 200);
      }
    }
    Must(Post("/api/v1/users/" + author_.id + "/follow", "", follower_.token), 200);

    private_post_ = Write(author_, kPrivateMarker, private_);
    secret_post_ = Write(author_, kSecretMarker, secret_);
    private_reply_ = Reply(insider_, kPrivateReplyMarker, private_post_);
    secret_reply_ = Reply(insider_, kSecretReplyMarker, secret_post_);
    Must(Post("/api/v1/posts/" + private_post_ + "/reactions", "", insider_.token), 200);
    Must(Post("/api/v1/posts/" + secret_post_ + "/reactions", "", insider_.token), 200);
    private_deal_ = WriteDeal(author_, kPrivateMarker, private_);
    secret_deal_ = WriteDeal(author_, kSecretMarker, secret_);
    public_post_ = Write(author_, "a public post everyone may read", "");
    // Mentions of everyone, while removed and banned are still members: notifications the
    // outsiders must never get, and that the removed and banned lose with their access.
    const std::string everyone = " cc @follower @stranger @removed @banned @other.mod @insider";
    private_mention_ = Write(author_, kPrivateMarker + everyone, private_);
    secret_mention_ = Write(author_, kSecretMarker + everyone, secret_);
    private_report_ = FileReport(insider_, private_post_);
    secret_report_ = FileReport(insider_, secret_post_);
    Must(Post(Path(secret_, "/pins"), JsonBody().Set("post_id", secret_post_).str(), author_.token),
         201);

    // Removed and banned people had read the posts while they were members.
    for (const TestUser* who : {&removed_, &banned_}) {
      std::string home = Get("/api/v1/feeds/home?limit=100", who->token).body;
      EXPECT_NE(home.find(kPrivateMarker), std::string::npos);
      EXPECT_NE(home.find(kSecretMarker), std::string::npos);
    }
    for (const std::string& id : {private_, secret_}) {
      Must(Delete(Path(id, "/members/" + removed_.id), author_.token), 204);
      Must(Post(Path(id, "/bans"), JsonBody().Set("user_id", banned_.id).str(), author_.token),
           201);
    }
    // Personal access tokens: the insider's (named with a marker) must never show to others;
    // the deactivated account's must end with it.
    HttpResult insider_token = Post("/api/v1/me/tokens",
                                    JsonBody()
                                        .Set("name", kPrivateMarker)
                                        .Set("scopes", std::vector<std::string>{"read", "write"})
                                        .str(),
                                    insider_.token);
    Must(insider_token, 201);
    insider_token_id_ = JsonString(insider_token.body, "/id").value_or("");
    insider_token_secret_ = JsonString(insider_token.body, "/token").value_or("");
    HttpResult deactivated_token =
        Post("/api/v1/me/tokens",
             JsonBody().Set("name", "bot").Set("scopes", std::vector<std::string>{"read"}).str(),
             deactivated_.token);
    Must(deactivated_token, 201);
    deactivated_token_ = JsonString(deactivated_token.body, "/token").value_or("");
    Must(Post("/api/v1/users/" + deactivated_.id + "/deactivate", "", admin_token_), 200);
    // Membership rules on the secret community, and a person they brought in when HR moved
    // them, whom outsiders follow: neither the rules nor the join may show outside.
    falconer_ = CreateAndLogin("falconer");
    for (const TestUser* who : {&stranger_, &follower_, &other_mod_}) {
      Must(Post("/api/v1/users/" + falconer_.id + "/follow", "", who->token), 200);
    }
    Must(Put(Path(secret_, "/membership_rules"), R"({"rules":[{"department":"Falcon-ops"}]})",
             author_.token),
         200);
    Must(Patch("/api/v1/users/" + falconer_.id, JsonBody().Set("department", "Falcon-ops").str(),
               admin_token_),
         200);

    // The crawl means something only once search holds the hidden posts (two posts, two
    // replies, two deal stories, two mentions): members find them all.
    ASSERT_TRUE(Eventually([&] {
      HttpResult r = Get("/api/v1/search/posts?q=marker&limit=100", insider_.token);
      return JsonInt(r.body, "/total") == 8;
    }));

    // Knowledge: a question with an accepted answer and a quiz (answers and explanations
    // marked) in each hidden community, attempted by a member.
    for (auto [community, marker, question, answer, quiz] :
         {std::tuple{private_, kPrivateMarker, &private_question_, &private_answer_,
                     &private_quiz_},
          std::tuple{secret_, kSecretMarker, &secret_question_, &secret_answer_, &secret_quiz_}}) {
      *question = WritePost(author_, std::string(marker) + " question?", community,
                            JsonBody().Set("kind", "question"));
      *answer = Reply(insider_, std::string(marker) + " answer", *question);
      Must(Post("/api/v1/posts/" + *question + "/accept", JsonBody().Set("reply_id", *answer).str(),
                author_.token),
           200);
      const std::string m = marker;
      HttpResult created =
          Post("/api/v1/quizzes",
               JsonBody()
                   .Set("title", m + " quiz")
                   .Set("skill", "falcon")
                   .Set("community_id", community)
                   .SetRaw("questions", R"([{"text":"q","choices":["a","b"],"correct":[1],)"
                                        R"("explanation":")" +
                                            m + R"("}])")
                   .str(),
               author_.token);
      Must(created, 201);
      *quiz = JsonString(created.body, "/id").value_or("");
      Must(Post("/api/v1/quizzes/" + *quiz + "/attempts", R"({"answers":[[1]]})", insider_.token),
           201);
    }
  }

  void Must(const HttpResult& r, int status) { ASSERT_EQ(r.status, status) << r; }
  // A deal story whose text and every field is `marker`, so a facet would show it too.
  std::string WriteDeal(const TestUser& by, const std::string& marker,
                        const std::string& community) {
    JsonBody deal = JsonBody()
                        .Set("customer", marker)
                        .Set("sector", marker)
                        .Set("product", marker)
                        .Set("region", marker)
                        .SetInt("amount", 1000)
                        .Set("currency", "EUR")
                        .Set("closed_on", "2026-11-02")
                        .Set("outcome", "won");
    HttpResult r = Post("/api/v1/posts",
                        JsonBody()
                            .Set("text", marker)
                            .Set("kind", "deal_story")
                            .Set("community_id", community)
                            .SetRaw("deal", deal.str())
                            .str(),
                        by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  std::string Path(const std::string& id, const std::string& rest = "") {
    return "/api/v1/communities/" + id + rest;
  }
  std::string Write(const TestUser& by, const std::string& text, const std::string& community) {
    return WritePost(by, text, community);
  }
  std::string FileReport(const TestUser& by, const std::string& post) {
    HttpResult r = Post("/api/v1/posts/" + post + "/report",
                        JsonBody().Set("reason", "checking the leak suite").str(), by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  std::string Reply(const TestUser& by, const std::string& text, const std::string& parent) {
    HttpResult r = Post("/api/v1/posts",
                        JsonBody().Set("text", text).Set("in_reply_to", parent).str(), by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }

  // Everything an outsider can ask, with the status each must get; no body may hold a marker
  // or a hidden post's id.
  void CrawlAsOutsider(const TestUser& who, const std::string& name) {
    SCOPED_TRACE(name);
    struct Probe {
      std::string method, target, body;
      int status;
    };
    std::vector<Probe> probes = {
        {"GET", "/api/v1/feeds/home?limit=100", "", 200},
        {"GET", "/api/v1/notifications?limit=100", "", 200},
        {"GET", "/api/v1/notifications?unread=true&limit=100", "", 200},
        {"GET", "/api/v1/notifications/unread_count", "", 200},
        {"GET", "/api/v1/users/" + author_.id + "/feed?limit=100", "", 200},
        {"GET", "/api/v1/users/" + insider_.id + "/feed?limit=100", "", 200},
        {"GET", "/api/v1/users/" + author_.id, "", 200},
        {"GET", "/api/v1/posts/" + public_post_, "", 200},
        {"GET", "/api/v1/communities?limit=100", "", 200},
        {"GET", "/api/v1/communities?q=falcon", "", 200},
        {"GET", Path(private_), "", 200},  // private communities are listed
        {"GET", Path(private_, "/feed"), "", 403},
        {"GET", Path(private_, "/members"), "", 403},
        {"GET", Path(private_, "/audit"), "", 403},
        {"GET", Path(private_, "/requests"), "", 403},
        {"GET", Path(secret_), "", 404},
        {"GET", Path(secret_, "/feed"), "", 404},
        {"GET", Path(secret_, "/members"), "", 404},
        {"GET", Path(secret_, "/audit"), "", 404},
        {"GET", Path(private_, "/membership_rules"), "", 403},
        {"PUT", Path(private_, "/membership_rules"), R"({"rules":[]})", 403},
        {"GET", Path(secret_, "/membership_rules"), "", 404},
        {"PUT", Path(secret_, "/membership_rules"), R"({"rules":[]})", 404},
        {"GET", "/api/v1/users/" + falconer_.id, "", 200},
        {"POST", Path(secret_, "/join"), "", 404},
        {"POST", Path(secret_, "/invitations/accept"), "", 404},
        {"PATCH", Path(secret_), JsonBody().Set("name", "Renamed").str(), 404},
        {"GET", Path(private_, "/reports"), "", 403},
        {"GET", Path(secret_, "/reports"), "", 404},
        {"POST", Path(private_, "/pins"), JsonBody().Set("post_id", private_post_).str(), 403},
        {"POST", Path(secret_, "/pins"), JsonBody().Set("post_id", secret_post_).str(), 404},
        {"POST", "/api/v1/reports/" + private_report_ + "/resolve",
         JsonBody().Set("action", "dismiss").str(), 404},
        {"POST", "/api/v1/reports/" + secret_report_ + "/resolve",
         JsonBody().Set("action", "dismiss").str(), 404},
        {"POST", "/api/v1/posts", JsonBody().Set("text", "x").Set("community_id", private_).str(),
         404},
        {"POST", "/api/v1/posts", JsonBody().Set("text", "x").Set("community_id", secret_).str(),
         404},
        // Search: hits, totals, highlights, facets, expert ranks and evidence.
        {"GET", "/api/v1/search/posts?q=marker&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?q=7f3a9c", "", 200},
        {"GET", "/api/v1/search/posts?q=b81d44", "", 200},
        {"GET", "/api/v1/search/posts?q=marker*", "", 200},
        // Few posts hold every word: posts holding some follow, readable ones only.
        {"GET", "/api/v1/search/posts?q=7f3a9c%20b81d44%20qwxzyv&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?q=marker%20qwxzyv&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?kind=status&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?author_id=" + author_.id + "&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?kind=deal_story", "", 200},
        {"GET", "/api/v1/search/posts?q=marker&community_id=" + private_, "", 403},
        {"GET", "/api/v1/search/posts?q=marker&community_id=" + secret_, "", 404},
        {"GET", "/api/v1/search/deals", "", 200},
        {"GET", "/api/v1/search/deals?q=marker", "", 200},
        {"GET", "/api/v1/search/deals?sector=" + std::string(kPrivateMarker), "", 200},
        {"GET", "/api/v1/search/experts?q=marker", "", 200},
        {"GET", "/api/v1/search/experts?q=7f3a9c%20b81d44", "", 200},
        {"GET", "/api/v1/search/people?q=author", "", 200},
        // Knowledge: questions, accepted answers, quizzes, their results, verified skills.
        {"GET", "/api/v1/questions?limit=100", "", 200},
        {"GET", "/api/v1/questions?unanswered=true&limit=100", "", 200},
        {"GET", "/api/v1/questions?q=marker", "", 200},
        {"GET", "/api/v1/questions?community_id=" + private_, "", 403},
        {"GET", "/api/v1/questions?community_id=" + secret_, "", 404},
        {"GET", "/api/v1/quizzes?limit=100", "", 200},
        {"GET", "/api/v1/quizzes?skill=falcon", "", 200},
        {"GET", "/api/v1/quizzes?community_id=" + private_, "", 403},
        {"GET", "/api/v1/quizzes?community_id=" + secret_, "", 404},
        {"GET", "/api/v1/me/quiz_attempts", "", 200},
        {"GET", "/api/v1/users/" + insider_.id, "", 200},
        // Accounts: the admin's list, other people's tokens and password resets.
        {"GET", "/api/v1/users?limit=100", "", 403},
        {"GET", "/api/v1/users?email=insider%40example.com", "", 403},
        {"GET", "/api/v1/me/tokens?limit=100", "", 200},
        {"GET", "/api/v1/users/" + insider_.id + "/tokens", "", 403},
        {"DELETE", "/api/v1/users/" + insider_.id + "/tokens/" + insider_token_id_, "", 403},
        {"DELETE", "/api/v1/me/tokens/" + insider_token_id_, "", 404},
        {"POST", "/api/v1/users/" + insider_.id + "/password_reset", "", 403},
        {"POST", "/api/v1/users/" + insider_.id + "/reactivate", "", 403},
        // SCIM shows every account to the identity provider, never to a person's token.
        {"GET", "/scim/v2/Users?count=200", "", 401},
        {"GET", "/scim/v2/Users/" + author_.id, "", 401},
        {"PATCH", "/scim/v2/Users/" + insider_.id,
         R"({"Operations":[{"op":"replace","path":"active","value":false}]})", 401},
        // SCIM Groups are communities, members included: the provisioning token's alone.
        {"GET", "/scim/v2/Groups?count=200", "", 401},
        {"GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Project%20Falcon%22", "", 401},
        {"GET", "/scim/v2/Groups/" + secret_, "", 401},
        {"PATCH", "/scim/v2/Groups/" + secret_,
         R"({"Operations":[{"op":"add","path":"members","value":[{"value":")" + insider_.id +
             R"("}]}]})",
         401},
        {"POST", "/scim/v2/Groups", R"({"displayName":"Leak group"})", 401},
        // Exports: one's own data holds nothing of what one cannot read; others' are refused.
        {"GET", "/api/v1/me/export", "", 200},
        {"GET", "/api/v1/users/" + author_.id + "/export", "", 403},
        {"GET", "/api/v1/users/" + insider_.id + "/export", "", 403},
        {"GET", "/api/v1/admin/export", "", 403},
    };
    for (auto [question, answer, quiz] :
         {std::tuple{private_question_, private_answer_, private_quiz_},
          std::tuple{secret_question_, secret_answer_, secret_quiz_}}) {
      probes.push_back({"GET", "/api/v1/posts/" + question, "", 404});
      probes.push_back({"GET", "/api/v1/posts/" + answer, "", 404});
      probes.push_back({"POST", "/api/v1/posts/" + question + "/accept",
                        JsonBody().Set("reply_id", answer).str(), 404});
      probes.push_back({"DELETE", "/api/v1/posts/" + question + "/accept", "", 404});
      probes.push_back({"GET", "/api/v1/quizzes/" + quiz, "", 404});
      probes.push_back({"GET", "/api/v1/quizzes/" + quiz + "/results", "", 404});
      probes.push_back({"GET", "/api/v1/quizzes/" + quiz + "/results?by=team", "", 404});
      probes.push_back(
          {"PATCH", "/api/v1/quizzes/" + quiz, JsonBody().Set("title", "t").str(), 404});
      probes.push_back(
          {"POST", "/api/v1/quizzes/" + quiz + "/attempts", R"({"answers":[[1]]})", 404});
    }
    for (const std::string& post : {private_post_, secret_post_, private_reply_, secret_reply_}) {
      probes.push_back({"GET", "/api/v1/posts/" + post, "", 404});
      probes.push_back({"GET", "/api/v1/posts/" + post + "/activity", "", 404});
      probes.push_back({"GET", "/api/v1/posts/" + post + "/replies", "", 404});
      probes.push_back({"POST", "/api/v1/posts/" + post + "/reactions", "", 404});
      probes.push_back({"DELETE", "/api/v1/posts/" + post + "/reactions?type=like", "", 404});
      probes.push_back({"PATCH", "/api/v1/posts/" + post, JsonBody().Set("text", "y").str(), 404});
      probes.push_back({"DELETE", "/api/v1/posts/" + post, "", 404});
      probes.push_back({"POST", "/api/v1/posts/" + post + "/report",
                        JsonBody().Set("reason", "probe").str(), 404});
      probes.push_back({"POST", "/api/v1/posts",
                        JsonBody().Set("text", "reply").Set("in_reply_to", post).str(), 404});
    }
    // Every GET again as ActivityStreams (server/as2.h): the same answer in another shape,
    // with ids and addressing that must not name what is hidden either.
    const HeaderList as2 = {{"Accept", "application/activity+json"}};
    for (const Probe& p : probes) {
      for (const HeaderList* headers : {&kNoHeaders, &as2}) {
        if (headers == &as2 && p.method != "GET") continue;
        HttpResult r = server().Request(p.method, p.target, p.body, who.token, *headers);
        EXPECT_EQ(r.status, p.status) << p.method << " " << p.target << " " << r;
        for (const char* marker :
             {kPrivateMarker, kSecretMarker, kPrivateReplyMarker, kSecretReplyMarker}) {
          EXPECT_EQ(r.body.find(marker), std::string::npos) << p.method << " " << p.target;
        }
        for (const std::string& hidden :
             {private_post_, secret_post_, private_reply_, secret_reply_, secret_, private_report_,
              secret_report_, private_mention_, secret_mention_, private_deal_, secret_deal_,
              private_question_, secret_question_, private_answer_, secret_answer_, private_quiz_,
              secret_quiz_, insider_token_id_, insider_token_secret_}) {
          EXPECT_EQ(r.body.find(hidden), std::string::npos)
              << p.method << " " << p.target << " names " << hidden;
        }
        if (p.target.starts_with("/api/v1/search/") && r.status == 200) {
          // Hidden posts count nowhere: not in a total, not as an expert's rank.
          if (JsonHas(r.body, "/total") && p.target.find("marker") != std::string::npos) {
            EXPECT_EQ(JsonInt(r.body, "/total"), 0) << p.target;
          }
          if (p.target.starts_with("/api/v1/search/experts")) {
            EXPECT_TRUE(JsonIds(r.body, "/results", "/user/id").empty()) << p.target << " " << r;
          }
        }
      }
    }
    // The count agrees with what the list shows (e.g. a removed member keeps the invitation to
    // the listed private community, and loses everything about its posts).
    EXPECT_EQ(
        JsonInt(Get("/api/v1/notifications/unread_count", who.token).body, "/count"),
        static_cast<int64_t>(
            JsonIds(Get("/api/v1/notifications?unread=true&limit=100", who.token).body).size()));
    CheckStreamAsOutsider(who);
    // The posts are untouched by all of the above.
    HttpResult still = Get("/api/v1/posts/" + private_post_, insider_.token);
    EXPECT_EQ(JsonString(still.body, "/text"), kPrivateMarker);
    EXPECT_EQ(JsonInt(still.body, "/reactions_count"), 1);
    EXPECT_EQ(JsonInt(still.body, "/replies_count"), 1);
  }

  // Nothing in the stream, neither replayed from the whole recent window nor live, names a
  // marker or a hidden id; a barrier (someone follows `who`) ends each check.
  void CheckStreamAsOutsider(const TestUser& who) {
    auto check_until_barrier = [&](WsClient& ws, const std::string& barrier) {
      for (int i = 0; i < 100; ++i) {
        auto message = ws.Read();
        ASSERT_TRUE(message) << "no barrier; closed=" << ws.closed();
        EXPECT_EQ(message->find("MARKER"), std::string::npos) << *message;
        for (const std::string& hidden :
             {private_post_, secret_post_, private_reply_, secret_reply_, secret_, private_mention_,
              secret_mention_}) {
          EXPECT_EQ(message->find(hidden), std::string::npos) << *message;
        }
        if (message->find(barrier) != std::string::npos) return;
      }
      ADD_FAILURE() << "the barrier never came";
    };
    WsClient ws(server().endpoint(), "/api/v1/stream?last_event_id=1&access_token=" + who.token);
    ASSERT_TRUE(ws.open()) << ws.refusal_status();
    check_until_barrier(ws, Barrier(who));
    // New content, live: another marker post, a mention and a reply in each community.
    for (const std::string& community : {private_, secret_}) {
      std::string post = Write(author_, "MARKER-LIVE @" + who.username, community);
      Reply(insider_, "MARKER-LIVE-REPLY @" + who.username, post);
    }
    check_until_barrier(ws, Barrier(who));
  }
  std::string Barrier(const TestUser& who) {
    TestUser follower = CreateAndLogin("barrier" + std::to_string(++barriers_));
    Must(Post("/api/v1/users/" + who.id + "/follow", "", follower.token), 200);
    return follower.id;
  }

  // The seventh actor: a guest of community A (`guest_home_`, private, moderated by
  // other_mod_) crawls every route. Beyond the private and secret communities, they must learn
  // nothing of community B (`other_`, open), of company-wide posts, questions, quizzes and
  // announcements, of anyone outside A (even by id), nor of deals, campaigns and results.
  void CrawlAsGuest() {
    guest_home_ = CreateCommunity(other_mod_, "Guest home", "private");
    HttpResult created = Post("/api/v1/users",
                              JsonBody()
                                  .Set("username", "guest")
                                  .Set("display_name", "A guest")
                                  .Set("email", "guest@partner.example")
                                  .Set("password", "correct horse battery")
                                  .Set("guest_until", TimeFromNow(30 * 24 * 3600))
                                  .Set("guest_communities", std::vector<std::string>{guest_home_})
                                  .str(),
                              admin_token_);
    ASSERT_EQ(created.status, 201) << created;
    TestUser guest{JsonString(created.body, "/id").value_or(""), "guest",
                   server().Login("guest", "correct horse battery")};
    ASSERT_FALSE(guest.token.empty());
    const std::string welcome = WritePost(other_mod_, "welcome to the guest home", guest_home_);

    // Company-wide and community-B content, each marked; none of it may reach the guest.
    constexpr const char* kGuestMarker = "GUESTLEAK-0c7d";
    const std::string m = kGuestMarker;
    const std::string company_question =
        WritePost(author_, m + " company question?", "", JsonBody().Set("kind", "question"));
    const std::string open_post = WritePost(other_mod_, m + " open guild post", other_);
    const std::string announcement =
        WritePost(TestUser{"", "admin", admin_token_}, m + " announcement", "",
                  JsonBody().Set("kind", "announcement"));
    HttpResult quiz = Post("/api/v1/quizzes",
                           JsonBody()
                               .Set("title", m + " company quiz")
                               .Set("skill", "falcon")
                               .SetRaw("questions", R"([{"text":"q","choices":["a","b"],)"
                                                    R"("correct":[1]}])")
                               .str(),
                           admin_token_);
    Must(quiz, 201);
    const std::string company_quiz = JsonString(quiz.body, "/id").value_or("");
    ASSERT_TRUE(Eventually([&] {
      HttpResult r = Get("/api/v1/search/posts?q=0c7d", insider_.token);
      return JsonInt(r.body, "/total") == 3;
    }));

    SCOPED_TRACE("guest");
    struct Probe {
      std::string method, target, body;
      int status;
    };
    std::vector<Probe> probes = {
        {"GET", "/api/v1/feeds/home?limit=100", "", 200},
        {"GET", "/api/v1/notifications?limit=100", "", 200},
        {"GET", "/api/v1/notifications?unread=true&limit=100", "", 200},
        {"GET", "/api/v1/notifications/unread_count", "", 200},
        {"GET", "/api/v1/me", "", 200},
        {"GET", "/api/v1/users/" + other_mod_.id, "", 200},  // shares the guest home
        {"GET", "/api/v1/users/" + other_mod_.id + "/followers", "", 200},
        {"GET", "/api/v1/users/" + other_mod_.id + "/following", "", 200},
        {"GET", "/api/v1/users/" + other_mod_.id + "/reports", "", 200},
        {"GET", "/api/v1/communities?limit=100", "", 200},
        {"GET", "/api/v1/communities?q=guild", "", 200},
        {"GET", "/api/v1/communities?q=falcon", "", 200},
        {"GET", Path(guest_home_), "", 200},
        {"GET", Path(guest_home_, "/feed"), "", 200},
        {"GET", Path(guest_home_, "/members"), "", 200},
        {"GET", "/api/v1/search/posts?q=marker&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?q=0c7d&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?q=public", "", 200},
        {"GET", "/api/v1/search/posts?q=marker%20public%20qwxzyv&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?kind=status&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?kind=question&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?author_id=" + author_.id + "&limit=100", "", 200},
        {"GET", "/api/v1/search/posts?kind=deal_story", "", 200},
        {"GET", "/api/v1/questions?limit=100", "", 200},
        {"GET", "/api/v1/questions?q=0c7d", "", 200},
        {"GET", "/api/v1/quizzes?limit=100", "", 200},
        {"GET", "/api/v1/quizzes?skill=falcon", "", 200},
        {"GET", "/api/v1/me/quiz_attempts", "", 200},
        // Company-wide features: refused whatever they name.
        {"GET", "/api/v1/search/people?q=author", "", 403},
        {"GET", "/api/v1/search/experts?q=marker", "", 403},
        {"GET", "/api/v1/search/deals", "", 403},
        {"GET", "/api/v1/search/deals?q=marker", "", 403},
        {"GET", "/api/v1/deals", "", 403},
        {"GET", "/api/v1/deals/" + private_deal_, "", 403},
        {"GET", "/api/v1/campaigns", "", 403},
        {"GET", "/api/v1/results/monthly?month=2026-11", "", 403},
        {"GET", "/api/v1/users/" + author_.id + "/feed", "", 403},
        {"POST", "/api/v1/users/" + author_.id + "/follow", "", 403},
        {"POST", "/api/v1/posts", JsonBody().Set("text", "hello company").str(), 403},
        {"POST", Path(other_, "/join"), "", 403},
        {"GET", "/api/v1/quizzes/" + company_quiz, "", 404},
        {"POST", "/api/v1/quizzes/" + company_quiz + "/attempts", R"({"answers":[[1]]})", 404},
        {"GET", "/api/v1/questions?community_id=" + other_, "", 404},
        {"GET", "/api/v1/quizzes?community_id=" + other_, "", 404},
        {"GET", "/api/v1/search/posts?q=x&community_id=" + other_, "", 404},
    };
    // People outside the guest home: unknown, whatever the route.
    for (const TestUser* outside :
         {&author_, &insider_, &follower_, &stranger_, &removed_, &banned_, &deactivated_}) {
      for (const char* rest : {"", "/followers", "/following", "/reports"}) {
        probes.push_back({"GET", "/api/v1/users/" + outside->id + rest, "", 404});
      }
      probes.push_back({"GET", "/api/v1/users/@" + outside->username, "", 404});
    }
    // Every community but the guest home: unknown, open, private or secret.
    for (const std::string& community : {other_, private_, secret_}) {
      for (const char* rest : {"", "/feed", "/members", "/audit", "/requests", "/reports"}) {
        probes.push_back({"GET", Path(community, rest), "", 404});
      }
      probes.push_back({"POST", "/api/v1/posts",
                        JsonBody().Set("text", "x").Set("community_id", community).str(), 404});
    }
    probes.push_back({"POST", Path(private_, "/join"), "", 404});
    probes.push_back({"POST", Path(secret_, "/join"), "", 404});
    probes.push_back({"POST", Path(secret_, "/invitations/accept"), "", 404});
    for (const std::string& post :
         {public_post_, company_question, open_post, announcement, private_post_, secret_post_,
          private_reply_, secret_reply_, private_question_, secret_question_}) {
      probes.push_back({"GET", "/api/v1/posts/" + post, "", 404});
      probes.push_back({"GET", "/api/v1/posts/" + post + "/replies", "", 404});
      probes.push_back({"POST", "/api/v1/posts/" + post + "/reactions", "", 404});
      probes.push_back({"POST", "/api/v1/posts/" + post + "/report",
                        JsonBody().Set("reason", "probe").str(), 404});
      probes.push_back({"POST", "/api/v1/posts",
                        JsonBody().Set("text", "reply").Set("in_reply_to", post).str(), 404});
    }
    for (const std::string& quiz_id : {private_quiz_, secret_quiz_}) {
      probes.push_back({"GET", "/api/v1/quizzes/" + quiz_id, "", 404});
    }

    std::vector<std::string> hidden = {
        private_post_,    secret_post_,   private_reply_,  secret_reply_,     secret_,
        private_,         other_,         private_report_, secret_report_,    private_mention_,
        secret_mention_,  private_deal_,  secret_deal_,    private_question_, secret_question_,
        private_answer_,  secret_answer_, private_quiz_,   secret_quiz_,      public_post_,
        company_question, open_post,      announcement,    company_quiz,      author_.id,
        insider_.id,      follower_.id,   stranger_.id,    removed_.id,       banned_.id,
        deactivated_.id};
    for (const Probe& p : probes) {
      HttpResult r = server().Request(p.method, p.target, p.body, guest.token);
      EXPECT_EQ(r.status, p.status) << p.method << " " << p.target << " " << r;
      for (const char* marker : {kPrivateMarker, kSecretMarker, kPrivateReplyMarker,
                                 kSecretReplyMarker, kGuestMarker, "public post"}) {
        EXPECT_EQ(r.body.find(marker), std::string::npos) << p.method << " " << p.target;
      }
      for (const std::string& id : hidden) {
        EXPECT_EQ(r.body.find(id), std::string::npos)
            << p.method << " " << p.target << " names " << id;
      }
      // Hidden posts count in no total (the guest home's own posts may match the others).
      if (p.target.starts_with("/api/v1/search/posts?q=") && r.status == 200) {
        EXPECT_EQ(JsonInt(r.body, "/total"), 0) << p.target << " " << r;
      }
    }
    // The guest home is theirs: its post reaches them.
    EXPECT_NE(Get("/api/v1/feeds/home", guest.token).body.find(welcome), std::string::npos);
    EXPECT_EQ(
        JsonInt(Get("/api/v1/notifications/unread_count", guest.token).body, "/count"),
        static_cast<int64_t>(
            JsonIds(Get("/api/v1/notifications?unread=true&limit=100", guest.token).body).size()));

    // The stream, replayed from the whole window and live: company-wide posts, announcements,
    // community B and the hidden communities never reach it. The barrier is a co-member's
    // post in the guest home that mentions them (guests are not told of follows).
    int barriers = 0;
    auto barrier = [&] {
      return WritePost(other_mod_, "barrier " + std::to_string(++barriers) + " @guest",
                       guest_home_);
    };
    auto check_until_barrier = [&](WsClient& ws, const std::string& until) {
      for (int i = 0; i < 200; ++i) {
        auto message = ws.Read();
        ASSERT_TRUE(message) << "no barrier; closed=" << ws.closed();
        EXPECT_EQ(message->find("MARKER"), std::string::npos) << *message;
        EXPECT_EQ(message->find(kGuestMarker), std::string::npos) << *message;
        for (const std::string& id : hidden) {
          EXPECT_EQ(message->find(id), std::string::npos) << *message;
        }
        if (message->find(until) != std::string::npos) return;
      }
      ADD_FAILURE() << "the barrier never came";
    };
    WsClient ws(server().endpoint(), "/api/v1/stream?last_event_id=1&access_token=" + guest.token);
    ASSERT_TRUE(ws.open()) << ws.refusal_status();
    check_until_barrier(ws, barrier());
    WritePost(author_, m + " live company post");
    WritePost(TestUser{"", "admin", admin_token_}, m + " live announcement", "",
              JsonBody().Set("kind", "announcement"));
    WritePost(other_mod_, m + " live open post @guest", other_);
    for (const std::string& community : {private_, secret_}) {
      Write(author_, "MARKER-LIVE @guest", community);
    }
    Follow(author_, guest);  // an outsider's follow: not told
    check_until_barrier(ws, barrier());
  }

  std::string guest_home_;
  int barriers_ = 0;
  std::string insider_token_id_, insider_token_secret_, deactivated_token_;
  std::string private_mention_, secret_mention_;
  TestUser author_, insider_, follower_, stranger_, removed_, banned_, other_mod_, deactivated_;
  TestUser falconer_;
  std::string private_, secret_, other_;
  std::string private_post_, secret_post_, private_reply_, secret_reply_, public_post_;
  std::string private_deal_, secret_deal_;
  std::string private_report_, secret_report_;
  std::string private_question_, secret_question_, private_answer_, secret_answer_;
  std::string private_quiz_, secret_quiz_;
};

TEST_F(LeakIntegrationTest, MembersSeeEverythingTheSuiteHidesFromOthers) {
  std::string home = Get("/api/v1/feeds/home?limit=100", insider_.token).body;
  EXPECT_NE(home.find(kPrivateMarker), std::string::npos);
  EXPECT_NE(home.find(kSecretMarker), std::string::npos);
  EXPECT_EQ(Get("/api/v1/posts/" + secret_reply_, insider_.token).status, 200);
  HttpResult feed = Get(Path(secret_, "/feed"), insider_.token);
  ASSERT_EQ(feed.status, 200) << feed;
  EXPECT_NE(feed.body.find(kSecretMarker), std::string::npos);
  EXPECT_EQ(feed.body.find(kSecretReplyMarker), std::string::npos);  // replies stay in threads
  HttpResult replies = Get("/api/v1/posts/" + private_post_ + "/replies", insider_.token);
  EXPECT_NE(replies.body.find(kPrivateReplyMarker), std::string::npos);
  HttpResult deals = Get("/api/v1/search/deals?q=marker", insider_.token);
  EXPECT_EQ(JsonInt(deals.body, "/total"), 2);
  EXPECT_NE(deals.body.find(kSecretMarker), std::string::npos);
  HttpResult experts = Get("/api/v1/search/experts?q=marker", insider_.token);
  EXPECT_NE(JsonIds(experts.body, "/results", "/user/id").size(), 0u) << experts;
  // Their export holds their reply and their reaction in the secret community.
  HttpResult exported = Get("/api/v1/me/export", insider_.token);
  EXPECT_NE(exported.body.find(kSecretReplyMarker), std::string::npos) << exported;
  EXPECT_NE(exported.body.find("\"post_id\":\"" + secret_post_ + "\""), std::string::npos);
}

TEST_F(LeakIntegrationTest, MembersSeeQuestionsAndQuizzesButNeverTheAnswersBeforeScoring) {
  HttpResult questions = Get("/api/v1/questions?community_id=" + secret_, insider_.token);
  EXPECT_EQ(JsonIds(questions.body), std::vector<std::string>{secret_question_}) << questions;
  EXPECT_EQ(JsonString(questions.body, "/items/0/accepted_answer_id"), secret_answer_);
  for (const std::string& target :
       {"/api/v1/quizzes/" + secret_quiz_, "/api/v1/quizzes/" + private_quiz_,
        std::string("/api/v1/quizzes?limit=100"), std::string("/api/v1/me/quiz_attempts")}) {
    HttpResult r = Get(target, insider_.token);
    ASSERT_EQ(r.status, 200) << target << r;
    EXPECT_EQ(r.body.find("\"correct\""), std::string::npos) << target;
    EXPECT_EQ(r.body.find("\"explanation\""), std::string::npos) << target;
  }
  EXPECT_EQ(JsonIds(Get("/api/v1/quizzes?limit=100", insider_.token).body).size(), 2u);
}

TEST_F(LeakIntegrationTest, MembersAreNotifiedOfWhatTheOutsidersAreNot) {
  HttpResult r = Get("/api/v1/notifications?limit=100", insider_.token);
  EXPECT_NE(r.body.find(private_mention_), std::string::npos) << r;
  EXPECT_NE(r.body.find(secret_mention_), std::string::npos) << r;
}

TEST_F(LeakIntegrationTest, RuleDrivenJoinsAndRulesStayInsideTheSecretCommunity) {
  // The rule brought falconer in; the rules stand after every outsider's PUT was refused.
  HttpResult rules = Get(Path(secret_, "/membership_rules"), falconer_.token);
  ASSERT_EQ(rules.status, 200) << rules;
  EXPECT_EQ(JsonString(rules.body, "/rules/0/department"), "Falcon-ops");
  CrawlAsOutsider(stranger_, "stranger");
  EXPECT_EQ(Get(Path(secret_, "/membership_rules"), falconer_.token).body, rules.body);
  // The join told nobody: falconer's followers have no notification naming the community.
  for (const TestUser* who : {&stranger_, &follower_, &other_mod_}) {
    HttpResult r = Get("/api/v1/notifications?limit=100", who->token);
    EXPECT_EQ(r.body.find(secret_), std::string::npos) << r;
    EXPECT_EQ(r.body.find("Falcon"), std::string::npos) << r;
  }
  HttpResult list = Get("/api/v1/communities?limit=100", stranger_.token);
  EXPECT_EQ(list.body.find(secret_), std::string::npos);
}

TEST_F(LeakIntegrationTest, DeactivatedAccountGetsNoStream) {
  WsClient ws(server().endpoint(), "/api/v1/stream?access_token=" + deactivated_.token);
  EXPECT_FALSE(ws.open());
  EXPECT_EQ(ws.refusal_status(), 401);
  EXPECT_EQ(ws.refusal_body().find("MARKER"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/notifications", deactivated_.token).status, 401);
}

TEST_F(LeakIntegrationTest, NonMemberWhoFollowsTheAuthorSeesNothing) {
  CrawlAsOutsider(follower_, "follower");
}

TEST_F(LeakIntegrationTest, NonMemberSeesNothing) { CrawlAsOutsider(stranger_, "stranger"); }

TEST_F(LeakIntegrationTest, AnOutsiderCannotTellWhetherASecretNameExists) {
  auto create = [&](const TestUser& who, const std::string& name) {
    return Post("/api/v1/communities",
                JsonBody().Set("name", name).Set("visibility", "secret").str(), who.token);
  };
  auto rename = [&](const std::string& name) {
    return Patch(Path(other_), JsonBody().Set("name", name).str(), other_mod_.token);
  };
  // For a member the secret community is there: its name, however written, is taken.
  EXPECT_EQ(ErrorCode(create(insider_, "PROJECT FALCON ").body), "name_taken");
  // For outsiders the secret community's name and a name nobody uses answer alike, whether
  // they create a community or rename one (listed) to it.
  HttpResult created_as_secret = create(stranger_, "Project\u200b Falcon");
  HttpResult created_as_unused = create(follower_, "Project Osprey");
  EXPECT_EQ(created_as_secret.status, 201) << created_as_secret;
  EXPECT_EQ(created_as_unused.status, 201) << created_as_unused;
  HttpResult renamed_as_unused = rename("Project Kestrel");
  HttpResult renamed_as_secret = rename("project falcon");
  EXPECT_EQ(renamed_as_unused.status, 200) << renamed_as_unused;
  EXPECT_EQ(renamed_as_secret.status, 200) << renamed_as_secret;
  HttpResult list = Get("/api/v1/communities?q=falcon&limit=100", stranger_.token);
  EXPECT_EQ(list.body.find(secret_), std::string::npos) << list;
}

TEST_F(LeakIntegrationTest, EveryPostRouteAnswersAHiddenPostAsAMissingOne) {
  const std::string missing = "999999999";
  struct Probe {
    std::string method, suffix, body;
  };
  const std::vector<Probe> probes = {
      {"GET", "", ""},
      {"GET", "/activity", ""},
      {"GET", "/replies", ""},
      {"POST", "/reactions", ""},
      {"DELETE", "/reactions?type=like", ""},
      {"PATCH", "", JsonBody().Set("text", "y").str()},
      {"DELETE", "", ""},
      {"POST", "/report", JsonBody().Set("reason", "probe").str()},
      {"POST", "/accept", JsonBody().Set("reply_id", missing).str()},
      {"DELETE", "/accept", ""},
  };
  for (const TestUser* who : {&stranger_, &removed_, &banned_, &other_mod_}) {
    for (const std::string& hidden :
         {private_post_, secret_post_, secret_reply_, secret_question_}) {
      for (const Probe& p : probes) {
        SCOPED_TRACE(who->username + " " + p.method + " " + p.suffix);
        HttpResult seen =
            server().Request(p.method, "/api/v1/posts/" + hidden + p.suffix, p.body, who->token);
        HttpResult absent =
            server().Request(p.method, "/api/v1/posts/" + missing + p.suffix, p.body, who->token);
        EXPECT_EQ(seen.status, absent.status) << seen;
        EXPECT_EQ(seen.body, absent.body);
      }
      HttpResult reply =
          Post("/api/v1/posts", JsonBody().Set("text", "r").Set("in_reply_to", hidden).str(),
               who->token);
      HttpResult orphan =
          Post("/api/v1/posts", JsonBody().Set("text", "r").Set("in_reply_to", missing).str(),
               who->token);
      EXPECT_EQ(reply.status, orphan.status) << reply;
      EXPECT_EQ(reply.body, orphan.body);
    }
  }
}

TEST_F(LeakIntegrationTest, HeadAnswersAHiddenResourceAsAMissingOneLikeGet) {
  const std::string missing = "999999999";
  const std::vector<std::pair<std::string, std::string>> probes = {
      {"/api/v1/posts/" + private_post_, "/api/v1/posts/" + missing},
      {"/api/v1/posts/" + secret_post_, "/api/v1/posts/" + missing},
      {"/api/v1/posts/" + secret_reply_ + "/replies", "/api/v1/posts/" + missing + "/replies"},
      {"/api/v1/communities/" + secret_, "/api/v1/communities/" + missing},
      {Path(secret_, "/feed"), Path(missing, "/feed")},
  };
  for (const TestUser* who : {&stranger_, &removed_, &banned_}) {
    for (const auto& [hidden, absent] : probes) {
      SCOPED_TRACE(who->username + " " + hidden);
      HttpResult head_hidden = server().Request("HEAD", hidden, "", who->token);
      HttpResult head_absent = server().Request("HEAD", absent, "", who->token);
      HttpResult get_hidden = Get(hidden, who->token);
      EXPECT_EQ(head_hidden.status, 404) << head_hidden;
      EXPECT_EQ(head_hidden.status, head_absent.status);
      EXPECT_EQ(head_hidden.status, get_hidden.status);
      EXPECT_TRUE(head_hidden.body.empty());
      EXPECT_EQ(head_hidden.header("Content-Length"), head_absent.header("Content-Length"));
      EXPECT_EQ(head_hidden.header("Content-Length"), std::to_string(get_hidden.body.size()));
    }
  }
}

TEST_F(LeakIntegrationTest, ConditionalHeadersTellAnOutsiderNothing) {
  const std::string missing = "999999999";
  for (const std::string& base :
       {std::string("/api/v1/posts/"), std::string("/api/v1/communities/")}) {
    bool posts = base == "/api/v1/posts/";
    for (const std::string& hidden : posts ? std::vector<std::string>{private_post_, secret_post_}
                                           : std::vector<std::string>{secret_}) {
      HttpResult insiders = Get(base + hidden, insider_.token);
      ASSERT_EQ(insiders.status, 200) << insiders;
      const std::string tag = insiders.header("ETag");
      ASSERT_FALSE(tag.empty());
      // The same 404 with or without If-None-Match, and no tag to compare.
      for (const HeaderList& headers :
           {HeaderList{}, HeaderList{{"If-None-Match", tag}}, HeaderList{{"If-None-Match", "*"}}}) {
        SCOPED_TRACE(base + hidden + " " + (headers.empty() ? "" : headers[0].second));
        HttpResult seen = server().Request("GET", base + hidden, "", stranger_.token, headers);
        HttpResult absent = server().Request("GET", base + missing, "", stranger_.token, headers);
        EXPECT_EQ(seen.status, 404) << seen;
        EXPECT_EQ(seen.body, absent.body);
        EXPECT_FALSE(seen.has_header("ETag"));
      }
      // An edit with the current, a stale or any tag is the same 404, never a 412.
      const std::string edit =
          posts ? JsonBody().Set("text", "y").str() : JsonBody().Set("description", "y").str();
      for (const std::string& condition : {tag, std::string("\"r0-stale\""), std::string("*")}) {
        SCOPED_TRACE(base + hidden + " If-Match " + condition);
        HttpResult seen = server().Request("PATCH", base + hidden, edit, stranger_.token,
                                           {{"If-Match", condition}});
        HttpResult absent = server().Request("PATCH", base + missing, edit, stranger_.token,
                                             {{"If-Match", condition}});
        EXPECT_EQ(seen.status, 404) << seen;
        EXPECT_EQ(seen.body, absent.body);
      }
      EXPECT_EQ(Get(base + hidden, insider_.token).header("ETag"), tag);  // nothing changed
    }
  }
}

TEST_F(LeakIntegrationTest, ANonMembersAccessTokenSeesNoMoreThanThey) {
  HttpResult created = Post("/api/v1/me/tokens",
                            JsonBody()
                                .Set("name", "crawler")
                                .Set("scopes", std::vector<std::string>{"read", "write"})
                                .str(),
                            stranger_.token);
  Must(created, 201);
  TestUser bot = stranger_;
  bot.token = JsonString(created.body, "/token").value_or("");
  CrawlAsOutsider(bot, "stranger's access token");
}

TEST_F(LeakIntegrationTest, RemovedMemberLosesWhatTheyOnceSaw) {
  CrawlAsOutsider(removed_, "removed");
}

TEST_F(LeakIntegrationTest, BannedMemberLosesWhatTheyOnceSaw) {
  CrawlAsOutsider(banned_, "banned");
}

TEST_F(LeakIntegrationTest, GuestOfAnotherCommunitySeesNothingOutsideIt) { CrawlAsGuest(); }

TEST_F(LeakIntegrationTest, ModeratorOfAnotherCommunitySeesNothing) {
  CrawlAsOutsider(other_mod_, "other moderator");
  // Their powers stop at their own community: no approving, removing or deleting across it.
  EXPECT_EQ(
      Post(Path(other_, "/requests/" + insider_.id + "/approve"), "", other_mod_.token).status,
      404);
  EXPECT_EQ(Delete(Path(other_, "/members/" + insider_.id), other_mod_.token).status, 404);
  EXPECT_EQ(
      Post(Path(private_, "/bans"), JsonBody().Set("user_id", insider_.id).str(), other_mod_.token)
          .status,
      403);
  EXPECT_EQ(
      Post(Path(secret_, "/bans"), JsonBody().Set("user_id", insider_.id).str(), other_mod_.token)
          .status,
      404);
  // Pinning into their own community answers alike for a hidden post and a missing one.
  HttpResult missing =
      Post(Path(other_, "/pins"), JsonBody().Set("post_id", "999999999").str(), other_mod_.token);
  EXPECT_EQ(missing.status, 404) << missing;
  for (const std::string& hidden : {private_post_, secret_post_, secret_reply_}) {
    HttpResult pinned =
        Post(Path(other_, "/pins"), JsonBody().Set("post_id", hidden).str(), other_mod_.token);
    EXPECT_EQ(pinned.status, missing.status) << pinned;
    EXPECT_EQ(pinned.body, missing.body);
  }
}

TEST_F(LeakIntegrationTest, DeactivatedAccountIsRefusedEverywhere) {
  for (const std::string& target :
       {std::string("/api/v1/feeds/home"), "/api/v1/posts/" + private_post_,
        "/api/v1/posts/" + secret_post_, Path(secret_), Path(private_, "/feed")}) {
    for (const std::string& token : {deactivated_.token, deactivated_token_}) {
      HttpResult r = Get(target, token);
      EXPECT_EQ(r.status, 401) << target;
      EXPECT_EQ(r.body.find("MARKER"), std::string::npos);
    }
  }
}

TEST_F(LeakIntegrationTest, ServerAssignedFieldsCannotBeSetThroughBodies) {
  EXPECT_EQ(ErrorCode(Post("/api/v1/posts",
                           JsonBody().Set("text", "x").Set("author_id", insider_.id).str(),
                           stranger_.token)
                          .body),
            "field_not_writable");
  EXPECT_EQ(ErrorCode(Post("/api/v1/posts",
                           JsonBody()
                               .Set("text", "x")
                               .Set("in_reply_to", public_post_)
                               .Set("community_id", secret_)
                               .str(),
                           stranger_.token)
                          .body),
            "invalid_audience");
  EXPECT_EQ(ErrorCode(Patch("/api/v1/users/" + stranger_.id, JsonBody().Set("role", "admin").str(),
                            stranger_.token)
                          .body),
            "field_not_writable");
  EXPECT_EQ(ErrorCode(Post("/api/v1/communities",
                           JsonBody()
                               .Set("name", "Sneaky")
                               .Set("visibility", "open")
                               .Set("created_by", insider_.id)
                               .str(),
                           stranger_.token)
                          .body),
            "field_not_writable");
  // A moderator cannot turn their community secret (owners only), nor make themselves owner.
  Must(Post(Path(other_, "/join"), "", insider_.token), 200);
  Must(server().Request("PUT", Path(other_, "/members/" + insider_.id),
                        JsonBody().Set("role", "moderator").str(), other_mod_.token),
       200);
  EXPECT_EQ(
      Patch(Path(other_), JsonBody().Set("visibility", "secret").str(), insider_.token).status,
      403);
  EXPECT_EQ(server()
                .Request("PUT", Path(other_, "/members/" + insider_.id),
                         JsonBody().Set("role", "owner").str(), insider_.token)
                .status,
            403);
}

// Deals: a rep outside the management chain never sees another rep's deals or amounts, through
// the deal routes, the import, deal stories, search or notifications.
class DealLeakIntegrationTest : public IntegrationTest {
 protected:
  static constexpr const char* kDealMarker = "MARKER-DEAL-4d1e";
  static constexpr const char* kAmountMarker = "987654.32";

  void SetUp() override {
    IntegrationTest::SetUp();
    manager_ = CreateAndLogin("manager");
    rep_ = CreateAndLogin("rep", JsonBody().Set("manager_id", manager_.id));
    other_manager_ = CreateAndLogin("other.manager");
    stranger_ = CreateAndLogin("stranger", JsonBody().Set("manager_id", other_manager_.id));
    for (const char* outcome : {"open", "won"}) {
      JsonBody body;
      body.Set("external_id", std::string("LEAK-") + outcome)
          .Set("customer", kDealMarker)
          .Set("sector", "retail")
          .Set("product", "POS")
          .Set("region", "North")
          .Set("amount", kAmountMarker)
          .Set("currency", "EUR")
          .Set("outcome", outcome);
      if (std::string(outcome) == "won") body.Set("closed_on", "2026-01-05");
      HttpResult r = Post("/api/v1/deals", body.str(), rep_.token);
      ASSERT_EQ(r.status, 201) << r;
      deals_.push_back(JsonString(r.body, "/id").value_or(""));
    }
  }

  void ExpectNoLeak(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.body.find(kDealMarker), std::string::npos) << what << ": " << r.body;
    EXPECT_EQ(r.body.find(kAmountMarker), std::string::npos) << what << ": " << r.body;
  }

  TestUser manager_, rep_, other_manager_, stranger_;
  std::vector<std::string> deals_;
};

TEST_F(DealLeakIntegrationTest, OutsidersNeverSeeAnotherRepsDeals) {
  for (const TestUser* who : {&stranger_, &other_manager_}) {
    for (const char* query : {"", "?story=missing", "?outcome=open", "?owner_id="}) {
      std::string target = std::string("/api/v1/deals") + query;
      if (std::string(query) == "?owner_id=") target += rep_.id;
      HttpResult list = Get(target, who->token);
      EXPECT_EQ(list.status, 200) << target;
      EXPECT_TRUE(JsonIds(list.body).empty()) << target << ": " << list.body;
      ExpectNoLeak(list, target);
    }
    for (const std::string& id : deals_) {
      HttpResult get = Get("/api/v1/deals/" + id, who->token);
      EXPECT_EQ(get.status, 404);
      ExpectNoLeak(get, "get");
      HttpResult patch =
          Patch("/api/v1/deals/" + id, JsonBody().Set("amount", "1").str(), who->token);
      EXPECT_EQ(patch.status, 404);
      ExpectNoLeak(patch, "patch");
      HttpResult story =
          Post("/api/v1/posts",
               JsonBody().Set("text", "mine").Set("kind", "deal_story").Set("deal_id", id).str(),
               who->token);
      EXPECT_EQ(ErrorCode(story.body), "invalid_deal");
      ExpectNoLeak(story, "story");
    }
    // The upsert key tells that the id is taken, nothing of the deal behind it.
    HttpResult upsert = Post("/api/v1/deals",
                             JsonBody()
                                 .Set("external_id", "LEAK-won")
                                 .Set("customer", "x")
                                 .Set("sector", "x")
                                 .Set("product", "x")
                                 .Set("region", "x")
                                 .Set("amount", "1")
                                 .Set("currency", "EUR")
                                 .Set("outcome", "open")
                                 .str(),
                             who->token);
    EXPECT_EQ(upsert.status, 409);
    ExpectNoLeak(upsert, "upsert");
    HttpResult import =
        server().Request("POST", "/api/v1/deals/import", "external_id,amount\nLEAK-won,1\n",
                         who->token, {{"Content-Type", "text/csv"}});
    EXPECT_EQ(import.status, 403);
    ExpectNoLeak(import, "import");
    for (const char* route : {"/api/v1/search/posts?q=", "/api/v1/search/deals?q="}) {
      HttpResult search = Get(route + std::string(kDealMarker), who->token);
      ExpectNoLeak(search, route);
    }
    // Monthly results: national figures for everyone, never a row of the rep's own.
    for (const char* by : {"person", "team"}) {
      std::string target = std::string("/api/v1/results/monthly?month=2026-01&by=") + by;
      HttpResult results = Get(target, who->token);
      EXPECT_EQ(results.status, 200) << target;
      EXPECT_EQ(results.body.find(rep_.id), std::string::npos) << target << ": " << results.body;
      EXPECT_EQ(results.body.find("\"rep\""), std::string::npos) << target;
    }
    EXPECT_EQ(Get("/api/v1/results/monthly?month=2026-01&org_root=" + rep_.id, who->token).status,
              403);
    HttpResult notifications = Get("/api/v1/notifications?limit=100", who->token);
    ExpectNoLeak(notifications, "notifications");
    EXPECT_EQ(notifications.body.find(deals_[1]), std::string::npos) << notifications.body;
  }
  // Live: a stranger's stream, replayed and live, shows nothing of a new win (not the
  // story request, not the deal); a follow of the stranger is the barrier that ends the check.
  WsClient ws(server().endpoint(),
              "/api/v1/stream?last_event_id=1&access_token=" + stranger_.token);
  ASSERT_TRUE(ws.open()) << ws.refusal_status();
  HttpResult won = Post("/api/v1/deals",
                        JsonBody()
                            .Set("customer", kDealMarker)
                            .Set("sector", "retail")
                            .Set("product", "POS")
                            .Set("region", "North")
                            .Set("amount", kAmountMarker)
                            .Set("currency", "EUR")
                            .Set("outcome", "won")
                            .Set("closed_on", "2026-01-06")
                            .str(),
                        rep_.token);
  ASSERT_EQ(won.status, 201) << won;
  std::string won_id = JsonString(won.body, "/id").value_or("");
  TestUser barrier = CreateAndLogin("barrier");
  ASSERT_EQ(Post("/api/v1/users/" + stranger_.id + "/follow", "", barrier.token).status, 200);
  bool reached = false;
  for (int i = 0; i < 100 && !reached; ++i) {
    auto message = ws.Read();
    ASSERT_TRUE(message) << "no barrier; closed=" << ws.closed();
    EXPECT_EQ(message->find(kDealMarker), std::string::npos) << *message;
    EXPECT_EQ(message->find("story_requested"), std::string::npos) << *message;
    EXPECT_EQ(message->find(won_id), std::string::npos) << *message;
    reached = message->find(barrier.id) != std::string::npos;
  }
  EXPECT_TRUE(reached);
  // The chain above the rep does see them, and only the owner is asked for the story.
  EXPECT_EQ(JsonIds(Get("/api/v1/deals", manager_.token).body).size(), 3u);
  EXPECT_EQ(Get("/api/v1/notifications", manager_.token).body.find("story_requested"),
            std::string::npos);
  EXPECT_NE(Get("/api/v1/notifications", rep_.token).body.find("story_requested"),
            std::string::npos);
}

// The live deal_won follows the org chart as it is now: after a rep moves to another manager,
// the former manager hears nothing of the rep's next win, and the new one does.
TEST_F(DealLeakIntegrationTest, AFormerManagerHearsNothingOfTheRepsNextWins) {
  ASSERT_EQ(Patch("/api/v1/users/" + rep_.id, JsonBody().Set("manager_id", other_manager_.id).str(),
                  admin_token_)
                .status,
            200);
  WsClient former(server().endpoint(), "/api/v1/stream?access_token=" + manager_.token);
  WsClient current(server().endpoint(), "/api/v1/stream?access_token=" + other_manager_.token);
  ASSERT_TRUE(former.open() && current.open());
  HttpResult won = Post("/api/v1/deals",
                        JsonBody()
                            .Set("customer", kDealMarker)
                            .Set("sector", "retail")
                            .Set("product", "POS")
                            .Set("region", "North")
                            .Set("amount", kAmountMarker)
                            .Set("currency", "EUR")
                            .Set("outcome", "won")
                            .Set("closed_on", "2026-01-07")
                            .str(),
                        rep_.token);
  ASSERT_EQ(won.status, 201) << won;
  std::string next_win = JsonString(won.body, "/id").value_or("");
  ASSERT_FALSE(next_win.empty());
  TestUser barrier = CreateAndLogin("barrier");
  for (const TestUser* who : {&manager_, &other_manager_}) {
    ASSERT_EQ(Post("/api/v1/users/" + who->id + "/follow", "", barrier.token).status, 200);
  }
  auto messages_until_barrier = [&](WsClient& ws) {
    std::string all;
    for (int i = 0; i < 100; ++i) {
      auto message = ws.Read();
      if (!message) break;
      all += *message;
      if (message->find(barrier.id) != std::string::npos) return all;
    }
    ADD_FAILURE() << "no barrier";
    return all;
  };
  // The set-up's win, made while the rep still reported to them, may still be on its way to
  // the former manager (rightly): what must not reach them is this one.
  std::string heard_by_former = messages_until_barrier(former);
  EXPECT_EQ(heard_by_former.find(next_win), std::string::npos) << heard_by_former;
  std::string heard_by_current = messages_until_barrier(current);
  EXPECT_NE(heard_by_current.find("deal_won"), std::string::npos) << heard_by_current;
  EXPECT_NE(heard_by_current.find(next_win), std::string::npos) << heard_by_current;
}

// Sales: a `participants` campaign, its leaderboard and its live events never reach a
// non-participant; a deal_won event never reaches someone outside the deal's visibility.
TEST_F(LeakIntegrationTest, ANonParticipantNeverSeesAParticipantsCampaign) {
  constexpr const char* kCampaignMarker = "MARKER-CAMPAIGN-4e21aa";
  HttpResult created = Post("/api/v1/campaigns",
                            JsonBody()
                                .Set("name", kCampaignMarker)
                                .Set("starts_on", "2026-01-01")
                                .Set("ends_on", "2036-12-31")
                                .Set("metric", "won_amount")
                                .Set("user_ids", std::vector<std::string>{insider_.id, author_.id})
                                .str(),
                            admin_token_);
  ASSERT_EQ(created.status, 201) << created;
  std::string campaign = JsonString(created.body, "/id").value_or("");
  const std::string base = "/api/v1/campaigns/" + campaign;
  EXPECT_EQ(Get(base + "/leaderboard", insider_.token).status, 200);
  // A won deal of the insider makes live events that the outsiders' streams must not carry.
  HttpResult deal = Post("/api/v1/deals",
                         JsonBody()
                             .Set("customer", "MARKER-DEAL-CUSTOMER")
                             .Set("sector", "retail")
                             .Set("product", "fiber")
                             .Set("region", "north")
                             .Set("amount", "1000")
                             .Set("currency", "EUR")
                             .Set("outcome", "won")
                             .Set("closed_on", "2026-11-10")
                             .str(),
                         insider_.token);
  ASSERT_EQ(deal.status, 201) << deal;
  for (const TestUser* who : {&stranger_, &follower_, &other_mod_}) {
    SCOPED_TRACE(who->username);
    for (const std::string& target : {base, base + "/leaderboard", base + "/leaderboard?by=team",
                                      base + "/leaderboard?by=region"}) {
      HttpResult r = Get(target, who->token);
      EXPECT_EQ(r.status, 404) << target;
      EXPECT_EQ(r.body.find("MARKER"), std::string::npos) << target;
    }
    for (const std::string& list :
         {std::string("/api/v1/campaigns"), std::string("/api/v1/campaigns?active=true")}) {
      HttpResult r = Get(list, who->token);
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body.find(campaign), std::string::npos);
      EXPECT_EQ(r.body.find("MARKER"), std::string::npos);
    }
    // The whole recent window replayed: no campaign, no deal.
    WsClient ws(server().endpoint(), "/api/v1/stream?last_event_id=1&access_token=" + who->token);
    ASSERT_TRUE(ws.open());
    std::string barrier = Barrier(*who);
    for (int i = 0; i < 100; ++i) {
      auto message = ws.Read();
      ASSERT_TRUE(message) << "no barrier";
      EXPECT_EQ(message->find(campaign), std::string::npos) << *message;
      EXPECT_EQ(message->find("MARKER-DEAL"), std::string::npos) << *message;
      EXPECT_EQ(message->find("\"leaderboard\""), std::string::npos) << *message;
      EXPECT_EQ(message->find("\"deal_won\""), std::string::npos) << *message;
      if (message->find(barrier) != std::string::npos) break;
    }
  }
}

// Search totals count only what the caller may read: an outsider who posts 1,000 filler posts
// and asks for `filler OR <word>` learns nothing of the word in posts they cannot read (Xapian's
// estimate answered 1,010 for a word in 30 secret posts and 1,001 for a word found nowhere).
class SearchTotalLeakIntegrationTest : public IntegrationTest {};

TEST_F(SearchTotalLeakIntegrationTest, FillerPostsCannotRevealAWordOfSecretPosts) {
  TestUser insider = CreateAndLogin("insider");
  TestUser outsider = CreateAndLogin("outsider");
  std::string secret = CreateCommunity(insider, "Project Falcon", "secret");
  for (int i = 0; i < 30; ++i) WritePost(insider, "zanzibar plan " + std::to_string(i), secret);
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < 1000; i += 8) WritePost(outsider, "filler " + std::to_string(i));
    });
  }
  for (auto& writer : writers) writer.join();
  ASSERT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=zanzibar", insider.token).body, "/total") == 30 &&
           JsonInt(Get("/api/v1/search/posts?q=filler", outsider.token).body, "/total") == 1000;
  }));
  HttpResult hidden_word = Get("/api/v1/search/posts?q=filler%20OR%20zanzibar", outsider.token);
  HttpResult no_word = Get("/api/v1/search/posts?q=filler%20OR%20qwxzyv", outsider.token);
  ASSERT_EQ(hidden_word.status, 200) << hidden_word;
  ASSERT_EQ(no_word.status, 200) << no_word;
  EXPECT_EQ(JsonInt(hidden_word.body, "/total"), 1000);
  EXPECT_EQ(JsonInt(no_word.body, "/total"), 1000);
  EXPECT_EQ(JsonBool(hidden_word.body, "/total_exact"), true);
  EXPECT_EQ(JsonBool(no_word.body, "/total_exact"), true);
  EXPECT_EQ(JsonIds(hidden_word.body, "/results", "/post/id"),
            JsonIds(no_word.body, "/results", "/post/id"));
  EXPECT_EQ(hidden_word.body.find("zanzibar"), std::string::npos);
  // The insider, who reads them, counts them.
  EXPECT_EQ(
      JsonInt(Get("/api/v1/search/posts?q=filler%20OR%20zanzibar", insider.token).body, "/total"),
      1000);  // exact up to 1,000: past it, "at least 1,000"
  EXPECT_EQ(JsonBool(Get("/api/v1/search/posts?q=filler%20OR%20zanzibar", insider.token).body,
                     "/total_exact"),
            false);
}

}  // namespace
}  // namespace agora::integration
