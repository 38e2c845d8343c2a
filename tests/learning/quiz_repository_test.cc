#include "learning/quiz_repository.h"

#include <gtest/gtest.h>

#include "tests/support/people.h"
#include "tests/support/temp_store.h"

namespace agora::learning {
namespace {

class QuizRepositoryTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    ASSERT_TRUE(agora::testing::AddPeople(*store_, {{1, "author"}, {2, "taker"}}).ok());
    quiz_.id = 100;
    quiz_.created_by = 1;
    quiz_.created_at = 1000;
    quiz_.content.title = "Pricing";
    quiz_.content.skill = "pricing";
    quiz_.content.questions = {{"Q1", {"a", "b", "c"}, {0, 2}, "why 1"},
                               {"Q2", {"x", "y"}, {1}, "why 2"}};
    ASSERT_TRUE(store_->write([&](storage::Connection& c) { return InsertQuiz(c, quiz_); }).ok());
  }

  Quiz Load() {
    auto quiz = store_->read([&](storage::Connection& c) { return LoadQuiz(c, quiz_.id); });
    EXPECT_TRUE(quiz.ok() && quiz->has_value());
    return **quiz;
  }

  agora::testing::TempStore store_{GetParam()};
  Quiz quiz_;
};

TEST_P(QuizRepositoryTest, AQuizReadsBackWithItsQuestionsChoicesAndAnswers) {
  Quiz loaded = Load();
  EXPECT_EQ(loaded.content.title, "Pricing");
  ASSERT_EQ(loaded.content.questions.size(), 2u);
  EXPECT_EQ(loaded.content.questions[0].choices, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(loaded.content.questions[0].correct, (std::vector<int>{0, 2}));
  EXPECT_EQ(loaded.content.questions[1].explanation, "why 2");
  EXPECT_EQ(loaded.questions_count, 2);
  EXPECT_EQ(loaded.attempts_count, 0);
}

TEST_P(QuizRepositoryTest, AttemptsAreSummedPerPersonAndCountedSinceATime) {
  ASSERT_TRUE(store_
                  ->write([&](storage::Connection& c) -> Status {
                    AGORA_RETURN_IF_ERROR(InsertAttempt(c, {200, quiz_.id, 2, 0.5, false, 5000}));
                    return InsertAttempt(c, {201, quiz_.id, 2, 1.0, true, 9000});
                  })
                  .ok());
  auto result = store_->read([&](storage::Connection& c) { return ResultOf(c, quiz_.id, 2); });
  ASSERT_TRUE(result.ok() && result->has_value());
  EXPECT_EQ((*result)->attempts, 2);
  EXPECT_EQ((*result)->passes, 1);
  EXPECT_DOUBLE_EQ((*result)->best_score, 1.0);
  auto since =
      store_->read([&](storage::Connection& c) { return AttemptTimesSince(c, quiz_.id, 2, 6000); });
  EXPECT_EQ(*since, (std::vector<UnixMillis>{9000}));
  EXPECT_EQ(Load().attempts_count, 2);
}

TEST_P(QuizRepositoryTest, ASkillIsVerifiedOnce) {
  auto add = [&](Id quiz, UnixMillis at) {
    return store_->write_value<bool>([&](storage::Connection& c) {
      return AddVerifiedSkill(c, {2, "pricing", quiz, at, std::nullopt});
    });
  };
  EXPECT_EQ(*add(quiz_.id, 10), true);
  EXPECT_EQ(*add(quiz_.id, 20), false);
  auto skills = store_->read([&](storage::Connection& c) { return VerifiedSkillsOf(c, {2}); });
  ASSERT_EQ(skills->size(), 1u);
  EXPECT_EQ((*skills)[0].passed_at, 10);
}

AGORA_INSTANTIATE_ON_EACH_ENGINE(QuizRepositoryTest);

}  // namespace

}  // namespace agora::learning
