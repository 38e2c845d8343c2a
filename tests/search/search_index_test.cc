#include "search/search_index.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "tests/search/temp_index.h"

namespace agora::search {
namespace {

constexpr UnixMillis kDay = 24LL * 3600 * 1000;
constexpr UnixMillis kNow = 1'790'000'000'000;

PostDocument Post(Id id, std::string text, Language language = Language::kEnglish) {
  PostDocument p;
  p.id = id;
  p.author_id = 1;
  p.kind = "status";
  p.text = std::move(text);
  p.created_at = kNow;
  p.language = language;
  return p;
}

PostDocument Deal(Id id, std::string sector, std::string product, double amount,
                  std::string closed_on, std::string outcome = "won") {
  PostDocument p = Post(id, "How we won the " + sector + " account");
  p.kind = "deal_story";
  p.deal = DealFields{"Customer " + std::to_string(id),
                      sector,
                      product,
                      "France",
                      amount,
                      "EUR",
                      closed_on,
                      outcome};
  return p;
}

std::vector<Id> Ids(const std::vector<Hit>& hits) {
  std::vector<Id> out;
  for (const Hit& h : hits) out.push_back(h.id);
  return out;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void Index(const std::vector<PostDocument>& posts,
             const std::vector<PersonDocument>& people = {}) {
    ASSERT_TRUE(index_->Apply(posts, people, {}, ++seq_).ok());
  }
  std::vector<Id> Find(const std::string& q, const Audience& audience = {}) {
    PostQuery query;
    query.q = q;
    auto found = index_->SearchPosts(query, audience);
    EXPECT_TRUE(found.ok()) << found.status().message();
    return found.ok() ? Ids(found->hits) : std::vector<Id>{};
  }

  testing::TempIndex index_;
  int64_t seq_ = 0;
};

TEST_F(SearchIndexTest, AccentlessWordsFindAccentedOnesAndFrenchStemsJoinForms) {
  Index({Post(1, "Nous avons négocié l'offre avec la banque", Language::kFrench)});
  EXPECT_EQ(Find("negocie"), std::vector<Id>{1});
  EXPECT_EQ(Find("négociation"), std::vector<Id>{1});
  EXPECT_EQ(Find("offre"), std::vector<Id>{1});  // the elision "l'" is split off
  EXPECT_EQ(Find("l'offre"), std::vector<Id>{1});
  EXPECT_TRUE(Find("contrat").empty());
}

TEST_F(SearchIndexTest, EnglishStemsJoinForms) {
  Index({Post(1, "We negotiated three renewals this quarter")});
  EXPECT_EQ(Find("negotiations"), std::vector<Id>{1});
  EXPECT_EQ(Find("renewal"), std::vector<Id>{1});
}

TEST_F(SearchIndexTest, PostsHoldingEveryWordComeFirstThenPostsHoldingSome) {
  Index({Post(1, "banking renewal, banking again and banking"), Post(2, "banking pilot in Lyon"),
         Post(3, "weather")});
  PostQuery query;
  query.q = "banking pilot";
  auto found = index_->SearchPosts(query, {});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Ids(found->hits), (std::vector<Id>{2, 1}));
  EXPECT_EQ(found->total, 2);
  EXPECT_TRUE(found->total_exact);
  EXPECT_LT(found->hits[1].score, found->hits[0].score);
  // The example: a French post about maintenance contracts for fibre.
  Index({Post(4, "Renouvellement des contrats de maintenance fibre", Language::kFrench)});
  EXPECT_EQ(Find("fibre optique"), std::vector<Id>{4});
}

TEST_F(SearchIndexTest, PagesOfRelaxedPostsFollowTheFullMatches) {
  Index({Post(1, "banking pilot"), Post(2, "banking renewal"), Post(3, "banking desk")});
  PostQuery query;
  query.q = "banking pilot";
  query.limit = 2;
  auto first = index_->SearchPosts(query, {});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->hits.size(), 2U);
  EXPECT_EQ(first->hits[0].id, 1);
  query.offset = 2;
  auto second = index_->SearchPosts(query, {});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->hits.size(), 1U);
  std::vector<Id> seen{first->hits[0].id, first->hits[1].id, second->hits[0].id};
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<Id>{1, 2, 3}));
  EXPECT_EQ(second->total, 3);
}

