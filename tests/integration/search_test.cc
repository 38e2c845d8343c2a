// Search over HTTP: posts, people, experts and deal stories, their filters and errors, the
// index following every change, a crash, a lost index and `agora reindex`.
#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class SearchIntegrationTest : public IntegrationTest {
 protected:
  std::string Write(const TestUser& by, const std::string& text) { return WritePost(by, text); }
  std::string WriteDeal(const TestUser& by, const std::string& text, const std::string& sector,
                        const std::string& product, int64_t amount, const std::string& closed_on,
                        const std::string& outcome = "won") {
    JsonBody deal = JsonBody()
                        .Set("customer", "Customer of " + text)
                        .Set("sector", sector)
                        .Set("product", product)
                        .Set("region", "France")
                        .SetInt("amount", amount)
                        .Set("currency", "EUR")
                        .Set("closed_on", closed_on)
                        .Set("outcome", outcome);
    return WritePost(by, text, "", JsonBody().Set("kind", "deal_story").SetRaw("deal", deal.str()));
  }
  // The post ids a search answers, best first.
  std::vector<std::string> Found(const std::string& target, const std::string& token) {
    HttpResult r = Get(target, token);
    EXPECT_EQ(r.status, 200) << target << " " << r;
    return JsonIds(r.body, "/results", "/post/id");
  }
  // Waits until the search answers exactly `expected` (the index follows the store).
  bool FindsEventually(const std::string& target, const std::string& token,
                       const std::vector<std::string>& expected) {
    return Eventually([&] { return Found(target, token) == expected; });
  }
};

TEST_F(SearchIntegrationTest, NewEditedAndDeletedPostsAreReflectedInSearch) {
  TestUser ana = CreateAndLogin("ana");
  std::string id = Write(ana, "Le client a négocié l'offre de renouvellement");
  const std::string q = "/api/v1/search/posts?q=";
  ASSERT_TRUE(FindsEventually(q + "negocie", ana.token, {id}));
  EXPECT_EQ(Found(q + "n%C3%A9gociation", ana.token), std::vector<std::string>{id});
  EXPECT_EQ(Found(q + "offre", ana.token), std::vector<std::string>{id});

  ASSERT_EQ(Patch("/api/v1/posts/" + id, JsonBody().Set("text", "Kubernetes upgrade done").str(),
                  ana.token)
                .status,
            200);
  ASSERT_TRUE(FindsEventually(q + "kubernetes", ana.token, {id}));
  EXPECT_TRUE(Found(q + "offre", ana.token).empty());

  ASSERT_EQ(Delete("/api/v1/posts/" + id, ana.token).status, 204);
  // Gone from the results at once (hydration drops it), and from the index soon after.
  EXPECT_TRUE(Found(q + "kubernetes", ana.token).empty());
  EXPECT_TRUE(
      Eventually([&] { return JsonInt(Get(q + "kubernetes", ana.token).body, "/total") == 0; }));
}

TEST_F(SearchIntegrationTest, PostResultsCarryTheHighlightScoreAndAnExactTotal) {
  TestUser ana = CreateAndLogin("ana");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(Write(ana, "Quarterly <review> number " + std::to_string(i)));
  ASSERT_TRUE(
      Eventually([&] { return Found("/api/v1/search/posts?q=quarterly", ana.token).size() == 3; }));
  HttpResult r = Get("/api/v1/search/posts?q=quarterly&limit=2", ana.token);
  EXPECT_EQ(JsonInt(r.body, "/total"), 3);
  EXPECT_EQ(JsonInt(r.body, "/next_offset"), 2);
  EXPECT_EQ(JsonIds(r.body, "/results", "/post/id").size(), 2u);
  EXPECT_NE(
      JsonString(r.body, "/results/0/highlight")->find("<mark>Quarterly</mark> &lt;review&gt;"),
      std::string::npos);
  HttpResult rest = Get("/api/v1/search/posts?q=quarterly&limit=2&offset=2", ana.token);
  EXPECT_EQ(JsonIds(rest.body, "/results", "/post/id").size(), 1u);
  EXPECT_FALSE(JsonHas(rest.body, "/next_offset"));
}

