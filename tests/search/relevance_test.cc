// Expert finding on the labelled corpus of bench/relevance_corpus.h: each topic's true experts
// must be the first three, people who only claim a skill must rank below people who write
// about it, and evidence the asker may not read must not raise anyone.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/relevance_corpus.h"
#include "tests/search/temp_index.h"

namespace agora::search {
namespace {

class RelevanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = new bench::RelevanceCorpus(bench::MakeRelevanceCorpus());
    index_ = new testing::TempIndex();
    ASSERT_TRUE((*index_)->Apply(corpus_->posts, corpus_->people, {}, 1).ok());
  }
  static void TearDownTestSuite() {
    delete index_;
    delete corpus_;
  }
  static std::vector<Id> Ranked(const std::vector<ExpertHit>& hits) {
    std::vector<Id> out;
    for (const ExpertHit& h : hits) out.push_back(h.user_id);
    return out;
  }

  static bench::RelevanceCorpus* corpus_;
  static testing::TempIndex* index_;
};

bench::RelevanceCorpus* RelevanceTest::corpus_ = nullptr;
testing::TempIndex* RelevanceTest::index_ = nullptr;

TEST_F(RelevanceTest, EachTopicsTrueExpertsRankInTheTopThree) {
  for (const bench::RelevanceTopic& topic : corpus_->topics) {
    auto experts = (*index_)->FindExperts(topic.query, 10, {});
    ASSERT_TRUE(experts.ok()) << experts.status().message();
    ASSERT_GE(experts->size(), 3u) << topic.query;
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_NE(std::find(topic.experts.begin(), topic.experts.end(), (*experts)[i].user_id),
                topic.experts.end())
          << topic.query << ": rank " << i + 1 << " is not a true expert";
    }
  }
}

TEST_F(RelevanceTest, ExpertsShowTheirMatchingSkillsAndPosts) {
  const bench::RelevanceTopic& topic = corpus_->topics.front();
  auto experts = (*index_)->FindExperts(topic.query, 10, {});
  ASSERT_TRUE(experts.ok());
  const ExpertHit& best = experts->front();
  ASSERT_FALSE(best.posts.empty());
  EXPECT_LE(best.posts.size(), 3u);
  for (Id post : best.posts) {
    EXPECT_NE(std::find(topic.relevant_posts.begin(), topic.relevant_posts.end(), post),
              topic.relevant_posts.end());
  }
  // The first expert of each topic declares the skill (bench/relevance_corpus.cc).
  auto top = std::find_if(experts->begin(), experts->end(),
                          [&](const ExpertHit& h) { return h.user_id == topic.experts[0]; });
  ASSERT_NE(top, experts->end());
  EXPECT_EQ(top->skills, std::vector<std::string>{"Kubernetes"});
}

TEST_F(RelevanceTest, PeopleWhoOnlyClaimASkillRankBelowTheWriters) {
  const bench::RelevanceTopic& topic = corpus_->topics.front();
  auto experts = (*index_)->FindExperts(topic.query, 20, {});
  ASSERT_TRUE(experts.ok());
  auto ranked = Ranked(*experts);
  size_t last_writer = 0;
  for (Id expert : topic.experts) {
    auto at = std::find(ranked.begin(), ranked.end(), expert);
    ASSERT_NE(at, ranked.end());
    last_writer = std::max(last_writer, static_cast<size_t>(at - ranked.begin()));
  }
  for (size_t i = 0; i < last_writer; ++i) {
    const ExpertHit& hit = (*experts)[i];
    if (std::find(topic.experts.begin(), topic.experts.end(), hit.user_id) == topic.experts.end()) {
      EXPECT_TRUE(hit.skills.empty()) << "a claimer outranks a writer";
    }
  }
}

TEST_F(RelevanceTest, EvidenceHiddenFromTheAskerNeverRaisesARank) {
  // A newcomer writes twenty posts on the first topic, all in a secret community.
  testing::TempIndex index;
  std::vector<PostDocument> posts = corpus_->posts;
  Id insider = 999'999;
  PersonDocument person;
  person.id = insider;
  person.username = "insider";
  person.display_name = "Insider";
  std::vector<PersonDocument> people = corpus_->people;
  people.push_back(person);
  for (int i = 0; i < 20; ++i) {
    PostDocument p;
    p.id = 5'000'000 + i;
    p.author_id = insider;
    p.community_id = 31;
    p.kind = "status";
    p.text = "kubernetes cluster helm autoscaling kubernetes";
    p.created_at = 1'790'000'000'000;
    posts.push_back(p);
  }
  ASSERT_TRUE(index->Apply(posts, people, {}, 1).ok());
  auto outside = index->FindExperts("kubernetes", 50, {});
  ASSERT_TRUE(outside.ok());
  for (const ExpertHit& hit : *outside) EXPECT_NE(hit.user_id, insider);
  auto member = index->FindExperts("kubernetes", 50, Audience{{31}});
  ASSERT_TRUE(member.ok());
  EXPECT_EQ(member->front().user_id, insider);
}

}  // namespace
}  // namespace agora::search
