#include "learning/quiz_repository.h"

#include <algorithm>

#include "storage/rows.h"

namespace agora::learning {
namespace {

using storage::Connection;
using storage::Statement;

constexpr char kQuizColumns[] =
    "id, title, skill, description, community_id, pass_mark, max_attempts_per_day, created_by, "
    "created_at, (SELECT count(*) FROM quiz_attempts a WHERE a.quiz_id = quizzes.id), "
    "(SELECT count(*) FROM quiz_questions q WHERE q.quiz_id = quizzes.id)";

Quiz ReadQuizRow(Statement& s) {
  Quiz q;
  q.id = s.column_int64(0);
  q.content.title = s.column_text(1);
  q.content.skill = s.column_text(2);
  q.content.description = s.column_text(3);
  q.content.community_id = s.column_optional_int64(4);
  q.content.pass_mark = s.column_double(5);
  q.content.max_attempts_per_day = static_cast<int>(s.column_int64(6));
  q.created_by = s.column_int64(7);
  q.created_at = s.column_int64(8);
  q.attempts_count = s.column_int64(9);
  q.questions_count = s.column_int64(10);
  return q;
}

constexpr auto kQuizById = storage::Sql("SELECT ", kQuizColumns, " FROM quizzes WHERE id = ?");
constexpr auto kQuizList =
    storage::Sql("SELECT ", kQuizColumns,
                 " FROM quizzes WHERE (CAST(?1 AS TEXT) IS NULL OR skill = ?1) "
                 "AND (CAST(?2 AS BIGINT) IS NULL OR community_id = ?2) "
                 "AND (CAST(?3 AS BIGINT) IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4");

Status WriteQuestions(Connection& c, Id id, const std::vector<QuizQuestion>& questions) {
  AGORA_RETURN_IF_ERROR(storage::Run(c, "DELETE FROM quiz_questions WHERE quiz_id = ?", id));
  AGORA_RETURN_IF_ERROR(storage::Run(c, "DELETE FROM quiz_choices WHERE quiz_id = ?", id));
  for (size_t i = 0; i < questions.size(); ++i) {
    const QuizQuestion& q = questions[i];
    auto position = static_cast<int64_t>(i);
    AGORA_RETURN_IF_ERROR(storage::Run(
        c, "INSERT INTO quiz_questions (quiz_id, position, text, explanation) VALUES (?, ?, ?, ?)",
        id, position, q.text, q.explanation));
    for (size_t k = 0; k < q.choices.size(); ++k) {
      bool correct =
          std::find(q.correct.begin(), q.correct.end(), static_cast<int>(k)) != q.correct.end();
      AGORA_RETURN_IF_ERROR(storage::Run(c,
                                         "INSERT INTO quiz_choices (quiz_id, question, position, "
                                         "text, correct) VALUES (?, ?, ?, ?, ?)",
                                         id, position, static_cast<int64_t>(k), q.choices[k],
                                         int64_t{correct ? 1 : 0}));
    }
  }
  return Status::Ok();
}

PersonResult ReadResultRow(Statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_double(3)};
}

constexpr char kResultColumns[] =
    "user_id, count(*), sum(passed), max(score) FROM quiz_attempts WHERE quiz_id = ?";

}  // namespace

Status InsertQuiz(Connection& c, const Quiz& quiz) {
  const NewQuiz& q = quiz.content;
  AGORA_RETURN_IF_ERROR(storage::Run(
      c,
      "INSERT INTO quizzes (id, title, skill, description, community_id, pass_mark, "
      "max_attempts_per_day, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      quiz.id, q.title, q.skill, q.description, q.community_id, q.pass_mark,
      int64_t{q.max_attempts_per_day}, quiz.created_by, quiz.created_at));
  return WriteQuestions(c, quiz.id, q.questions);
}

Status UpdateQuiz(Connection& c, Id id, const NewQuiz& content, bool with_questions) {
  AGORA_RETURN_IF_ERROR(storage::Run(c,
                                     "UPDATE quizzes SET title = ?, description = ?, pass_mark = "
                                     "?, max_attempts_per_day = ? WHERE id = ?",
                                     content.title, content.description, content.pass_mark,
                                     int64_t{content.max_attempts_per_day}, id));
  if (!with_questions) return Status::Ok();
  return WriteQuestions(c, id, content.questions);
}