TEST_F(SearchIntegrationTest, PostFiltersNarrowByAuthorKindHashtagCommunityAndTime) {
  TestUser ana = CreateAndLogin("ana");
  TestUser bo = CreateAndLogin("bob");
  HttpResult community =
      Post("/api/v1/communities", JsonBody().Set("name", "Guild").Set("visibility", "open").str(),
           ana.token);
  std::string guild = JsonString(community.body, "/id").value_or("");
  std::string by_ana = Write(ana, "roadmap #Planning");
  std::string by_bo = WritePost(bo, "roadmap question?", "", JsonBody().Set("kind", "question"));
  std::string in_guild = WritePost(ana, "roadmap draft", guild);
  const std::string q = "/api/v1/search/posts?q=roadmap";
  ASSERT_TRUE(Eventually([&] { return Found(q, bo.token).size() == 3; }));
  EXPECT_EQ(Found(q + "&author_id=" + bo.id, bo.token), std::vector<std::string>{by_bo});
  EXPECT_EQ(Found(q + "&kind=question", bo.token), std::vector<std::string>{by_bo});
  EXPECT_EQ(Found(q + "&hashtag=planning", bo.token), std::vector<std::string>{by_ana});
  EXPECT_EQ(Found(q + "&hashtag=%23PLANNING", bo.token), std::vector<std::string>{by_ana});
  EXPECT_EQ(Found(q + "&community_id=" + guild, bo.token), std::vector<std::string>{in_guild});
  EXPECT_TRUE(Found(q + "&since=2100-01-01", bo.token).empty());
  EXPECT_EQ(Found(q + "&until=2100-01-01T00:00:00Z", bo.token).size(), 3u);
  // No words, only a filter: newest first.
  EXPECT_EQ(Found("/api/v1/search/posts?author_id=" + ana.id, bo.token),
            (std::vector<std::string>{in_guild, by_ana}));
}

TEST_F(SearchIntegrationTest, BadSearchParametersAnswer400WithTheirCode) {
  TestUser ana = CreateAndLogin("ana");
  struct Case {
    std::string target;
    std::string code;
  };
  std::vector<Case> cases = {
      {"/api/v1/search/posts?q=a&limit=0", "invalid_limit"},
      {"/api/v1/search/posts?q=a&limit=101", "invalid_limit"},
      {"/api/v1/search/posts?q=a&offset=-1", "invalid_offset"},
      {"/api/v1/search/posts?q=a&offset=10001", "invalid_offset"},
      {"/api/v1/search/posts?kind=poem", "invalid_kind"},
      {"/api/v1/search/posts?author_id=abc", "invalid_id"},
      {"/api/v1/search/posts?since=yesterday", "invalid_time"},
      {"/api/v1/search/posts?since=2026-02-30", "invalid_time"},
      {"/api/v1/search/posts?since=2026-03-01&until=2026-02-01", "invalid_range"},
      {"/api/v1/search/posts?hashtag=%23%23", "invalid_hashtag"},
      {"/api/v1/search/posts?q=%FF%FE", "invalid_utf8"},
      {"/api/v1/search/posts?q=a%01b", "invalid_q"},
      {"/api/v1/search/posts?q=" + std::string(501, 'x'), "query_too_long"},
      {"/api/v1/search/people?department=" + std::string(201, 'x'), "invalid_department"},
      {"/api/v1/search/experts", "missing_query"},
      {"/api/v1/search/posts", "missing_query"},
      {"/api/v1/search/posts?q=a*%20b*%20c*%20d*%20e*", "query_too_complex"},
      {"/api/v1/search/experts?q=go&limit=51", "invalid_limit"},
      {"/api/v1/search/deals?outcome=maybe", "invalid_outcome"},
      {"/api/v1/search/deals?min_amount=-5", "invalid_amount"},
      {"/api/v1/search/deals?min_amount=lots", "invalid_amount"},
      {"/api/v1/search/deals?min_amount=10&max_amount=5", "invalid_range"},
      {"/api/v1/search/deals?since=2026-13-01", "invalid_time"},
  };
  for (const Case& c : cases) {
    HttpResult r = Get(c.target, ana.token);
    EXPECT_EQ(r.status, 400) << c.target << " " << r;
    EXPECT_EQ(ErrorCode(r.body), c.code) << c.target;
  }
  EXPECT_EQ(Get("/api/v1/search/posts?q=a", "").status, 401);
  EXPECT_EQ(Get("/api/v1/search/experts?q=a", "agr_not-a-token").status, 401);
  EXPECT_EQ(Post("/api/v1/search/posts?q=a", "", ana.token).status, 405);
}

