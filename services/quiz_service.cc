#include "services/quiz_service.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "services/audience.h"
#include "storage/outbox.h"

namespace agora::services {
namespace {

using learning::Quiz;

// How many quizzes a page reads at a time while it drops those the viewer may not take.
constexpr int kScanBatch = 100;

}  // namespace

Quiz WithoutAnswers(Quiz quiz) {
  for (auto& q : quiz.content.questions) {
    q.correct.clear();
    q.explanation.clear();
  }
  return quiz;
}

QuizService::QuizService(storage::Store& store, IdGenerator& ids, const Clock& clock,
                         profiles::UserRepository& users,
                         communities::CommunityRepository& communities)
    : store_(store), ids_(ids), clock_(clock), users_(users), communities_(communities) {}

Status QuizService::MayWrite(storage::Connection& c, const Viewer& viewer,
                             const std::optional<Id>& community_id) {
  if (viewer.is_admin) return Status::Ok();
  if (community_id) {
    AudienceCheck audience(communities_, c, viewer);
    AGORA_ASSIGN_OR_RETURN(bool readable, audience.CanRead(community_id));
    if (!readable) return Status::NotFound("no such community");
    AGORA_ASSIGN_OR_RETURN(bool moderator, audience.Moderates(*community_id));
    if (moderator) return Status::Ok();
    return Status::PermissionDenied("only the community's moderators write its quizzes");
  }
  AGORA_ASSIGN_OR_RETURN(auto reports, profiles::PeopleUnder(c, viewer.user_id));
  if (!reports.empty()) return Status::Ok();
  return Status::PermissionDenied("only admins and managers write company-wide quizzes");
}

Result<Quiz> QuizService::Visible(storage::Connection& c, const Viewer& viewer, Id id,
                                  bool* may_take) {
  AGORA_ASSIGN_OR_RETURN(auto quiz, learning::LoadQuiz(c, id));
  if (!quiz) return Status::NotFound("no such quiz");
  *may_take = true;
  const auto& community = quiz->content.community_id;
  AudienceCheck audience(communities_, c, viewer);
  AGORA_ASSIGN_OR_RETURN(bool readable, audience.CanRead(community));
  if (!community) {
    if (!readable) return Status::NotFound("no such quiz");  // a guest: nothing company-wide
    return std::move(*quiz);
  }
  bool author = quiz->created_by == viewer.user_id;
  if (!readable && !author && !viewer.is_admin) return Status::NotFound("no such quiz");
  *may_take = audience.CanPost(*community, false).ok();
  return std::move(*quiz);
}

Result<QuizView> QuizService::Create(const Viewer& viewer, learning::NewQuiz content) {
  AGORA_RETURN_IF_ERROR(learning::ValidateQuiz(content));
  return store_.Transact<QuizView>([&](storage::Transaction& tx) -> Result<QuizView> {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(MayWrite(c, viewer, content.community_id));
    auto questions = static_cast<int64_t>(content.questions.size());
    Quiz quiz{ids_.next(), std::move(content), viewer.user_id, clock_.now_ms(), 0, questions};
    AGORA_RETURN_IF_ERROR(learning::InsertQuiz(c, quiz));
    return QuizView{std::move(quiz), true, std::nullopt, false};
  });
}

Result<QuizView> QuizService::Update(const Viewer& viewer, Id id, const QuizChanges& changes) {
  return store_.Transact<QuizView>([&](storage::Transaction& tx) -> Result<QuizView> {
    storage::Connection& c = tx.connection();
    bool may_take = false;
    AGORA_ASSIGN_OR_RETURN(auto quiz, Visible(c, viewer, id, &may_take));
    if (quiz.created_by != viewer.user_id && !viewer.is_admin) {
      return Status::PermissionDenied("only the author or an admin changes a quiz");
    }
    learning::NewQuiz& content = quiz.content;
    if (changes.title) content.title = *changes.title;
    if (changes.description) content.description = *changes.description;
    if (changes.questions) content.questions = *changes.questions;
    if (changes.pass_mark) content.pass_mark = *changes.pass_mark;
    if (changes.max_attempts_per_day) content.max_attempts_per_day = *changes.max_attempts_per_day;
    AGORA_RETURN_IF_ERROR(learning::ValidateQuiz(content));
    bool rescoring = changes.questions || changes.pass_mark;
    // Attempts were scored against these questions: changing them would rewrite history.
    if (rescoring && quiz.attempts_count > 0) {
      return Status::Conflict("quiz_has_attempts",
                              "this quiz has attempts; publish a new quiz instead");
    }
    AGORA_RETURN_IF_ERROR(learning::UpdateQuiz(c, id, content, changes.questions.has_value()));
    quiz.questions_count = static_cast<int64_t>(content.questions.size());
    return QuizView{std::move(quiz), true, std::nullopt, false};
  });
}

Result<Page<QuizView>> QuizService::List(const Viewer& viewer, const QuizListRequest& request) {
  return store_.read([&](storage::Connection& c) -> Result<Page<QuizView>> {
    AudienceCheck audience(communities_, c, viewer);
    if (request.community_id) {
      AGORA_RETURN_IF_ERROR(audience.RequireReadable(*request.community_id));
    }
    learning::QuizFilter filter;
    if (request.skill) filter.skill = learning::NormalizeSkill(*request.skill);
    filter.community_id = request.community_id;
    filter.before = request.page.after_key;
    filter.limit = kScanBatch;
    auto limit = static_cast<size_t>(request.page.limit);
    Page<QuizView> page;
    bool more = true;
    while (page.items.size() < limit && more) {
      AGORA_ASSIGN_OR_RETURN(auto batch, learning::ListQuizzes(c, filter));
      more = static_cast<int>(batch.size()) == kScanBatch;
      for (auto& quiz : batch) {
        filter.before = quiz.id;
        bool may_take = quiz.content.community_id
                            ? audience.CanPost(*quiz.content.community_id, false).ok()
                            : !viewer.is_guest();
        if (!may_take && quiz.created_by != viewer.user_id) continue;
        AGORA_ASSIGN_OR_RETURN(auto mine, learning::ResultOf(c, quiz.id, viewer.user_id));
        QuizView view{std::move(quiz), false, std::nullopt, false};
        if (mine) {
          view.best_score = mine->best_score;
          view.passed = mine->passes > 0;
        }
        page.items.push_back(std::move(view));
        if (page.items.size() == limit) break;
      }
    }
    if (page.items.size() == limit) page.next_cursor = IdToString(page.items.back().quiz.id);
    return page;
  });
}

Result<QuizView> QuizService::Get(const Viewer& viewer, Id id) {
  return store_.read([&](storage::Connection& c) -> Result<QuizView> {
    bool may_take = false;
    AGORA_ASSIGN_OR_RETURN(auto quiz, Visible(c, viewer, id, &may_take));
    AGORA_ASSIGN_OR_RETURN(auto mine, learning::ResultOf(c, id, viewer.user_id));
    bool author = quiz.created_by == viewer.user_id;
    QuizView view{author ? std::move(quiz) : WithoutAnswers(std::move(quiz)), author, std::nullopt,
                  false};
    if (mine) {
      view.best_score = mine->best_score;
      view.passed = mine->passes > 0;
    }
    return view;
  });
}

Result<AttemptOutcome> QuizService::Attempt(const Viewer& viewer, Id id,
                                            const std::vector<std::vector<int>>& answers) {
  return store_.Transact<AttemptOutcome>([&](storage::Transaction& tx) -> Result<AttemptOutcome> {
    storage::Connection& c = tx.connection();
    bool may_take = false;
    AGORA_ASSIGN_OR_RETURN(auto quiz, Visible(c, viewer, id, &may_take));
    if (!may_take) return Status::PermissionDenied("join the community to take its quizzes");
    AGORA_ASSIGN_OR_RETURN(auto scored, learning::Score(quiz.content, answers));
    // The limit is read in the transaction that writes the attempt, so concurrent attempts
    // cannot pass it together.
    UnixMillis now = clock_.now_ms();
    AGORA_ASSIGN_OR_RETURN(auto recent,
                           learning::AttemptTimesSince(c, id, viewer.user_id, now - kDayMillis));
    if (static_cast<int64_t>(recent.size()) >= quiz.content.max_attempts_per_day) {
      UnixMillis frees_at = recent[recent.size() - quiz.content.max_attempts_per_day] + kDayMillis;
      int64_t seconds = std::max<int64_t>(1, (frees_at - now + 999) / 1000);
      return Status::RateLimited("attempt limit of this quiz reached for today", seconds);
    }
    AttemptOutcome out{std::move(scored), ids_.next(), false};
    AGORA_RETURN_IF_ERROR(learning::InsertAttempt(
        c, {out.attempt_id, id, viewer.user_id, out.scored.score, out.scored.passed, now}));
    if (out.scored.passed) {
      AGORA_ASSIGN_OR_RETURN(out.skill_verified, learning::AddVerifiedSkill(
                                                     c, {viewer.user_id, quiz.content.skill,
                                                         quiz.id, now, quiz.content.community_id}));
      // The person's search document carries verified skills: the indexer re-reads it.
      if (out.skill_verified) {
        AGORA_RETURN_IF_ERROR(
            storage::AppendOutbox(c, storage::OutboxTopic::kUser, viewer.user_id));
      }
    }
    return out;
  });
}

Result<QuizResults> QuizService::Results(const Viewer& viewer, Id id, ResultsBy by) {
  auto computed = store_.read([&](storage::Connection& c) -> Result<QuizResults> {
    bool may_take = false;
    AGORA_ASSIGN_OR_RETURN(auto quiz, Visible(c, viewer, id, &may_take));
    AGORA_ASSIGN_OR_RETURN(auto rows, learning::ResultsByPerson(c, id));
    if (quiz.created_by != viewer.user_id && !viewer.is_admin) {
      AGORA_ASSIGN_OR_RETURN(auto under, profiles::PeopleUnder(c, viewer.user_id));
      if (under.empty()) {
        return Status::PermissionDenied("only the author, an admin or a manager sees results");
      }
      std::unordered_set<Id> team(under.begin(), under.end());
      std::erase_if(rows,
                    [&](const learning::PersonResult& r) { return !team.contains(r.user_id); });
    }
    QuizResults out{id, by, {}};
    std::vector<Id> people;
    for (const auto& r : rows) people.push_back(r.user_id);
    AGORA_ASSIGN_OR_RETURN(auto users, users_.FindMany(people));
    std::unordered_map<Id, std::optional<Id>> manager_of;
    for (const auto& u : users) manager_of[u.id] = u.manager_id;
    std::map<Id, ResultsRow> grouped;  // by person or manager id (0: no manager)
    for (const auto& r : rows) {
      Id key = r.user_id;
      if (by == ResultsBy::kTeam) key = manager_of[r.user_id].value_or(0);
      auto [it, fresh] = grouped.try_emplace(key);
      ResultsRow& row = it->second;
      row.who.id = key;
      row.people = fresh ? 1 : row.people + 1;
      row.attempts += r.attempts;
      row.passes += r.passes;
      row.best_score = std::max(row.best_score, r.best_score);
      if (r.passes > 0) ++row.passed;
    }
    std::vector<Id> keys;
    for (const auto& [key, row] : grouped) {
      if (key != 0) keys.push_back(key);
    }
    AGORA_ASSIGN_OR_RETURN(auto summaries, users_.Summaries(keys));
    std::unordered_map<Id, profiles::UserSummary> by_id;
    for (auto& s : summaries) by_id.emplace(s.id, std::move(s));
    for (auto& [key, row] : grouped) {
      if (auto found = by_id.find(key); found != by_id.end()) row.who = found->second;
      row.pass_rate = by == ResultsBy::kTeam
                          ? static_cast<double>(row.passed) / static_cast<double>(row.people)
                          : static_cast<double>(row.passes) / static_cast<double>(row.attempts);
      out.rows.push_back(std::move(row));
    }
    return out;
  });
  return computed;
}

Result<Page<AttemptRecord>> QuizService::History(const Viewer& viewer, const PageRequest& page) {
  return store_.read([&](storage::Connection& c) -> Result<Page<AttemptRecord>> {
    AGORA_ASSIGN_OR_RETURN(auto attempts,
                           learning::AttemptsOf(c, viewer.user_id, page.after_key, page.limit));
    Page<AttemptRecord> out;
    std::unordered_map<Id, std::optional<Quiz>> quizzes;
    for (auto& a : attempts) {
      auto [it, fresh] = quizzes.try_emplace(a.quiz_id);
      if (fresh) {
        AGORA_ASSIGN_OR_RETURN(it->second, learning::LoadQuiz(c, a.quiz_id));
      }
      AttemptRecord record{a, "", ""};
      if (it->second) {
        record.quiz_title = it->second->content.title;
        record.skill = it->second->content.skill;
      }
      out.items.push_back(std::move(record));
    }
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next_cursor = IdToString(out.items.back().attempt.id);
    }
    return out;
  });
}

}  // namespace agora::services
