#include "learning/quiz.h"

#include <gtest/gtest.h>

namespace agora::learning {
namespace {

NewQuiz TwoQuestions() {
  NewQuiz quiz;
  quiz.title = "Kafka basics";
  quiz.skill = " Kafka ";
  quiz.questions = {
      {"Ordering holds within?", {"a topic", "a partition", "a cluster"}, {1}, "p"},
      {"Durable settings?", {"acks=all", "acks=0", "min.insync.replicas=2"}, {2, 0}, "both"}};
  quiz.pass_mark = 0.5;
  return quiz;
}

std::string CodeOf(const Status& status) { return status.ok() ? "" : status.error_code(); }

TEST(QuizTest, AValidQuizIsNormalized) {
  NewQuiz quiz = TwoQuestions();
  ASSERT_TRUE(ValidateQuiz(quiz).ok());
  EXPECT_EQ(quiz.skill, "kafka");
  EXPECT_EQ(quiz.questions[1].correct, (std::vector<int>{0, 2}));
}

TEST(QuizTest, SkillsThatOnlyLookDifferentAreOneSkill) {
  EXPECT_EQ(NormalizeSkill("\u00c9quipe"), NormalizeSkill("\u00e9quipe"));
  EXPECT_EQ(NormalizeSkill("Caf\u00e9"), NormalizeSkill("CAFE\u0301 "));
  EXPECT_EQ(NormalizeSkill("Kaf\u200bka"), "kafka");
}

TEST(QuizTest, EachBrokenRuleHasItsCode) {
  struct Case {
    void (*breakit)(NewQuiz&);
    const char* code;
  };
  for (const Case& c : {
           Case{[](NewQuiz& q) { q.questions[0].correct = {}; }, "no_correct_choice"},
           Case{[](NewQuiz& q) { q.questions[0].choices[2] = "a topic"; }, "duplicate_choices"},
           Case{[](NewQuiz& q) { q.questions[0].correct = {3}; }, "correct_out_of_range"},
           Case{[](NewQuiz& q) { q.questions[0].correct = {-1}; }, "correct_out_of_range"},
           Case{[](NewQuiz& q) { q.questions[0].choices = {"only"}; }, "invalid_choices"},
           Case{[](NewQuiz& q) { q.questions[0].choices.resize(9, "x"); }, "invalid_choices"},
           Case{[](NewQuiz& q) { q.questions.clear(); }, "invalid_questions"},
           Case{[](NewQuiz& q) { q.questions.resize(51, q.questions[0]); }, "invalid_questions"},
           Case{[](NewQuiz& q) { q.pass_mark = 1.5; }, "invalid_pass_mark"},
           Case{[](NewQuiz& q) { q.pass_mark = -0.1; }, "invalid_pass_mark"},
           Case{[](NewQuiz& q) { q.max_attempts_per_day = 0; }, "invalid_max_attempts"},
           Case{[](NewQuiz& q) { q.title = " "; }, "invalid_title"},
           Case{[](NewQuiz& q) { q.skill = ""; }, "invalid_skill"},
       }) {
    NewQuiz quiz = TwoQuestions();
    c.breakit(quiz);
    EXPECT_EQ(CodeOf(ValidateQuiz(quiz)), c.code);
  }
}

TEST(QuizTest, AnAnswerIsRightWithAllAndOnlyTheCorrectChoices) {
  NewQuiz quiz = TwoQuestions();
  ASSERT_TRUE(ValidateQuiz(quiz).ok());

  auto all_right = Score(quiz, {{1}, {2, 0}});
  ASSERT_TRUE(all_right.ok());
  EXPECT_DOUBLE_EQ(all_right->score, 1.0);
  EXPECT_TRUE(all_right->passed);

  auto partial = Score(quiz, {{1}, {0}});  // one of two correct choices: wrong
  ASSERT_TRUE(partial.ok());
  EXPECT_DOUBLE_EQ(partial->score, 0.5);
  EXPECT_TRUE(partial->passed);  // pass mark 0.5
  EXPECT_FALSE(partial->results[1].correct);
  EXPECT_EQ(partial->results[1].expected, (std::vector<int>{0, 2}));
  EXPECT_EQ(partial->results[1].explanation, "both");

  auto extra = Score(quiz, {{1, 0}, {0, 1, 2}});  // a wrong choice added: wrong
  ASSERT_TRUE(extra.ok());
  EXPECT_DOUBLE_EQ(extra->score, 0.0);
  EXPECT_FALSE(extra->passed);

  auto repeated = Score(quiz, {{1, 1}, {2, 0, 2}});
  ASSERT_TRUE(repeated.ok());
  EXPECT_DOUBLE_EQ(repeated->score, 1.0);
}

TEST(QuizTest, AnswersThatDoNotFitTheQuizAreRefused) {
  NewQuiz quiz = TwoQuestions();
  ASSERT_TRUE(ValidateQuiz(quiz).ok());
  EXPECT_EQ(CodeOf(Score(quiz, {{1}}).status()), "invalid_answers");
  EXPECT_EQ(CodeOf(Score(quiz, {{1}, {0}, {0}}).status()), "invalid_answers");
  EXPECT_EQ(CodeOf(Score(quiz, {{1}, {7}}).status()), "invalid_answers");
}

TEST(QuizTest, ThePassMarkIsInclusive) {
  NewQuiz quiz = TwoQuestions();
  quiz.questions.resize(5, quiz.questions[0]);
  quiz.pass_mark = 0.8;
  ASSERT_TRUE(ValidateQuiz(quiz).ok());
  auto four_of_five = Score(quiz, {{1}, {0, 2}, {1}, {1}, {0}});
  ASSERT_TRUE(four_of_five.ok());
  EXPECT_TRUE(four_of_five->passed);
  auto three_of_five = Score(quiz, {{1}, {0, 2}, {1}, {0}, {0}});
  EXPECT_FALSE(three_of_five->passed);
}

}  // namespace
}  // namespace agora::learning