TEST_F(SearchIntegrationTest, QuerySyntaxNeverCausesAServerError) {
  TestUser ana = CreateAndLogin("ana");
  Write(ana, "pricing AND discounts (draft)");
  for (const char* q : {"%22",
                        "(",
                        ")",
                        "AND",
                        "OR%20OR",
                        "NOT",
                        "-",
                        "%2B",
                        "*",
                        "a*",
                        "%22pricing",
                        "pricing%20AND",
                        "title%3Afoo",
                        "pricing%20NEAR%20",
                        "%5B%5D",
                        "%3F%3F",
                        "pricing%20-discounts",
                        "%2Bpricing%20%2Bdiscounts",
                        "XVcompany",
                        "Qp1"}) {
    for (const char* path : {"posts", "people", "experts", "deals"}) {
      HttpResult r = Get(std::string("/api/v1/search/") + path + "?q=" + q, ana.token);
      EXPECT_TRUE(r.status == 200 || r.status == 400) << path << " q=" << q << " " << r;
    }
  }
}

TEST_F(SearchIntegrationTest, PeopleAreFoundByNameTitleAndSkillsAndFilteredByFields) {
  TestUser ada = CreateAndLogin(
      "ada", JsonBody()
                 .Set("display_name", "Adèle Martin")
                 .Set("title", "Data Scientist")
                 .Set("department", "Engineering")
                 .Set("location", "Lyon")
                 .Set("skills", std::vector<std::string>{"Machine learning", "Python"}));
  std::string bob = CreateUser("bob", JsonBody()
                                          .Set("display_name", "Bob Stone")
                                          .Set("department", "Sales")
                                          .Set("location", "London")
                                          .Set("skills", std::vector<std::string>{"Negotiation"}));
  auto people = [&](const std::string& query) {
    HttpResult r = Get("/api/v1/search/people?" + query, ada.token);
    EXPECT_EQ(r.status, 200) << r;
    return JsonIds(r.body, "/results", "/user/id");
  };
  ASSERT_TRUE(Eventually([&] {
    return people("q=adele") == std::vector<std::string>{ada.id} &&
           people("skill=negotiation") == std::vector<std::string>{bob};
  }));
  EXPECT_EQ(people("q=scientist"), std::vector<std::string>{ada.id});
  EXPECT_EQ(people("q=python"), std::vector<std::string>{ada.id});
  EXPECT_EQ(people("department=sales&location=london"), std::vector<std::string>{bob});
  EXPECT_TRUE(people("department=sales&location=lyon").empty());
  // Email stays private in search results as everywhere.
  HttpResult r = Get("/api/v1/search/people?q=bob", ada.token);
  EXPECT_FALSE(JsonHas(r.body, "/results/0/user/email"));

  ASSERT_EQ(Post("/api/v1/users/" + bob + "/deactivate", "", admin_token_).status, 200);
  ASSERT_TRUE(Eventually([&] { return people("skill=negotiation").empty(); }));
}

