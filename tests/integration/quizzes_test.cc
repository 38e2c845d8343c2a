// api.md "Skill quizzes (QCM)": who writes, who takes, exact scoring, the daily limit (with its
// race), answers that never leave the server before scoring, results, verified skills.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

// Two questions: the first with one correct choice (1), the second with two (0 and 2). Members
// in `changes` (JSON texts) replace or add to the defaults.
JsonBody KafkaQuiz(const std::map<std::string, std::string>& changes = {}) {
  std::map<std::string, std::string> members = {
      {"title", R"("Kafka for sales engineers")"},
      {"skill", R"("Kafka")"},
      {"description", R"("After the launch training")"},
      {"questions",
       R"([{"text":"Ordering is guaranteed within?","choices":["a topic","a partition",)"
       R"("a cluster"],"correct":[1],"explanation":"SECRET-EXPLANATION-ONE"},)"
       R"({"text":"Which make writes durable?","choices":["acks=all","acks=0",)"
       R"("min.insync.replicas=2"],"correct":[0,2],"explanation":"SECRET-TWO"}])"},
      {"pass_mark", "1"}};
  for (const auto& [name, json] : changes) members[name] = json;
  JsonBody body;
  for (const auto& [name, json] : members) body.SetRaw(name, json);
  return body;
}

class QuizzesIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    boss_ = CreateAndLogin("boss");
    rep_ = CreateAndLogin("rep", JsonBody().Set("manager_id", boss_.id));
    peer_ = CreateAndLogin("peer", JsonBody().Set("manager_id", boss_.id));
    outsider_ = CreateAndLogin("outsider");
  }
  std::string CreateQuiz(const std::string& token, JsonBody body = KafkaQuiz()) {
    HttpResult r = Post("/api/v1/quizzes", body.str(), token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  HttpResult Attempt(const std::string& quiz, const std::string& answers, const TestUser& by) {
    return Post("/api/v1/quizzes/" + quiz + "/attempts",
                JsonBody().SetRaw("answers", answers).str(), by.token);
  }

  TestUser boss_, rep_, peer_, outsider_;
};

TEST_F(QuizzesIntegrationTest, TheAuthorGetsAnswersAndTakersNeverDoBeforeScoring) {
  HttpResult created = Post("/api/v1/quizzes", KafkaQuiz().str(), admin_token_);
  ASSERT_EQ(created.status, 201) << created;
  std::string id = *JsonString(created.body, "/id");
  EXPECT_EQ(JsonString(created.body, "/skill"), "kafka");
  EXPECT_EQ(JsonInt(created.body, "/questions/1/correct/1"), 2);
  EXPECT_EQ(JsonString(created.body, "/questions/0/explanation"), "SECRET-EXPLANATION-ONE");

  for (const std::string& target : {"/api/v1/quizzes/" + id, std::string("/api/v1/quizzes"),
                                    std::string("/api/v1/quizzes?skill=kafka")}) {
    HttpResult r = Get(target, rep_.token);
    ASSERT_EQ(r.status, 200) << target << r;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("\"correct\""), std::string::npos) << target;
  }
  HttpResult got = Get("/api/v1/quizzes/" + id, rep_.token);
  EXPECT_EQ(JsonString(got.body, "/questions/0/choices/1"), "a partition");
  EXPECT_TRUE(JsonIsNull(got.body, "/best_score"));
  EXPECT_EQ(JsonBool(got.body, "/passed"), false);
  EXPECT_EQ(JsonIds(Get("/api/v1/quizzes", rep_.token).body), std::vector<std::string>{id});
  // Nor in an error: a refused attempt says nothing of the answers.
  HttpResult refused = Attempt(id, "[[1]]", rep_);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(ErrorCode(refused.body), "invalid_answers");
  EXPECT_EQ(refused.body.find("SECRET"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/quizzes/999999999", rep_.token).status, 404);
}

TEST_F(QuizzesIntegrationTest, AdminsManagersAndModeratorsWriteQuizzesForTheirAudience) {
  EXPECT_EQ(Post("/api/v1/quizzes", KafkaQuiz().str(), rep_.token).status, 403);
  CreateQuiz(boss_.token);  // a manager, for everyone

  std::string community = CreateCommunity(outsider_, "Kafka guild", "open");
  JsonBody for_guild = KafkaQuiz({{"community_id", '"' + community + '"'}});
  EXPECT_EQ(Post("/api/v1/quizzes", for_guild.str(), boss_.token).status, 403);
  EXPECT_EQ(Post("/api/v1/quizzes", for_guild.str(), rep_.token).status, 403);
  std::string guild_quiz = CreateQuiz(outsider_.token, for_guild);  // the owner moderates

  // A community's quiz is for its members: others do not have it in their list or take it.
  EXPECT_EQ(JsonIds(Get("/api/v1/quizzes?community_id=" + community, rep_.token).body).size(), 0u);
  EXPECT_EQ(Attempt(guild_quiz, "[[1],[0,2]]", rep_).status, 403);
  AddMember(outsider_, community, rep_);
  EXPECT_EQ(JsonIds(Get("/api/v1/quizzes?community_id=" + community, rep_.token).body),
            std::vector<std::string>{guild_quiz});
  EXPECT_EQ(Attempt(guild_quiz, "[[1],[0,2]]", rep_).status, 201);
}

TEST_F(QuizzesIntegrationTest, BadQuizzesAreRefusedWithTheirCodeAndWriteNothing) {
  auto with_questions = [](const std::string& questions) {
    return KafkaQuiz({{"questions", questions}});
  };
  std::string eight(R"("a","b","c","d","e","f","g","h")");
  std::string many = "[";
  for (int i = 0; i < 51; ++i) {
    many += std::string(i ? "," : "") + R"({"text":"q","choices":["a","b"],"correct":[0]})";
  }
  many += "]";
  struct Case {
    JsonBody body;
    const char* code;
  };
  for (const Case& c : {
           Case{with_questions(R"([{"text":"q","choices":["a","b"],"correct":[]}])"),
                "no_correct_choice"},
           Case{with_questions(R"([{"text":"q","choices":["a","a"],"correct":[0]}])"),
                "duplicate_choices"},
           Case{with_questions(R"([{"text":"q","choices":["a","b"],"correct":[2]}])"),
                "correct_out_of_range"},
           Case{with_questions(R"([{"text":"q","choices":["a"],"correct":[0]}])"),
                "invalid_choices"},
           Case{with_questions(R"([{"text":"q","choices":[)" + eight + R"(,"i"],"correct":[0]}])"),
                "invalid_choices"},
           Case{with_questions("[]"), "invalid_questions"},
           Case{with_questions(many), "invalid_questions"},
           Case{KafkaQuiz({{"pass_mark", "1.2"}}), "invalid_pass_mark"},
           Case{KafkaQuiz({{"pass_mark", "-0.5"}}), "invalid_pass_mark"},
           Case{KafkaQuiz({{"max_attempts_per_day", "0"}}), "invalid_max_attempts"},
           Case{KafkaQuiz({{"title", R"("")"}}), "invalid_title"},
           Case{KafkaQuiz({{"questions", R"("nope")"}}), "invalid_field"},
           Case{KafkaQuiz({{"answers", "[]"}}), "field_not_writable"},
       }) {
    HttpResult r = Post("/api/v1/quizzes", c.body.str(), admin_token_);
    EXPECT_EQ(r.status, 422) << c.body.str() << "\n" << r;
    EXPECT_EQ(ErrorCode(r.body), c.code) << c.body.str();
  }
  EXPECT_EQ(Post("/api/v1/quizzes", "{not json", admin_token_).status, 400);
  EXPECT_TRUE(JsonIds(Get("/api/v1/quizzes", admin_token_).body).empty());
}

TEST_F(QuizzesIntegrationTest, ScoringIsExactAndAPassVerifiesTheSkill) {
  std::string id = CreateQuiz(admin_token_, KafkaQuiz({{"max_attempts_per_day", "5"}}));

  HttpResult half = Attempt(id, "[[1],[0]]", rep_);  // second: one of two correct choices

  ASSERT_EQ(half.status, 201) << half;
  EXPECT_EQ(half.body.find("\"score\":0.5"), half.body.find("\"score\""));
  EXPECT_EQ(JsonBool(half.body, "/passed"), false);
  EXPECT_EQ(JsonBool(half.body, "/results/0/correct"), true);
  EXPECT_EQ(JsonBool(half.body, "/results/1/correct"), false);
  EXPECT_EQ(JsonInt(half.body, "/results/1/expected/0"), 0);
  EXPECT_EQ(JsonInt(half.body, "/results/1/expected/1"), 2);
  EXPECT_EQ(JsonString(half.body, "/results/1/explanation"), "SECRET-TWO");
  HttpResult extra = Attempt(id, "[[1,2],[0,2]]", rep_);  // a wrong choice added
  EXPECT_EQ(JsonBool(extra.body, "/results/0/correct"), false);
  EXPECT_TRUE(
      JsonIds(Get("/api/v1/users/" + rep_.id, rep_.token).body, "/verified_skills", "/skill")
          .empty());

  HttpResult full = Attempt(id, "[[1],[2,0]]", rep_);

  ASSERT_EQ(full.status, 201) << full;
  EXPECT_EQ(JsonBool(full.body, "/passed"), true);
  EXPECT_EQ(JsonBool(full.body, "/skill_verified"), true);
  HttpResult profile = Get("/api/v1/users/" + rep_.id, outsider_.token);
  EXPECT_EQ(JsonString(profile.body, "/verified_skills/0/skill"), "kafka");
  EXPECT_EQ(JsonString(profile.body, "/verified_skills/0/quiz_id"), id);
  EXPECT_TRUE(JsonHas(profile.body, "/verified_skills/0/passed_at"));
  EXPECT_EQ(JsonString(Get("/api/v1/me", rep_.token).body, "/verified_skills/0/skill"), "kafka");
  HttpResult mine = Get("/api/v1/quizzes/" + id, rep_.token);
  EXPECT_EQ(JsonBool(mine.body, "/passed"), true);
  EXPECT_NE(mine.body.find("\"best_score\":1"), std::string::npos) << mine;
  // Own history, newest first.
  HttpResult history = Get("/api/v1/me/quiz_attempts", rep_.token);
  ASSERT_EQ(history.status, 200) << history;
  EXPECT_EQ(JsonIds(history.body).size(), 3u);
  EXPECT_EQ(JsonBool(history.body, "/items/0/passed"), true);
  EXPECT_EQ(JsonString(history.body, "/items/0/skill"), "kafka");
  EXPECT_TRUE(JsonIds(Get("/api/v1/me/quiz_attempts", peer_.token).body).empty());
}

TEST_F(QuizzesIntegrationTest, AttemptsPastTheDailyLimitAre429WithRetryAfter) {
  std::string id = CreateQuiz(admin_token_, KafkaQuiz({{"max_attempts_per_day", "2"}}));
  ASSERT_EQ(Attempt(id, "[[0],[0]]", rep_).status, 201);
  ASSERT_EQ(Attempt(id, "[[0],[0]]", rep_).status, 201);

  HttpResult third = Attempt(id, "[[1],[0,2]]", rep_);

  EXPECT_EQ(third.status, 429) << third;
  EXPECT_EQ(ErrorCode(third.body), "rate_limited");
  EXPECT_FALSE(third.header("retry-after").empty());
  EXPECT_EQ(third.body.find("SECRET"), std::string::npos);
  EXPECT_EQ(Attempt(id, "[[0],[0]]", peer_).status, 201);  // the limit is per person
  EXPECT_EQ(JsonIds(Get("/api/v1/me/quiz_attempts", rep_.token).body).size(), 2u);
}

TEST_F(QuizzesIntegrationTest, ConcurrentAttemptsNeverExceedTheDailyLimit) {
  std::string id = CreateQuiz(admin_token_, KafkaQuiz({{"max_attempts_per_day", "3"}}));
  constexpr int kThreads = 12;
  std::atomic<int> accepted{0}, limited{0}, ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      int status = Attempt(id, "[[1],[0,2]]", rep_).status;
      if (status == 201) ++accepted;
      if (status == 429) ++limited;
    });
  }
  while (ready.load() < kThreads) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(accepted.load(), 3);
  EXPECT_EQ(limited.load(), kThreads - 3);
  EXPECT_EQ(JsonIds(Get("/api/v1/me/quiz_attempts?limit=100", rep_.token).body).size(), 3u);
}

