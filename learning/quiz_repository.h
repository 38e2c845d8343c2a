// QuizRepository: quizzes with their questions and choices, attempts, and verified skills in
// SQLite. Every method runs on the connection it is given: the writer's inside a use case's
// transaction, or a reader's. Stateless; thread-safe as its connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "learning/quiz.h"
#include "storage/connection.h"

namespace agora::learning {

struct Attempt {
  Id id = 0;
  Id quiz_id = 0;
  Id user_id = 0;
  double score = 0;
  bool passed = false;
  UnixMillis created_at = 0;
};

// One person's attempts at one quiz, summed up.
struct PersonResult {
  Id user_id = 0;
  int64_t attempts = 0;
  int64_t passes = 0;
  double best_score = 0;
};

struct VerifiedSkill {
  Id user_id = 0;
  std::string skill;
  Id quiz_id = 0;
  UnixMillis passed_at = 0;
  std::optional<Id> community_id;  // the quiz's community, if any
};

struct QuizFilter {
  std::optional<std::string> skill;  // normalized
  std::optional<Id> community_id;
  std::optional<Id> before;  // ids below this one (newest first)
  int limit = 20;
};

// Writes `quiz` (validated) with its questions and choices.
Status InsertQuiz(storage::Connection& c, const Quiz& quiz);
// Replaces the quiz's title, description, pass mark, attempt limit and (when given) questions.
Status UpdateQuiz(storage::Connection& c, Id id, const NewQuiz& content, bool with_questions);
// The quiz with its questions and answers and its attempts_count; nullopt when absent.
Result<std::optional<Quiz>> LoadQuiz(storage::Connection& c, Id id);
// Quizzes matching `filter`, newest first, without their questions.
Result<std::vector<Quiz>> ListQuizzes(storage::Connection& c, const QuizFilter& filter);

Status InsertAttempt(storage::Connection& c, const Attempt& attempt);
// The person's attempts at the quiz since `since`, oldest first.
Result<std::vector<UnixMillis>> AttemptTimesSince(storage::Connection& c, Id quiz_id, Id user_id,
                                                  UnixMillis since);
// Per person who attempted the quiz.
Result<std::vector<PersonResult>> ResultsByPerson(storage::Connection& c, Id quiz_id);
Result<std::optional<PersonResult>> ResultOf(storage::Connection& c, Id quiz_id, Id user_id);
// A person's attempts at every quiz, newest first, ids below `before` when given.
Result<std::vector<Attempt>> AttemptsOf(storage::Connection& c, Id user_id,
                                        std::optional<Id> before, int limit);

// Adds the skill unless the person already has it verified; whether it was added.
Result<bool> AddVerifiedSkill(storage::Connection& c, const VerifiedSkill& skill);
Result<std::vector<VerifiedSkill>> VerifiedSkillsOf(storage::Connection& c,
                                                    const std::vector<Id>& users);

}  // namespace agora::learning