TEST_F(SearchIndexTest, EnoughFullMatchesKeepEveryWordRequired) {
  std::vector<PostDocument> posts;
  for (Id id = 1; id <= 10; ++id) posts.push_back(Post(id, "banking pilot " + std::to_string(id)));
  posts.push_back(Post(11, "banking renewal"));
  Index(posts);
  std::vector<Id> found = Find("banking pilot");
  EXPECT_EQ(found.size(), 10U);
  EXPECT_EQ(std::count(found.begin(), found.end(), 11), 0);
}

TEST_F(SearchIndexTest, RelaxedPostsAreReadableOnesOnly) {
  PostDocument hidden = Post(2, "banking renewal");
  hidden.community_id = 77;
  Index({Post(1, "banking pilot"), hidden, Post(3, "pilot study")});
  PostQuery query;
  query.q = "banking pilot";
  auto outside = index_->SearchPosts(query, Audience{{5}});
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(Ids(outside->hits), (std::vector<Id>{1, 3}));
  EXPECT_EQ(outside->total, 2);
}

TEST_F(SearchIndexTest, QueriesWithSyntaxAreNotRelaxed) {
  Index({Post(1, "banking renewal"), Post(2, "pilot study")});
  EXPECT_TRUE(Find("\"banking pilot\"").empty());
  EXPECT_TRUE(Find("banking AND pilot").empty());
  EXPECT_TRUE(Find("+banking +pilot").empty());
}

TEST_F(SearchIndexTest, CommunityPostsAreFoundOnlyWithTheirCommunityInTheAudience) {
  PostDocument hidden = Post(2, "falcon roadmap");
  hidden.community_id = 77;
  Index({Post(1, "falcon launch"), hidden});
  PostQuery query;
  query.q = "falcon";
  auto outside = index_->SearchPosts(query, Audience{{5}});
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(Ids(outside->hits), std::vector<Id>{1});
  EXPECT_EQ(outside->total, 1);
  auto inside = index_->SearchPosts(query, Audience{{77}});
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->total, 2);
}

TEST_F(SearchIndexTest, AGuestFindsTheirCommunitiesPostsOnly) {
  PostDocument theirs = Post(2, "falcon roadmap");
  theirs.community_id = 77;
  PostDocument others = Post(3, "falcon budget");
  others.community_id = 78;
  Index({Post(1, "falcon launch"), theirs, others});
  EXPECT_EQ(Find("falcon", Audience{{77}, false}), std::vector<Id>{2});
  EXPECT_TRUE(Find("falcon", Audience{{}, false}).empty());
}

TEST_F(SearchIndexTest, PeopleNeverMatchAPostSearch) {
  PersonDocument person;
  person.id = 9;
  person.display_name = "Falcon Smith";
  person.bio = "falcon falcon";
  PostDocument community_post = Post(2, "falcon roadmap");
  community_post.community_id = 77;
  Index({Post(1, "falcon launch"), community_post}, {person});
  std::vector<Id> found = Find("falcon", Audience{{77}});
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<Id>{1, 2}));
  EXPECT_EQ(Find("falcon", Audience{{77}, false}), std::vector<Id>{2});
}

// Lengths are folded into the wdfs when indexing, so that ranking need not look them up: a
// short post naming a word once still outranks a long one naming it once.
TEST_F(SearchIndexTest, AShortPostOutranksALongOneNamingTheWordAsOften) {
  std::string long_text = "pricing";
  for (int i = 0; i < 40; ++i) long_text += " filler" + std::to_string(i);
  Index({Post(1, long_text), Post(2, "pricing review"), Post(3, "unrelated words here")});
  EXPECT_EQ(Find("pricing"), (std::vector<Id>{2, 1}));
}