TEST_F(QuizzesIntegrationTest, AQuizWithAttemptsKeepsItsQuestions) {
  std::string id = CreateQuiz(admin_token_);
  std::string new_questions =
      R"([{"text":"Replaced?","choices":["yes","no"],"correct":[0],"explanation":"e"}])";
  HttpResult before = Patch("/api/v1/quizzes/" + id,
                            JsonBody().SetRaw("questions", new_questions).str(), admin_token_);
  ASSERT_EQ(before.status, 200) << before;
  EXPECT_EQ(JsonInt(before.body, "/questions_count"), 1);
  EXPECT_EQ(Patch("/api/v1/quizzes/" + id, JsonBody().Set("title", "x").str(), rep_.token).status,
            403);
  ASSERT_EQ(Attempt(id, "[[0]]", rep_).status, 201);

  HttpResult after = Patch("/api/v1/quizzes/" + id,
                           JsonBody().SetRaw("questions", new_questions).str(), admin_token_);

  EXPECT_EQ(after.status, 409) << after;
  EXPECT_EQ(ErrorCode(after.body), "quiz_has_attempts");
  EXPECT_EQ(
      Patch("/api/v1/quizzes/" + id, JsonBody().SetRaw("pass_mark", "0.1").str(), admin_token_)
          .status,
      409);
  HttpResult retitled =
      Patch("/api/v1/quizzes/" + id, JsonBody().Set("title", "Kafka v1").str(), admin_token_);
  EXPECT_EQ(retitled.status, 200) << retitled;
  EXPECT_EQ(JsonString(Get("/api/v1/quizzes/" + id, rep_.token).body, "/questions/0/text"),
            "Replaced?");
}

