// Routes of api.md "Questions and answers" (accepted answers, the list of questions) and "Skill
// quizzes (QCM)" (quizzes, attempts, results, one's own attempts).
#include <string>
#include <utility>
#include <vector>

#include "learning/quiz.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

using services::QuestionService;
using services::QuizService;

// --- questions

Result<Id> PostId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "post"); }

Result<ApiResponse> Accept(RouteContext& ctx, QuestionService& questions) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"reply_id"}));
  AGORA_ASSIGN_OR_RETURN(auto reply, JsonFields(body).optional_id("reply_id"));
  if (!reply) return Status::Unprocessable("invalid_field", "reply_id is required");
  return Json(200, questions.Accept(ctx.viewer, id, *reply),
              [](const services::PostView& view) { return RenderOne(view, WritePost); });
}

Result<ApiResponse> Withdraw(RouteContext& ctx, QuestionService& questions) {
  AGORA_ASSIGN_OR_RETURN(Id id, PostId(ctx));
  return NoContentOr(questions.Withdraw(ctx.viewer, id));
}

Result<bool> BoolParam(const ApiRequest& request, const char* name) {
  auto text = request.query_param(name);
  if (!text || *text == "false" || *text == "0") return false;
  if (*text == "true" || *text == "1") return true;
  return Status::InvalidArgument("invalid_" + std::string(name),
                                 std::string(name) + " is true or false");
}

Result<std::optional<Id>> OptionalIdParam(const ApiRequest& request, const char* name,
                                          const char* what) {
  auto text = request.query_param(name);
  if (!text) return std::optional<Id>();
  AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(*text, what));
  return std::optional<Id>(id);
}

Result<ApiResponse> ListQuestions(RouteContext& ctx, QuestionService& questions) {
  services::QuestionsRequest request;
  AGORA_ASSIGN_OR_RETURN(request.community_id,
                         OptionalIdParam(ctx.request, "community_id", "community"));
  AGORA_ASSIGN_OR_RETURN(request.unanswered, BoolParam(ctx.request, "unanswered"));
  request.text = std::string(ctx.request.query_param("q").value_or(""));
  AGORA_ASSIGN_OR_RETURN(request.page, ParsePageRequest(ctx.request));
  return Json(200, questions.List(ctx.viewer, request),
              [](const Page<services::PostView>& page) { return RenderItems(page, WritePost); });
}

// --- quizzes

Status InvalidField(const std::string& message) {
  return Status::Unprocessable("invalid_field", message);
}

// [0, 2] as indexes.
Result<std::vector<int>> ParseIndexes(const rapidjson::Value& value, const std::string& where) {
  if (!value.IsArray()) return InvalidField(where + " is an array of choice indexes");
  std::vector<int> out;
  for (const auto& item : value.GetArray()) {
    if (!item.IsInt()) return InvalidField(where + " holds integer indexes");
    out.push_back(item.GetInt());
  }
  return out;
}

Result<std::vector<learning::QuizQuestion>> ParseQuestions(const rapidjson::Value& value) {
  if (!value.IsArray()) return InvalidField("questions is an array");
  std::vector<learning::QuizQuestion> out;
  size_t index = 0;
  for (const auto& item : value.GetArray()) {
    std::string where = "questions[" + std::to_string(index++) + "]";
    if (!item.IsObject()) return InvalidField(where + " is an object");
    JsonFields fields(item);
    AGORA_RETURN_IF_ERROR(
        RejectUnknownFields(fields, {"text", "choices", "correct", "explanation"}));
    learning::QuizQuestion q;
    AGORA_ASSIGN_OR_RETURN(q.text, fields.required_string("text"));
    AGORA_ASSIGN_OR_RETURN(auto choices, fields.optional_string_array("choices"));
    if (!choices) return InvalidField(where + ".choices is required");
    q.choices = std::move(*choices);
    if (!item.HasMember("correct")) return InvalidField(where + ".correct is required");
    AGORA_ASSIGN_OR_RETURN(q.correct, ParseIndexes(item["correct"], where + ".correct"));
    AGORA_ASSIGN_OR_RETURN(auto explanation, fields.optional_string("explanation"));
    q.explanation = explanation.value_or("");
    out.push_back(std::move(q));
  }
  return out;
}

