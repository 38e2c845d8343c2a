// QuizService: skill quizzes (QCM): writing them, taking them, their results, and the verified
// skills a pass adds to a profile.
//
// Who writes: admins; managers (people with reports) for everyone; moderators of a community
// for its members. Who takes: everyone for a company-wide quiz, a community's members for its
// quizzes. Correct answers leave the service only in what the author gets back from Create or
// Update and in a scored attempt; Get and List never carry them.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Each change is one
// transaction that re-checks its rule (the daily attempt limit too) and writes the change.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "communities/community_repository.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "learning/quiz.h"
#include "learning/quiz_repository.h"
#include "profiles/user_repository.h"
#include "storage/store.h"

namespace agora::services {

// A quiz as one person sees it: `quiz.content.questions[i].correct` and `explanation` are
// emptied unless `with_answers`.
struct QuizView {
  learning::Quiz quiz;
  bool with_answers = false;
  std::optional<double> best_score;  // the viewer's
  bool passed = false;               // the viewer's
};

struct QuizListRequest {
  std::optional<std::string> skill;
  std::optional<Id> community_id;
  PageRequest page;
};

// Changes to a quiz; unset members stay as they are.
struct QuizChanges {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::vector<learning::QuizQuestion>> questions;
  std::optional<double> pass_mark;
  std::optional<int> max_attempts_per_day;
};

struct AttemptOutcome {
  learning::ScoredAttempt scored;
  Id attempt_id = 0;
  bool skill_verified = false;  // this attempt added the skill to the profile
};

enum class ResultsBy { kPerson, kTeam };

struct ResultsRow {
  profiles::UserSummary who;  // the person, or the team's manager
  int64_t people = 1;         // people who attempted (1 for a person row)
  int64_t attempts = 0;
  double best_score = 0;
  int64_t passes = 0;  // passing attempts
  int64_t passed = 0;  // people who passed
  // A person's passing attempts / attempts; a team's people who passed / people.
  double pass_rate = 0;
};

struct QuizResults {
  Id quiz_id = 0;
  ResultsBy by = ResultsBy::kPerson;
  std::vector<ResultsRow> rows;
};

struct AttemptRecord {
  learning::Attempt attempt;
  std::string quiz_title;
  std::string skill;
};

class QuizService {
 public:
  static constexpr int64_t kDayMillis = 24LL * 3600 * 1000;

  // Every reference must outlive the service.
  QuizService(storage::Store& store, IdGenerator& ids, const Clock& clock,
              profiles::UserRepository& users, communities::CommunityRepository& communities);

  // kPermissionDenied for someone who may not write this quiz; kUnprocessable as ValidateQuiz.
  Result<QuizView> Create(const Viewer& viewer, learning::NewQuiz quiz);
  // The author or an admin. kConflict "quiz_has_attempts" for new questions or a new pass mark
  // once anyone attempted it (publish a new quiz instead).
  Result<QuizView> Update(const Viewer& viewer, Id id, const QuizChanges& changes);
  // Quizzes the viewer may take (and those they wrote), newest first, without answers.
  Result<Page<QuizView>> List(const Viewer& viewer, const QuizListRequest& request);
  // kNotFound where the viewer may not read the quiz's community. Answers only for the author.
  Result<QuizView> Get(const Viewer& viewer, Id id);
  // Scores one attempt and records it; a pass verifies the quiz's skill. kRateLimited (with the
  // seconds until the oldest attempt of the last 24 hours leaves it) past the daily limit;
  // kUnprocessable "invalid_answers" for answers that do not fit the quiz.
  Result<AttemptOutcome> Attempt(const Viewer& viewer, Id id,
                                 const std::vector<std::vector<int>>& answers);
  // The author and admins see everyone; a manager sees the people under them; others are
  // refused (kPermissionDenied).
  Result<QuizResults> Results(const Viewer& viewer, Id id, ResultsBy by);
  // The viewer's own attempts at every quiz, newest first.
  Result<Page<AttemptRecord>> History(const Viewer& viewer, const PageRequest& page);

 private:
  // The quiz, if the viewer may see it (kNotFound otherwise), with whether they may take it.
  Result<learning::Quiz> Visible(storage::Connection& c, const Viewer& viewer, Id id,
                                 bool* may_take);
  Status MayWrite(storage::Connection& c, const Viewer& viewer,
                  const std::optional<Id>& community_id);

  storage::Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& communities_;
};

// A view's quiz with every correct answer and explanation removed.
learning::Quiz WithoutAnswers(learning::Quiz quiz);

}  // namespace agora::services
