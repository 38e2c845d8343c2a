#include "learning/quiz.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/name_key.h"
#include "core/text.h"

namespace agora::learning {
namespace {

Status CheckText(const std::string& text, const char* code, const std::string& what,
                 bool may_be_empty) {
  if ((!may_be_empty && IsBlankText(text)) || text.size() > QuizLimits::kTextMax) {
    return Status::Unprocessable(code, what + " must be non-blank and at most " +
                                           std::to_string(QuizLimits::kTextMax) + " bytes");
  }
  return Status::Ok();
}

Status ValidateQuestion(QuizQuestion& q, size_t index) {
  std::string where = "questions[" + std::to_string(index) + "]";
  AGORA_RETURN_IF_ERROR(CheckText(q.text, "invalid_question", where + ".text", false));
  AGORA_RETURN_IF_ERROR(CheckText(q.explanation, "invalid_question", where + ".explanation", true));
  if (q.choices.size() < QuizLimits::kChoicesMin || q.choices.size() > QuizLimits::kChoicesMax) {
    return Status::Unprocessable("invalid_choices", where + " has 2 to 8 choices");
  }
  std::set<std::string> seen;
  for (const auto& choice : q.choices) {
    AGORA_RETURN_IF_ERROR(CheckText(choice, "invalid_choices", where + " choice", false));
    if (!seen.insert(choice).second) {
      return Status::Unprocessable("duplicate_choices", where + " repeats a choice");
    }
  }
  std::sort(q.correct.begin(), q.correct.end());
  q.correct.erase(std::unique(q.correct.begin(), q.correct.end()), q.correct.end());
  if (q.correct.empty()) {
    return Status::Unprocessable("no_correct_choice", where + " has no correct choice");
  }
  for (int c : q.correct) {
    if (c < 0 || static_cast<size_t>(c) >= q.choices.size()) {
      return Status::Unprocessable("correct_out_of_range",
                                   where + ".correct names a choice it does not have");
    }
  }
  return Status::Ok();
}

}  // namespace

// NameKey (core/name_key.h): "É" and "é", "Kafka " and "KAFKA" are one skill.
std::string NormalizeSkill(const std::string& skill) { return NameKey(skill); }

Status ValidateQuiz(NewQuiz& quiz) {
  AGORA_RETURN_IF_ERROR(CheckText(quiz.title, "invalid_title", "title", false));
  quiz.skill = NormalizeSkill(quiz.skill);
  if (quiz.skill.empty() || quiz.skill.size() > 100) {
    return Status::Unprocessable("invalid_skill", "skill must be 1 to 100 bytes");
  }
  AGORA_RETURN_IF_ERROR(CheckText(quiz.description, "invalid_description", "description", true));
  if (quiz.questions.size() < QuizLimits::kQuestionsMin ||
      quiz.questions.size() > QuizLimits::kQuestionsMax) {
    return Status::Unprocessable("invalid_questions", "a quiz has 1 to 50 questions");
  }
  for (size_t i = 0; i < quiz.questions.size(); ++i) {
    AGORA_RETURN_IF_ERROR(ValidateQuestion(quiz.questions[i], i));
  }
  if (!(quiz.pass_mark >= 0 && quiz.pass_mark <= 1)) {
    return Status::Unprocessable("invalid_pass_mark", "pass_mark is between 0 and 1");
  }
  if (quiz.max_attempts_per_day < 1 || quiz.max_attempts_per_day > QuizLimits::kAttemptsPerDayMax) {
    return Status::Unprocessable("invalid_max_attempts", "max_attempts_per_day is 1 to 100");
  }
  return Status::Ok();
}

Result<ScoredAttempt> Score(const NewQuiz& quiz, const std::vector<std::vector<int>>& answers) {
  if (answers.size() != quiz.questions.size()) {
    return Status::Unprocessable(
        "invalid_answers",
        "answers has one entry per question (" + std::to_string(quiz.questions.size()) + ")");
  }
  ScoredAttempt out;
  size_t right = 0;
  for (size_t i = 0; i < answers.size(); ++i) {
    const QuizQuestion& q = quiz.questions[i];
    std::vector<int> picked = answers[i];
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    for (int p : picked) {
      if (p < 0 || static_cast<size_t>(p) >= q.choices.size()) {
        return Status::Unprocessable("invalid_answers",
                                     "answers[" + std::to_string(i) + "] names no choice");
      }
    }
    bool correct = picked == q.correct;
    if (correct) ++right;
    out.results.push_back({correct, q.correct, q.explanation});
  }
  out.score = static_cast<double>(right) / static_cast<double>(quiz.questions.size());
  out.passed = out.score >= quiz.pass_mark;
  return out;
}

}  // namespace agora::learning