Result<std::optional<double>> OptionalNumber(const rapidjson::Value& body, const char* name) {
  if (!body.HasMember(name) || body[name].IsNull()) return std::optional<double>();
  if (!body[name].IsNumber()) return InvalidField(std::string(name) + " is a number");
  return std::optional<double>(body[name].GetDouble());
}

Result<std::optional<int>> OptionalInt(const rapidjson::Value& body, const char* name) {
  if (!body.HasMember(name) || body[name].IsNull()) return std::optional<int>();
  if (!body[name].IsInt()) return InvalidField(std::string(name) + " is an integer");
  return std::optional<int>(body[name].GetInt());
}

Result<learning::NewQuiz> ParseNewQuiz(const rapidjson::Document& body) {
  JsonFields fields(body);
  AGORA_RETURN_IF_ERROR(
      RejectUnknownFields(fields, {"title", "skill", "description", "questions", "pass_mark",
                                   "community_id", "max_attempts_per_day"}));
  learning::NewQuiz quiz;
  AGORA_ASSIGN_OR_RETURN(quiz.title, fields.required_string("title"));
  AGORA_ASSIGN_OR_RETURN(quiz.skill, fields.required_string("skill"));
  AGORA_ASSIGN_OR_RETURN(auto description, fields.optional_string("description"));
  quiz.description = description.value_or("");
  if (!body.HasMember("questions")) return InvalidField("questions is required");
  AGORA_ASSIGN_OR_RETURN(quiz.questions, ParseQuestions(body["questions"]));
  AGORA_ASSIGN_OR_RETURN(auto pass_mark, OptionalNumber(body, "pass_mark"));
  if (pass_mark) quiz.pass_mark = *pass_mark;
  AGORA_ASSIGN_OR_RETURN(quiz.community_id, fields.optional_id("community_id"));
  AGORA_ASSIGN_OR_RETURN(auto attempts, OptionalInt(body, "max_attempts_per_day"));
  if (attempts) quiz.max_attempts_per_day = *attempts;
  return quiz;
}

Result<services::QuizChanges> ParseQuizChanges(const rapidjson::Document& body) {
  JsonFields fields(body);
  AGORA_RETURN_IF_ERROR(RejectUnknownFields(
      fields, {"title", "description", "questions", "pass_mark", "max_attempts_per_day"}));
  services::QuizChanges changes;
  AGORA_ASSIGN_OR_RETURN(changes.title, fields.optional_string("title"));
  AGORA_ASSIGN_OR_RETURN(changes.description, fields.optional_string("description"));
  if (body.HasMember("questions")) {
    AGORA_ASSIGN_OR_RETURN(changes.questions, ParseQuestions(body["questions"]));
  }
  AGORA_ASSIGN_OR_RETURN(changes.pass_mark, OptionalNumber(body, "pass_mark"));
  AGORA_ASSIGN_OR_RETURN(changes.max_attempts_per_day, OptionalInt(body, "max_attempts_per_day"));
  return changes;
}

void IndexesMember(JsonWriter& w, const char* key, const std::vector<int>& indexes) {
  w.Key(key);
  w.StartArray();
  for (int i : indexes) w.Int(i);
  w.EndArray();
}