// The numbers: an outsider's 1,000 filler posts, a word in 30 posts of a community
// they cannot read. Xapian's estimate answered 1,010 for that word and 1,001 for a word that
// exists nowhere.
class SearchTotalTest : public SearchIndexTest {
 protected:
  void IndexFillerAndHidden(Id fillers) {
    std::vector<PostDocument> posts;
    for (Id id = 1; id <= fillers; ++id) posts.push_back(Post(id, "filler " + std::to_string(id)));
    for (Id id = 1; id <= 30; ++id) {
      PostDocument hidden = Post(10'000 + id, "zanzibar plans " + std::to_string(id));
      hidden.community_id = 77;
      posts.push_back(hidden);
    }
    Index(posts);
  }
  PostResults Search(const std::string& q, size_t offset = 0) {
    PostQuery query;
    query.q = q;
    query.offset = offset;
    auto found = index_->SearchPosts(query, Audience{{5}});
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : PostResults{};
  }
};

TEST_F(SearchTotalTest, HiddenPostsNeverMoveTheTotal) {
  IndexFillerAndHidden(1000);
  PostResults hidden_word = Search("filler OR zanzibar");
  PostResults no_word = Search("filler OR qwxzyv");
  EXPECT_EQ(hidden_word.total, 1000);
  EXPECT_TRUE(hidden_word.total_exact);
  EXPECT_EQ(no_word.total, 1000);
  EXPECT_TRUE(no_word.total_exact);
}

TEST_F(SearchTotalTest, PastTheExactBoundTheTotalIsALowerBoundHiddenPostsCannotMove) {
  IndexFillerAndHidden(1100);
  for (const char* q : {"filler OR zanzibar", "filler OR qwxzyv", "filler"}) {
    SCOPED_TRACE(q);
    PostResults found = Search(q);
    EXPECT_EQ(found.total, 1000);
    EXPECT_FALSE(found.total_exact);
    EXPECT_EQ(found.hits.size(), 20u);
    // A page past the bound still counts exactly up to its end.
    PostResults deep = Search(q, 1090);
    EXPECT_EQ(deep.total, 1100);
    EXPECT_TRUE(deep.total_exact);
    EXPECT_EQ(deep.hits.size(), 10u);
  }
}

TEST_F(SearchIndexTest, FiltersNarrowByAuthorKindHashtagCommunityAndTime) {
  PostDocument a = Post(1, "quarterly review");
  a.hashtags = {"q4"};
  PostDocument b = Post(2, "quarterly review");
  b.author_id = 9;
  b.kind = "question";
  b.created_at = kNow - 10 * kDay;
  PostDocument c = Post(3, "quarterly review");
  c.community_id = 4;
  Index({a, b, c});
  Audience audience{{4}};
  auto run = [&](PostQuery query) {
    query.q = "quarterly";
    auto found = index_->SearchPosts(query, audience);
    EXPECT_TRUE(found.ok());
    auto ids = Ids(found->hits);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  PostQuery by_author;
  by_author.author_id = 9;
  EXPECT_EQ(run(by_author), std::vector<Id>{2});
  PostQuery by_kind;
  by_kind.kind = "question";
  EXPECT_EQ(run(by_kind), std::vector<Id>{2});
  PostQuery by_tag;
  by_tag.hashtag = "q4";
  EXPECT_EQ(run(by_tag), std::vector<Id>{1});
  PostQuery by_community;
  by_community.community_id = 4;
  EXPECT_EQ(run(by_community), std::vector<Id>{3});
  PostQuery recent;
  recent.since = kNow - kDay;
  EXPECT_EQ(run(recent), (std::vector<Id>{1, 3}));
  PostQuery older;
  older.until = kNow - kDay;
  EXPECT_EQ(run(older), std::vector<Id>{2});
}

TEST_F(SearchIndexTest, ABlankQueryListsTheFilteredPostsNewestFirst) {
  PostDocument old = Post(1, "first");
  old.created_at = kNow - kDay;
  Index({old, Post(2, "second")});
  PostQuery by_author;
  by_author.author_id = 1;
  auto found = index_->SearchPosts(by_author, {});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Ids(found->hits), (std::vector<Id>{2, 1}));
}

TEST_F(SearchIndexTest, ABlankQueryWithoutAFilterIsRefused) {
  auto found = index_->SearchPosts(PostQuery{}, {});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().error_code(), "missing_query");
}