TEST_F(QuizzesIntegrationTest, ResultsAreForTheAuthorAdminsAndManagersOfTheirSubtree) {
  std::string id = CreateQuiz(boss_.token);
  ASSERT_EQ(Attempt(id, "[[1],[0,2]]", rep_).status, 201);
  ASSERT_EQ(Attempt(id, "[[0],[0]]", peer_).status, 201);
  ASSERT_EQ(Attempt(id, "[[1],[0,2]]", outsider_).status, 201);
  TestUser lead = CreateAndLogin("lead");
  TestUser junior = CreateAndLogin("junior", JsonBody().Set("manager_id", lead.id));
  ASSERT_EQ(Attempt(id, "[[0],[0]]", junior).status, 201);

  auto users = [&](const std::string& token, const std::string& query = "") {
    HttpResult r = Get("/api/v1/quizzes/" + id + "/results" + query, token);
    EXPECT_EQ(r.status, 200) << r;
    return JsonIds(r.body, "/rows", "/user/id");
  };
  // The author (boss) sees everyone; so do admins.
  EXPECT_EQ(users(boss_.token).size(), 4u);
  EXPECT_EQ(users(admin_token_).size(), 4u);
  // A manager sees their subtree only.
  EXPECT_EQ(users(lead.token), std::vector<std::string>{junior.id});
  EXPECT_EQ(Get("/api/v1/quizzes/" + id + "/results", rep_.token).status, 403);
  EXPECT_EQ(Get("/api/v1/quizzes/" + id + "/results?by=region", boss_.token).status, 400);

  HttpResult teams = Get("/api/v1/quizzes/" + id + "/results?by=team", admin_token_);
  ASSERT_EQ(teams.status, 200) << teams;
  bool found_boss = false;
  for (int i = 0; JsonHas(teams.body, ("/rows/" + std::to_string(i)).c_str()); ++i) {
    std::string row = "/rows/" + std::to_string(i);
    if (JsonString(teams.body, (row + "/manager/id").c_str()) != boss_.id) continue;
    found_boss = true;
    EXPECT_EQ(JsonInt(teams.body, (row + "/people").c_str()), 2);
    EXPECT_EQ(JsonInt(teams.body, (row + "/passed").c_str()), 1);
    EXPECT_EQ(JsonInt(teams.body, (row + "/attempts").c_str()), 2);
  }
  EXPECT_TRUE(found_boss) << teams;
}

TEST_F(QuizzesIntegrationTest, AQuizInAPrivateCommunityIsHiddenFromOutsiders) {
  std::string community = CreateCommunity(boss_, "Launch team", "private");
  AddMember(boss_, community, rep_);
  std::string id = CreateQuiz(boss_.token, KafkaQuiz({{"community_id", '"' + community + '"'}}));

  EXPECT_EQ(Get("/api/v1/quizzes/" + id, outsider_.token).status, 404);
  EXPECT_EQ(Attempt(id, "[[1],[0,2]]", outsider_).status, 404);
  EXPECT_EQ(Get("/api/v1/quizzes/" + id + "/results", outsider_.token).status, 404);
  EXPECT_TRUE(JsonIds(Get("/api/v1/quizzes", outsider_.token).body).empty());
  EXPECT_EQ(Get("/api/v1/quizzes?community_id=" + community, outsider_.token).status, 403);
  EXPECT_EQ(JsonIds(Get("/api/v1/quizzes", rep_.token).body), std::vector<std::string>{id});
  EXPECT_EQ(Attempt(id, "[[1],[0,2]]", rep_).status, 201);
}

}  // namespace
}  // namespace agora::integration
