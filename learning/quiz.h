// Skill quizzes (QCM): the value types, the rules a quiz must meet, and exact scoring.
//
// A quiz has 1–50 questions of 2–8 distinct choices, one or several of them correct, and an
// explanation; an answer is right when it picks all and only the correct choices. The score is
// the share of right answers; a score at or above the pass mark passes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"

namespace agora::learning {

struct QuizQuestion {
  std::string text;
  std::vector<std::string> choices;
  std::vector<int> correct;  // indexes into choices, ascending, distinct
  std::string explanation;
};

struct NewQuiz {
  std::string title;
  std::string skill;
  std::string description;
  std::vector<QuizQuestion> questions;
  double pass_mark = 0.8;
  std::optional<Id> community_id;  // for the members of that community; nullopt: everyone
  int max_attempts_per_day = 3;
};

struct Quiz {
  Id id = 0;
  NewQuiz content;
  Id created_by = 0;
  UnixMillis created_at = 0;
  int64_t attempts_count = 0;
  int64_t questions_count = 0;
};

struct QuizLimits {
  static constexpr size_t kQuestionsMin = 1;
  static constexpr size_t kQuestionsMax = 50;
  static constexpr size_t kChoicesMin = 2;
  static constexpr size_t kChoicesMax = 8;
  static constexpr size_t kTextMax = 2000;  // characters of a title, question, choice, etc.
  static constexpr int kAttemptsPerDayMax = 100;
};

// kUnprocessable with a specific code: invalid_title, invalid_skill, invalid_questions (count),
// invalid_choices (count or blank), duplicate_choices, no_correct_choice,
// correct_out_of_range, invalid_pass_mark, invalid_max_attempts. Sorts each `correct` list.
Status ValidateQuiz(NewQuiz& quiz);

// A skill's canonical form, its NameKey (core/name_key.h): "Kafka " and "kafka" are one.
std::string NormalizeSkill(const std::string& skill);

struct QuestionResult {
  bool correct = false;
  std::vector<int> expected;
  std::string explanation;
};

struct ScoredAttempt {
  double score = 0;  // right answers / questions
  bool passed = false;
  std::vector<QuestionResult> results;
};

// kUnprocessable "invalid_answers" when `answers` has not one entry per question or names a
// choice out of range; a repeated index counts once.
Result<ScoredAttempt> Score(const NewQuiz& quiz, const std::vector<std::vector<int>>& answers);

}  // namespace agora::learning