TEST_F(SearchIndexTest, ScoresAreRelativeToTheBestMatch) {
  Index({Post(1, "pricing pricing pricing review"),
         Post(2, "pricing and a long tail of other words")});
  PostQuery query;
  query.q = "pricing";
  auto found = index_->SearchPosts(query, {});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->hits.size(), 2u);
  EXPECT_DOUBLE_EQ(found->hits[0].score, 1.0);
  EXPECT_GT(found->hits[1].score, 0.0);
  EXPECT_LT(found->hits[1].score, 1.0);
}

TEST_F(SearchIndexTest, RemovedAndReplacedPostsChangeWhatIsFound) {
  Index({Post(1, "draft about pricing"), Post(2, "pricing sheet")});
  ASSERT_TRUE(index_->Apply({Post(1, "draft about hiring")}, {}, {2}, ++seq_).ok());
  EXPECT_TRUE(Find("pricing").empty());
  EXPECT_EQ(Find("hiring"), std::vector<Id>{1});
}

TEST_F(SearchIndexTest, PagingReturnsTheRestAndAnExactTotal) {
  std::vector<PostDocument> posts;
  for (Id id = 1; id <= 25; ++id)
    posts.push_back(Post(id, "weekly update number " + std::to_string(id)));
  Index(posts);
  PostQuery query;
  query.q = "weekly";
  query.limit = 10;
  query.offset = 20;
  auto page = index_->SearchPosts(query, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 25);
  EXPECT_EQ(page->hits.size(), 5u);
}

TEST_F(SearchIndexTest, QuerySyntaxErrorsFallBackToPlainWords) {
  Index({Post(1, "pricing and discounts")});
  EXPECT_EQ(Find("pricing AND"), std::vector<Id>{1});
  EXPECT_EQ(Find("\"pricing"), std::vector<Id>{1});
  EXPECT_EQ(Find("(pricing"), std::vector<Id>{1});
  EXPECT_TRUE(Find("NOT pricing").empty());
}

TEST_F(SearchIndexTest, OverlongAndOvercomplexQueriesAreRefused) {
  PostQuery query;
  query.q = std::string(501, 'a');
  auto long_query = index_->SearchPosts(query, {});
  ASSERT_FALSE(long_query.ok());
  EXPECT_EQ(long_query.status().error_code(), "query_too_long");
  query.q.clear();
  for (int i = 0; i < 70; ++i) query.q += "word" + std::to_string(i) + " ";
  auto complex = index_->SearchPosts(query, {});
  ASSERT_FALSE(complex.ok());
  EXPECT_EQ(complex.status().error_code(), "query_too_complex");
  query.q = "a* b* c* d* e*";
  auto wild = index_->SearchPosts(query, {});
  ASSERT_FALSE(wild.ok());
  EXPECT_EQ(wild.status().error_code(), "query_too_complex");
}

TEST_F(SearchIndexTest, EveryDealFacetFiltersAndCountsItsOwnField) {
  PostDocument lyon = Deal(1, "banking", "Secure", 100, "2026-01-10");
  lyon.deal->region = "Rhône-Alpes";
  Index({lyon, Deal(2, "retail", "Enterprise", 200, "2026-01-11", "lost")});
  auto all = index_->SearchDeals({}, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->facets.size(), 4u);
  EXPECT_EQ(all->facets["region"]["Rhône-Alpes"], 1);  // as written
  EXPECT_EQ(all->facets["region"]["France"], 1);
  struct Case {
    std::optional<std::string> DealQuery::*field;
    std::string value;
  };
  for (const Case& c :
       {Case{&DealQuery::sector, "BANKING"}, Case{&DealQuery::product, "secure"},
        Case{&DealQuery::region, "rhone-alpes"}, Case{&DealQuery::outcome, "won"}}) {
    DealQuery query;
    query.*c.field = c.value;  // folded: case and accents do not matter
    auto found = index_->SearchDeals(query, {});
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(Ids(found->hits), std::vector<Id>{1}) << c.value;
  }
}

TEST_F(SearchIndexTest, WildcardsExpandToIndexedWords) {
  Index({Post(1, "negotiation"), Post(2, "negative"), Post(3, "positive")});
  auto ids = Find("nega* OR negot*");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<Id>{1, 2}));
}