TEST_F(SearchIntegrationTest, ExpertsAreRankedByWhatTheyWroteWithTheirEvidence) {
  TestUser writer = CreateAndLogin("writer");
  TestUser claimer =
      CreateAndLogin("claimer", JsonBody().Set("skills", std::vector<std::string>{"Kubernetes"}));
  TestUser asker = CreateAndLogin("asker");
  std::vector<std::string> posts;
  for (const char* text : {"Our Kubernetes cluster now autoscales", "Kubernetes ingress tips",
                           "Upgrading Kubernetes without downtime", "Helm charts for kubernetes"}) {
    posts.push_back(Write(writer, text));
  }
  const std::string target = "/api/v1/search/experts?q=kubernetes";
  // Until all four posts are indexed: the search of posts says when.
  ASSERT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=kubernetes", asker.token).body, "/total") == 4;
  }));
  HttpResult r = Get(target, asker.token);
  EXPECT_EQ(JsonIds(r.body, "/results", "/user/id"),
            (std::vector<std::string>{writer.id, claimer.id}));
  std::vector<std::string> evidence = JsonIds(r.body, "/results/0/evidence/posts");
  EXPECT_EQ(evidence.size(), 3u);
  for (const std::string& id : evidence) {
    EXPECT_NE(std::find(posts.begin(), posts.end(), id), posts.end());
  }
  EXPECT_EQ(JsonStrings(r.body, "/results/1/evidence/skills"),
            std::vector<std::string>{"Kubernetes"});
  EXPECT_TRUE(JsonIds(r.body, "/results/1/evidence/posts").empty());
  EXPECT_EQ(Get(target + "&limit=1", asker.token).body.find(claimer.id), std::string::npos);
}

TEST_F(SearchIntegrationTest, DealStoriesAreFilteredAndCountedByFacet) {
  TestUser rep = CreateAndLogin("rep");
  std::string bank =
      WriteDeal(rep, "Won the bank pilot", "Banking", "Secure", 480000, "2026-03-05");
  std::string bank2 =
      WriteDeal(rep, "Second bank renewal", "Banking", "Enterprise", 90000, "2026-06-10");
  std::string shop = WriteDeal(rep, "Retail chain lost on price", "Retail", "Enterprise", 120000,
                               "2026-06-20", "lost");
  Write(rep, "Not a deal, just talking about banking");
  const std::string target = "/api/v1/search/deals";
  ASSERT_TRUE(Eventually([&] { return Found(target, rep.token).size() == 3; }));
  HttpResult all = Get(target, rep.token);
  EXPECT_EQ(JsonInt(all.body, "/total"), 3);
  EXPECT_EQ(JsonInt(all.body, "/facets/sector/Banking"), 2);
  EXPECT_EQ(JsonInt(all.body, "/facets/sector/Retail"), 1);
  EXPECT_EQ(JsonInt(all.body, "/facets/outcome/lost"), 1);
  EXPECT_EQ(JsonInt(all.body, "/facets/product/Enterprise"), 2);
  EXPECT_EQ(JsonString(all.body, "/results/0/post/deal/sector"), "Retail");  // latest close first

  EXPECT_EQ(Found(target + "?sector=banking&min_amount=100000", rep.token),
            std::vector<std::string>{bank});
  EXPECT_EQ(Found(target + "?since=2026-06-01&until=2026-06-15", rep.token),
            std::vector<std::string>{bank2});
  EXPECT_EQ(Found(target + "?outcome=lost", rep.token), std::vector<std::string>{shop});
  EXPECT_EQ(Found(target + "?q=pilot", rep.token), std::vector<std::string>{bank});
  HttpResult narrowed = Get(target + "?product=enterprise", rep.token);
  EXPECT_EQ(JsonInt(narrowed.body, "/total"), 2);
  EXPECT_FALSE(JsonHas(narrowed.body, "/facets/product/Secure"));
  EXPECT_EQ(JsonInt(narrowed.body, "/facets/sector/Banking"), 1);
}

// An indexer that looks at the store only at start: the index is behind when the server dies.
class SlowIndexerSearchTest : public SearchIntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--search-poll-ms", "3600000"}; }
};

TEST_F(SlowIndexerSearchTest, TheIndexCatchesUpFromTheOutboxAfterAKill) {
  // The first build of the new index scans the store: the posts must come after it.
  ASSERT_TRUE(
      Eventually([&] { return server().Log().find("search_build_done") != std::string::npos; }));
  TestUser ana = CreateAndLogin("ana");
  for (int i = 0; i < 30; ++i) Write(ana, "zeppelin logbook entry " + std::to_string(i));
  HttpResult behind = Get("/api/v1/search/posts?q=zeppelin", ana.token);
  ASSERT_EQ(JsonInt(behind.body, "/total"), 0) << "the index was not behind: nothing to catch up";
  server().Kill();
  server().Restart();
  std::string token = server().Login("ana", TestServer::kDefaultPassword);
  ASSERT_TRUE(Eventually([&] {
    HttpResult r = Get("/api/v1/search/posts?q=zeppelin&limit=100", token);
    return JsonInt(r.body, "/total") == 30;
  }));
}