// Correct choices and explanations only for a view that may carry them (the author's).
void WriteQuiz(JsonWriter& w, const services::QuizView& view, bool with_questions) {
  const learning::Quiz& quiz = view.quiz;
  const learning::NewQuiz& c = quiz.content;
  w.StartObject();
  IdMember(w, "id", quiz.id);
  StringMember(w, "title", c.title);
  StringMember(w, "skill", c.skill);
  StringMember(w, "description", c.description);
  IdMember(w, "community_id", c.community_id);
  DoubleMember(w, "pass_mark", c.pass_mark);
  IntMember(w, "max_attempts_per_day", c.max_attempts_per_day);
  IdMember(w, "created_by", quiz.created_by);
  TimeMember(w, "created_at", quiz.created_at);
  IntMember(w, "questions_count", quiz.questions_count);
  if (view.with_answers) IntMember(w, "attempts_count", quiz.attempts_count);
  if (with_questions) {
    w.Key("questions");
    w.StartArray();
    for (const auto& q : c.questions) {
      w.StartObject();
      StringMember(w, "text", q.text);
      StringsMember(w, "choices", q.choices);
      if (view.with_answers) {
        IndexesMember(w, "correct", q.correct);
        StringMember(w, "explanation", q.explanation);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("best_score");
  if (view.best_score) {
    w.Double(*view.best_score);
  } else {
    w.Null();
  }
  BoolMember(w, "passed", view.passed);
  w.EndObject();
}

std::string RenderQuiz(const services::QuizView& view) {
  return RenderDocument([&](JsonWriter& w) { WriteQuiz(w, view, true); });
}

Result<Id> QuizId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "quiz"); }

Result<ApiResponse> CreateQuiz(RouteContext& ctx, QuizService& quizzes) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(auto quiz, ParseNewQuiz(body));
  return Created(quizzes.Create(ctx.viewer, std::move(quiz)), RenderQuiz, "/api/v1/quizzes/",
                 [](const services::QuizView& q) { return q.quiz.id; });
}

Result<ApiResponse> UpdateQuiz(RouteContext& ctx, QuizService& quizzes) {
  AGORA_ASSIGN_OR_RETURN(Id id, QuizId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body));
  AGORA_ASSIGN_OR_RETURN(auto changes, ParseQuizChanges(body));
  return Json(200, quizzes.Update(ctx.viewer, id, changes), RenderQuiz);
}

Result<ApiResponse> ListQuizzes(RouteContext& ctx, QuizService& quizzes) {
  services::QuizListRequest request;
  if (auto skill = ctx.request.query_param("skill")) request.skill = std::string(*skill);
  AGORA_ASSIGN_OR_RETURN(request.community_id,
                         OptionalIdParam(ctx.request, "community_id", "community"));
  AGORA_ASSIGN_OR_RETURN(request.page, ParsePageRequest(ctx.request));
  return Json(200, quizzes.List(ctx.viewer, request), [](const Page<services::QuizView>& page) {
    return RenderItems(
        page, [](JsonWriter& w, const services::QuizView& view) { WriteQuiz(w, view, false); });
  });
}

Result<ApiResponse> GetQuiz(RouteContext& ctx, QuizService& quizzes) {
  AGORA_ASSIGN_OR_RETURN(Id id, QuizId(ctx));
  return Json(200, quizzes.Get(ctx.viewer, id), RenderQuiz);
}

Result<ApiResponse> Attempt(RouteContext& ctx, QuizService& quizzes) {
  AGORA_ASSIGN_OR_RETURN(Id id, QuizId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"answers"}));
  if (!body.HasMember("answers") || !body["answers"].IsArray()) {
    return Status::Unprocessable("invalid_answers", "answers is an array, one per question");
  }
  std::vector<std::vector<int>> answers;
  for (const auto& item : body["answers"].GetArray()) {
    auto indexes = ParseIndexes(item, "each answer");
    if (!indexes.ok()) {
      return Status::Unprocessable("invalid_answers", "each answer is an array of indexes");
    }
    answers.push_back(std::move(*indexes));
  }
  return Json(201, quizzes.Attempt(ctx.viewer, id, answers),
              [&](const services::AttemptOutcome& out) {
                return RenderObject([&](JsonWriter& w) {
                  IdMember(w, "id", out.attempt_id);
                  IdMember(w, "quiz_id", id);
                  DoubleMember(w, "score", out.scored.score);
                  BoolMember(w, "passed", out.scored.passed);
                  BoolMember(w, "skill_verified", out.skill_verified);
                  w.Key("results");
                  w.StartArray();
                  for (const auto& r : out.scored.results) {
                    w.StartObject();
                    BoolMember(w, "correct", r.correct);
                    IndexesMember(w, "expected", r.expected);
                    StringMember(w, "explanation", r.explanation);
                    w.EndObject();
                  }
                  w.EndArray();
                });
              });
}