TEST_F(SearchIndexTest, DealFacetsCountTheFilteredReadableMatchesOnly) {
  PostDocument hidden = Deal(4, "banking", "Secure", 900, "2026-03-01");
  hidden.community_id = 50;
  Index({Deal(1, "banking", "Enterprise", 100'000, "2026-01-10"),
         Deal(2, "banking", "Secure", 250'000, "2026-02-10"),
         Deal(3, "retail", "Enterprise", 50'000, "2026-02-20", "lost"), hidden,
         Post(5, "banking chatter")});
  DealQuery query;
  auto all = index_->SearchDeals(query, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 3);
  EXPECT_EQ(all->facets["sector"]["banking"], 2);
  EXPECT_EQ(all->facets["sector"]["retail"], 1);
  EXPECT_EQ(all->facets["outcome"]["lost"], 1);
  EXPECT_EQ(all->facets["product"].count("Secure"), 1u);
  EXPECT_EQ(all->facets["product"]["Secure"], 1);

  query.sector = "Banking";  // filters fold case
  query.min_amount = 200'000;
  auto big = index_->SearchDeals(query, {});
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(Ids(big->hits), std::vector<Id>{2});
  EXPECT_EQ(big->facets["product"].size(), 1u);

  DealQuery dated;
  dated.since = "2026-02-01";
  dated.until = "2026-02-15";
  auto february = index_->SearchDeals(dated, {});
  ASSERT_TRUE(february.ok());
  EXPECT_EQ(Ids(february->hits), std::vector<Id>{2});

  DealQuery text;
  text.q = "retail";
  auto retail = index_->SearchDeals(text, {});
  ASSERT_TRUE(retail.ok());
  EXPECT_EQ(Ids(retail->hits), std::vector<Id>{3});
}

TEST_F(SearchIndexTest, PeopleAreFoundByNameTitleSkillsAndFilteredByFields) {
  PersonDocument ada{1,
                     "ada",
                     "Adèle Lovelace",
                     "Data Scientist",
                     "Engineering",
                     "Paris",
                     "",
                     {"Machine learning", "Python"},
                     Language::kFrench,
                     true,
                     {}};
  PersonDocument bob{2,        "bob", "Bob Stone",     "Account Executive", "Sales",
                     "London", "",    {"Negotiation"}, Language::kEnglish,  true,
                     {}};
  Index({}, {ada, bob});
  auto people = [&](PeopleQuery query) {
    auto found = index_->SearchPeople(query);
    EXPECT_TRUE(found.ok());
    return Ids(found->hits);
  };
  PeopleQuery by_name;
  by_name.q = "adele";
  EXPECT_EQ(people(by_name), std::vector<Id>{1});
  PeopleQuery by_skill;
  by_skill.skill = "negotiation";
  EXPECT_EQ(people(by_skill), std::vector<Id>{2});
  PeopleQuery by_place;
  by_place.location = "paris";
  by_place.department = "engineering";
  EXPECT_EQ(people(by_place), std::vector<Id>{1});
  PeopleQuery everyone;
  EXPECT_EQ(people(everyone), (std::vector<Id>{1, 2}));  // by name

  bob.active = false;
  Index({}, {bob});
  EXPECT_EQ(people(everyone), std::vector<Id>{1});
}

TEST_F(SearchIndexTest, HighlightEscapesTextAndMarksFoldedMatches) {
  Index({Post(1, "<b>Négociation</b> réussie & signée", Language::kFrench)});
  PostQuery query;
  query.q = "negociations";
  auto found = index_->SearchPosts(query, {});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(SearchIndex::Highlight("<b>Négociation</b> réussie & signée", found->matched),
            "&lt;b&gt;<mark>Négociation</mark>&lt;/b&gt; réussie &amp; signée");
}

TEST_F(SearchIndexTest, HighlightCutsLongTextsAroundTheFirstMatch) {
  std::string text;
  for (int i = 0; i < 80; ++i) text += "filler ";
  text += "kubernetes rollout";
  for (int i = 0; i < 80; ++i) text += " filler";
  MatchedTerms matched{{"kubernetes"}};
  std::string snippet = SearchIndex::Highlight(text, matched, 100);
  EXPECT_NE(snippet.find("<mark>kubernetes</mark>"), std::string::npos);
  EXPECT_EQ(snippet.rfind("…", 0), 0u);
  EXPECT_LT(snippet.size(), 140u);
}

TEST_F(SearchIndexTest, TheAppliedPositionSurvivesAReopenAndANewIndexIsUnbuilt) {
  EXPECT_FALSE(index_->applied_seq().has_value());
  Index({Post(1, "hello")});
  EXPECT_FALSE(index_->applied_seq().has_value());  // not built yet: positions are not kept
  ASSERT_TRUE(index_->MarkBuilt(7).ok());
  ASSERT_TRUE(index_->Apply({Post(2, "world")}, {}, {}, 9).ok());
  index_.Reopen();
  EXPECT_EQ(index_->applied_seq(), 9);
  EXPECT_EQ(Find("world"), std::vector<Id>{2});
}

TEST_F(SearchIndexTest, ClearRemovesEveryDocumentAndTheBuiltMark) {
  PersonDocument person;
  person.id = 7;
  person.display_name = "Ada";
  Index({Post(1, "hello")}, {person});
  ASSERT_TRUE(index_->MarkBuilt(3).ok());
  ASSERT_TRUE(index_->Clear().ok());
  EXPECT_EQ(index_->documents(), 0u);
  EXPECT_FALSE(index_->applied_seq().has_value());
  index_.Reopen();
  EXPECT_FALSE(index_->applied_seq().has_value());
  EXPECT_TRUE(Find("hello").empty());
}

// An index written before the audience and length terms it relies on were added would show
// community posts as company-wide: it is emptied, and so built again from the store.
TEST_F(SearchIndexTest, AnIndexOfAnotherSchemaVersionIsEmptiedWhenOpened) {
  PostDocument hidden = Post(1, "falcon roadmap");
  hidden.community_id = 77;
  Index({hidden});
  ASSERT_TRUE(index_->MarkBuilt(3).ok());
  index_.Reopen();
  ASSERT_EQ(index_->documents(), 1u);  // the same version: kept
  index_.Close();
  {
    Xapian::WritableDatabase older(index_.path(), Xapian::DB_OPEN);
    older.set_metadata("agora.schema", "1");
    older.commit();
  }
  index_.Reopen();
  EXPECT_EQ(index_->documents(), 0u);
  EXPECT_FALSE(index_->applied_seq().has_value());
  EXPECT_TRUE(Find("falcon").empty());
}

TEST_F(SearchIndexTest, ASecondWriterIsRefusedAsUnavailable) {
  auto second = SearchIndex::Open(index_.path(), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

// Commits overwrite the blocks of revisions readers may still hold; a read that spans commits
// must read again on the newest revision, never fail (it used to answer "Expected block N to be
// level 1, not 0" now and then under load: a root block reused by a later commit).
TEST_F(SearchIndexTest, ReadsRacingManyCommitsNeverFail) {
  constexpr int kCommits = 400;
  constexpr int kPostsPerCommit = 40;
  std::atomic<bool> writing{true};
  std::atomic<int> failed_reads{0};
  std::atomic<int> reads{0};
  std::string first_failure;
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      while (writing.load()) {
        PostQuery query;
        query.q = "churn word" + std::to_string(r);
        auto found = index_->SearchPosts(query, {});
        ++reads;
        if (!found.ok() && failed_reads.fetch_add(1) == 0) {
          first_failure = found.status().message();
        }
      }
    });
  }
  for (int commit = 0; commit < kCommits; ++commit) {
    std::vector<PostDocument> batch;
    for (int i = 0; i < kPostsPerCommit; ++i) {
      // The same ids rewritten with new words, so every commit replaces blocks.
      Id id = 1 + (commit * kPostsPerCommit + i) % 2000;
      batch.push_back(Post(id, "churn word" + std::to_string(i % 4) + " revision" +
                                   std::to_string(commit) + " filler" + std::to_string(i)));
    }
    Index(batch);
  }
  writing = false;
  for (auto& reader : readers) reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(failed_reads.load(), 0) << first_failure;
}

}  // namespace
}  // namespace agora::search