Result<std::optional<Quiz>> LoadQuiz(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto quiz, storage::ReadOne(c, kQuizById.data(), ReadQuizRow, id));
  if (!quiz) return quiz;
  auto& questions = quiz->content.questions;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c, "SELECT text, explanation FROM quiz_questions WHERE quiz_id = ? ORDER BY position",
      [&](Statement& s) {
        questions.push_back({s.column_text(0), {}, {}, s.column_text(1)});
      },
      id));
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c,
      "SELECT question, position, text, correct FROM quiz_choices WHERE quiz_id = ? "
      "ORDER BY question, position",
      [&](Statement& s) {
        auto question = static_cast<size_t>(s.column_int64(0));
        if (question >= questions.size()) return;
        QuizQuestion& q = questions[question];
        q.choices.push_back(s.column_text(2));
        if (s.column_int64(3) != 0) q.correct.push_back(static_cast<int>(s.column_int64(1)));
      },
      id));
  return quiz;
}

Result<std::vector<Quiz>> ListQuizzes(Connection& c, const QuizFilter& filter) {
  std::vector<Quiz> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c, kQuizList.data(), [&](Statement& s) { out.push_back(ReadQuizRow(s)); }, filter.skill,
      filter.community_id, filter.before, int64_t{filter.limit}));
  return out;
}

Status InsertAttempt(Connection& c, const Attempt& a) {
  return storage::Run(c,
                      "INSERT INTO quiz_attempts (id, quiz_id, user_id, score, passed, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      a.id, a.quiz_id, a.user_id, a.score, int64_t{a.passed ? 1 : 0}, a.created_at);
}

Result<std::vector<UnixMillis>> AttemptTimesSince(Connection& c, Id quiz_id, Id user_id,
                                                  UnixMillis since) {
  return storage::ReadIds(c,
                          "SELECT created_at FROM quiz_attempts WHERE quiz_id = ? AND user_id = ? "
                          "AND created_at > ? ORDER BY created_at",
                          quiz_id, user_id, since);
}

Result<std::vector<PersonResult>> ResultsByPerson(Connection& c, Id quiz_id) {
  std::vector<PersonResult> out;
  static constexpr auto kSql = storage::Sql("SELECT ", kResultColumns, " GROUP BY user_id");
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c, kSql.data(), [&](Statement& s) { out.push_back(ReadResultRow(s)); }, quiz_id));
  return out;
}

Result<std::optional<PersonResult>> ResultOf(Connection& c, Id quiz_id, Id user_id) {
  static constexpr auto kSql =
      storage::Sql("SELECT ", kResultColumns, " AND user_id = ? GROUP BY user_id");
  return storage::ReadOne(c, kSql.data(), ReadResultRow, quiz_id, user_id);
}

Result<std::vector<Attempt>> AttemptsOf(Connection& c, Id user_id, std::optional<Id> before,
                                        int limit) {
  std::vector<Attempt> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c,
      "SELECT id, quiz_id, user_id, score, passed, created_at FROM quiz_attempts "
      "WHERE user_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3",
      [&](Statement& s) {
        out.push_back({s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_double(3),
                       s.column_int64(4) != 0, s.column_int64(5)});
      },
      user_id, before, int64_t{limit}));
  return out;
}

Result<bool> AddVerifiedSkill(Connection& c, const VerifiedSkill& skill) {
  AGORA_RETURN_IF_ERROR(
      storage::Run(c,
                   "INSERT INTO verified_skills (user_id, skill, quiz_id, passed_at, community_id) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   skill.user_id, skill.skill, skill.quiz_id, skill.passed_at, skill.community_id));
  return c.changes() > 0;
}

Result<std::vector<VerifiedSkill>> VerifiedSkillsOf(Connection& c, const std::vector<Id>& users) {
  std::vector<VerifiedSkill> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(
      c,
      "SELECT user_id, skill, quiz_id, passed_at, community_id FROM verified_skills "
      "WHERE user_id IN (SELECT value FROM json_each(?1)) ORDER BY user_id, passed_at, skill",
      users, [&](Statement& s) {
        out.push_back({s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_int64(3),
                       s.column_optional_int64(4)});
      }));
  return out;
}

}  // namespace agora::learning