Result<ApiResponse> Results(RouteContext& ctx, QuizService& quizzes) {
  AGORA_ASSIGN_OR_RETURN(Id id, QuizId(ctx));
  auto by = services::ResultsBy::kPerson;
  std::string text(ctx.request.query_param("by").value_or("person"));
  if (text == "team") {
    by = services::ResultsBy::kTeam;
  } else if (text != "person") {
    return Status::InvalidArgument("invalid_by", "by is person or team");
  }
  return Json(200, quizzes.Results(ctx.viewer, id, by), [](const services::QuizResults& results) {
    bool team = results.by == services::ResultsBy::kTeam;
    return RenderObject([&](JsonWriter& w) {
      IdMember(w, "quiz_id", results.quiz_id);
      StringMember(w, "by", team ? "team" : "person");
      w.Key("rows");
      w.StartArray();
      for (const auto& row : results.rows) {
        w.StartObject();
        w.Key(team ? "manager" : "user");
        if (row.who.id == 0) {
          w.Null();
        } else {
          WriteUserSummary(w, row.who);
        }
        if (team) IntMember(w, "people", row.people);
        IntMember(w, "attempts", row.attempts);
        DoubleMember(w, "best_score", row.best_score);
        if (team) {
          IntMember(w, "passed", row.passed);
        } else {
          BoolMember(w, "passed", row.passed > 0);
        }
        DoubleMember(w, "pass_rate", row.pass_rate);
        w.EndObject();
      }
      w.EndArray();
    });
  });
}

Result<ApiResponse> MyAttempts(RouteContext& ctx, QuizService& quizzes) {
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, quizzes.History(ctx.viewer, page), [](const Page<services::AttemptRecord>& p) {
    return RenderItems(p, [](JsonWriter& w, const services::AttemptRecord& r) {
      w.StartObject();
      IdMember(w, "id", r.attempt.id);
      IdMember(w, "quiz_id", r.attempt.quiz_id);
      StringMember(w, "quiz_title", r.quiz_title);
      StringMember(w, "skill", r.skill);
      DoubleMember(w, "score", r.attempt.score);
      BoolMember(w, "passed", r.attempt.passed);
      TimeMember(w, "created_at", r.attempt.created_at);
      w.EndObject();
    });
  });
}

}  // namespace

void AddQuestionRoutes(Router& router, QuestionService& questions) {
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  router.add("POST", "/api/v1/posts/{id}/accept", auth, lane, Bind(questions, Accept));
  router.add("DELETE", "/api/v1/posts/{id}/accept", auth, lane, Bind(questions, Withdraw));
  router.add("GET", "/api/v1/questions", auth, lane, Bind(questions, ListQuestions));
}

void AddQuizRoutes(Router& router, QuizService& quizzes) {
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  router.add("POST", "/api/v1/quizzes", Access::kEmployee, lane, Bind(quizzes, CreateQuiz));
  router.add("GET", "/api/v1/quizzes", auth, lane, Bind(quizzes, ListQuizzes));
  router.add("GET", "/api/v1/quizzes/{id}", auth, lane, Bind(quizzes, GetQuiz));
  router.add("PATCH", "/api/v1/quizzes/{id}", auth, lane, Bind(quizzes, UpdateQuiz));
  router.add("POST", "/api/v1/quizzes/{id}/attempts", auth, lane, Bind(quizzes, Attempt));
  router.add("GET", "/api/v1/quizzes/{id}/results", auth, lane, Bind(quizzes, Results));
  router.add("GET", "/api/v1/me/quiz_attempts", auth, lane, Bind(quizzes, MyAttempts));
}

}  // namespace agora::server