TEST_F(SearchIntegrationTest, ALostIndexIsRebuiltFromTheStoreAtStart) {
  TestUser ana = CreateAndLogin("ana");
  std::string id = Write(ana, "aurora borealis sighting");
  ASSERT_TRUE(FindsEventually("/api/v1/search/posts?q=aurora", ana.token, {id}));
  ASSERT_EQ(server().Stop(), 0);
  std::filesystem::remove_all(server().data_dir() + "/search");
  server().Restart();
  EXPECT_TRUE(FindsEventually("/api/v1/search/posts?q=aurora", ana.token, {id}));
}

// An indexer that prunes the outbox at once, so what an older copy of the index missed is gone.
class QuicklyPruningSearchTest : public SearchIntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--outbox-prune-ms", "50"}; }
};

TEST_F(QuicklyPruningSearchTest, AnIndexBehindWhatPruningForgotIsRebuiltFromTheStore) {
  TestUser ana = CreateAndLogin("ana");
  std::string first = Write(ana, "aurora borealis sighting");
  ASSERT_TRUE(FindsEventually("/api/v1/search/posts?q=aurora", ana.token, {first}));
  ASSERT_EQ(server().Stop(), 0);
  const std::string index = server().data_dir() + "/search";
  const std::string older_copy = server().data_dir() + "/search-older";
  std::filesystem::copy(index, older_copy, std::filesystem::copy_options::recursive);

  server().Restart();
  ana.token = server().Login("ana", TestServer::kDefaultPassword);
  std::string second = Write(ana, "aurora over the fjord");
  ASSERT_TRUE(FindsEventually("/api/v1/search/posts?q=fjord", ana.token, {second}));
  // Pruning forgets the second post's entry once the index applied it.
  ASSERT_TRUE(Eventually([&] {
    return server().SqlColumn("SELECT count(*) FROM outbox WHERE entity_id = " + second) ==
           std::vector<std::string>{"0"};
  }));
  ASSERT_EQ(server().Stop(), 0);

  std::filesystem::remove_all(index);
  std::filesystem::rename(older_copy, index);
  server().Restart();
  ana.token = server().Login("ana", TestServer::kDefaultPassword);
  EXPECT_TRUE(FindsEventually("/api/v1/search/posts?q=fjord", ana.token, {second}));
  EXPECT_NE(server().Log().find("search_index_behind_outbox"), std::string::npos) << server().Log();
}

TEST_F(SearchIntegrationTest, ReindexRefusesWhileServingAndRebuildsWhenStopped) {
  TestUser ana = CreateAndLogin("ana");
  std::string id = Write(ana, "tundra expedition notes");
  ASSERT_TRUE(FindsEventually("/api/v1/search/posts?q=tundra", ana.token, {id}));
  CommandResult busy = RunAgora({"reindex", "--data", server().data_dir()}, std::nullopt);
  EXPECT_EQ(busy.exit_status, 1) << busy.output;
  EXPECT_NE(busy.output.find("stop the server"), std::string::npos) << busy.output;

  ASSERT_EQ(server().Stop(), 0);
  CommandResult rebuilt = RunAgora({"reindex", "--data", server().data_dir()}, std::nullopt);
  EXPECT_EQ(rebuilt.exit_status, 0) << rebuilt.output;
  EXPECT_NE(rebuilt.output.find("100%"), std::string::npos) << rebuilt.output;
  EXPECT_NE(rebuilt.output.find("indexed 3 documents"), std::string::npos) << rebuilt.output;
  server().Restart();
  EXPECT_EQ(Found("/api/v1/search/posts?q=tundra", ana.token), std::vector<std::string>{id});
}

}  // namespace
}  // namespace agora::integration
