// Expert ranking findings of issue 18 (real bilingual text): a topic asked in one language
// finds evidence written in the other, and an author's many loose matches do not bury a
// person with a score of close ones.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/search/temp_index.h"

namespace agora::search {
namespace {

PersonDocument Person(Id id) {
  PersonDocument p;
  p.id = id;
  p.username = "person" + std::to_string(id);
  p.display_name = "Person " + std::to_string(id);
  return p;
}

PostDocument Post(Id id, Id author, std::string text, Language language = Language::kEnglish) {
  PostDocument d;
  d.id = id;
  d.author_id = author;
  d.kind = "status";
  d.text = std::move(text);
  d.created_at = 1'790'000'000'000;
  d.language = language;
  return d;
}

class ExpertModelTest : public ::testing::Test {
 protected:
  void Index(const std::vector<PostDocument>& posts, const std::vector<PersonDocument>& people) {
    ASSERT_TRUE(index_->Apply(posts, people, {}, ++seq_).ok());
  }
  std::vector<Id> Experts(const std::string& q) {
    auto hits = index_->FindExperts(q, 10, {});
    EXPECT_TRUE(hits.ok()) << hits.status().message();
    std::vector<Id> out;
    if (hits.ok()) {
      for (const ExpertHit& h : *hits) out.push_back(h.user_id);
    }
    return out;
  }

  testing::TempIndex index_;
  int64_t seq_ = 0;
};

TEST_F(ExpertModelTest, AnEnglishTopicFindsFrenchEvidenceAndBack) {
  Index({Post(1, 1, "Bibliothèque de cryptographie pour le chiffrement des disques",
              Language::kFrench),
         Post(2, 2, "Statistical computing: a library of statistics routines")},
        {Person(1), Person(2)});
  EXPECT_EQ(Experts("cryptography"), std::vector<Id>{1});
  EXPECT_EQ(Experts("statistiques"), std::vector<Id>{2});
}

TEST_F(ExpertModelTest, ManyLooseMatchesDoNotBuryAScoreOfCloseOnes) {
  std::vector<PostDocument> posts;
  Id id = 0;
  // A team: sixty long posts that name the telescope once.
  for (int i = 0; i < 60; ++i) {
    posts.push_back(Post(++id, 1,
                         "Desktop utility " + std::to_string(i) +
                             " for files, folders, printing, archives, scanners, fonts, themes, "
                             "clocks and a telescope icon in the panel of the desktop"));
  }
  // A person: twenty short posts about telescopes.
  for (int i = 0; i < 20; ++i) {
    posts.push_back(Post(++id, 2, "Telescope control: telescope mount " + std::to_string(i)));
  }
  Index(posts, {Person(1), Person(2)});
  std::vector<Id> experts = Experts("telescope");
  ASSERT_EQ(experts.size(), 2U);
  EXPECT_EQ(experts.front(), 2);
}

}  // namespace
}  // namespace agora::search
