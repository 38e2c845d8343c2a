// Knowledge evidence in expert ranking: an accepted answer weighs more than a plain reply, a
// verified skill more than a declared one, each shown as evidence; an accepted answer the
// asker may not read raises no one.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/search/temp_index.h"

namespace agora::search {
namespace {

PersonDocument Person(Id id, std::vector<std::string> skills = {},
                      std::vector<std::string> verified = {}) {
  PersonDocument p;
  p.id = id;
  p.username = "person" + std::to_string(id);
  p.display_name = "Person " + std::to_string(id);
  p.skills = std::move(skills);
  p.verified_skills = std::move(verified);
  return p;
}

PostDocument Reply(Id id, Id author, bool accepted, std::optional<Id> community = std::nullopt) {
  PostDocument d;
  d.id = id;
  d.author_id = author;
  d.community_id = community;
  d.kind = "status";
  d.text = "consumer lag on the kafka cluster: raise the partitions";
  d.created_at = 1'790'000'000'000;
  d.accepted_answer = accepted;
  return d;
}

class KnowledgeEvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PersonDocument> people = {Person(1), Person(2), Person(3, {"Kafka"}),
                                          Person(4, {}, {"kafka"}), Person(5)};
    std::vector<PostDocument> posts = {Reply(100, 1, false), Reply(101, 2, true),
                                       Reply(102, 5, true, 77)};
    ASSERT_TRUE(index_->Apply(posts, people, {}, 1).ok());
  }
  std::vector<ExpertHit> Experts(const Audience& audience = {}) {
    auto hits = index_->FindExperts("kafka", 10, audience);
    EXPECT_TRUE(hits.ok()) << hits.status().message();
    return hits.ok() ? *hits : std::vector<ExpertHit>{};
  }
  static size_t RankOf(const std::vector<ExpertHit>& hits, Id user) {
    auto at = std::find_if(hits.begin(), hits.end(),
                           [&](const ExpertHit& h) { return h.user_id == user; });
    return static_cast<size_t>(at - hits.begin());
  }

  testing::TempIndex index_;
};

TEST_F(KnowledgeEvidenceTest, AnAcceptedAnswerOutranksTheSameReplyNotAccepted) {
  auto hits = Experts();
  ASSERT_LT(RankOf(hits, 2), hits.size());
  EXPECT_LT(RankOf(hits, 2), RankOf(hits, 1));
  EXPECT_EQ(hits[RankOf(hits, 2)].accepted_answers, std::vector<Id>{101});
  EXPECT_TRUE(hits[RankOf(hits, 1)].accepted_answers.empty());
}

TEST_F(KnowledgeEvidenceTest, AVerifiedSkillOutranksADeclaredOne) {
  auto hits = Experts();
  ASSERT_LT(RankOf(hits, 4), hits.size());
  ASSERT_LT(RankOf(hits, 3), hits.size());
  EXPECT_LT(RankOf(hits, 4), RankOf(hits, 3));
  EXPECT_EQ(hits[RankOf(hits, 4)].verified_skills, std::vector<std::string>{"kafka"});
  EXPECT_TRUE(hits[RankOf(hits, 4)].skills.empty());
  EXPECT_EQ(hits[RankOf(hits, 3)].skills, std::vector<std::string>{"Kafka"});
  EXPECT_TRUE(hits[RankOf(hits, 3)].verified_skills.empty());
}

TEST_F(KnowledgeEvidenceTest, AnAcceptedAnswerTheAskerMayNotReadRaisesNoOne) {
  EXPECT_EQ(RankOf(Experts(), 5), Experts().size());  // outside the audience: not a candidate
  auto members = Experts(Audience{{77}});
  ASSERT_LT(RankOf(members, 5), members.size());
  EXPECT_EQ(members[RankOf(members, 5)].accepted_answers, std::vector<Id>{102});
}

}  // namespace
}  // namespace agora::search
