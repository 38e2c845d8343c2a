// api.md "Questions and answers": accepting an answer, withdrawing it, the list of questions.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class QuestionsIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    asker_ = CreateAndLogin("asker");
    expert_ = CreateAndLogin("expert");
    other_ = CreateAndLogin("other");
  }
  std::string Ask(const TestUser& by, const std::string& text, const std::string& community = "") {
    return WritePost(by, text, community, JsonBody().Set("kind", "question"));
  }
  std::string Reply(const TestUser& by, const std::string& parent, const std::string& text) {
    return WritePost(by, text, "", JsonBody().Set("in_reply_to", parent));
  }
  HttpResult Accept(const std::string& question, const std::string& reply, const TestUser& by) {
    return Post("/api/v1/posts/" + question + "/accept", JsonBody().Set("reply_id", reply).str(),
                by.token);
  }
  bool Told(const TestUser& who, const std::string& type) {
    auto types = JsonIds(Get("/api/v1/notifications", who.token).body, "/items", "/type");
    return std::find(types.begin(), types.end(), type) != types.end();
  }

  TestUser asker_, expert_, other_;
};

TEST_F(QuestionsIntegrationTest, TheAskerAcceptsADirectReplyAndTheAnswererIsTold) {
  std::string question = Ask(asker_, "How do we price multi-year renewals?");
  std::string answer = Reply(expert_, question, "Lock the rate for year one, index after.");

  HttpResult accepted = Accept(question, answer, asker_);

  ASSERT_EQ(accepted.status, 200) << accepted;
  EXPECT_EQ(JsonString(accepted.body, "/accepted_answer_id"), answer);
  EXPECT_EQ(JsonString(Get("/api/v1/posts/" + question, other_.token).body, "/accepted_answer_id"),
            answer);
  EXPECT_TRUE(Told(expert_, "answer_accepted"));
  // A question with no accepted answer renders null; other kinds never carry the field.
  std::string open = Ask(asker_, "Anyone used the new quote tool?");
  EXPECT_TRUE(JsonIsNull(Get("/api/v1/posts/" + open, asker_.token).body, "/accepted_answer_id"));
  EXPECT_FALSE(JsonHas(Get("/api/v1/posts/" + answer, asker_.token).body, "/accepted_answer_id"));
}

TEST_F(QuestionsIntegrationTest, TheAskerChangesAndWithdrawsTheChoice) {
  std::string question = Ask(asker_, "Best demo for retail?");
  std::string first = Reply(expert_, question, "The inventory one.");
  std::string second = Reply(other_, question, "The loyalty one.");
  ASSERT_EQ(Accept(question, first, asker_).status, 200);

  HttpResult changed = Accept(question, second, asker_);

  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(JsonString(changed.body, "/accepted_answer_id"), second);
  EXPECT_EQ(Delete("/api/v1/posts/" + question + "/accept", asker_.token).status, 204);
  EXPECT_TRUE(
      JsonIsNull(Get("/api/v1/posts/" + question, asker_.token).body, "/accepted_answer_id"));
}

TEST_F(QuestionsIntegrationTest, OnlyTheAskerOrAModeratorDecides) {
  TestUser owner = CreateAndLogin("owner");
  std::string community = CreateCommunity(owner, "Pricing", "open");
  AddMember(owner, community, asker_);
  AddMember(owner, community, expert_);
  std::string question = Ask(asker_, "Discount ceiling for Q4?", community);
  std::string answer = Reply(expert_, question, "15% without approval.");

  EXPECT_EQ(Accept(question, answer, expert_).status, 403);
  EXPECT_EQ(Accept(question, answer, other_).status, 403);
  EXPECT_EQ(Delete("/api/v1/posts/" + question + "/accept", other_.token).status, 403);
  HttpResult by_owner = Accept(question, answer, owner);  // owners moderate
  ASSERT_EQ(by_owner.status, 200) << by_owner;
  EXPECT_EQ(JsonString(by_owner.body, "/accepted_answer_id"), answer);
}

TEST_F(QuestionsIntegrationTest, OnlyADirectReplyToThatQuestionIsAccepted) {
  std::string question = Ask(asker_, "Which CRM field holds the PO?");
  std::string elsewhere = Ask(other_, "Another question?");
  std::string direct = Reply(expert_, question, "The reference field.");
  std::string nested = Reply(other_, direct, "Indeed.");
  std::string foreign = Reply(expert_, elsewhere, "An answer elsewhere.");
  std::string status = WritePost(asker_, "just a status");
  std::string status_reply = Reply(expert_, status, "reply to a status");

  struct Case {
    std::string question, reply;
    int status;
    const char* code;
  };
  for (const Case& c :
       {Case{question, nested, 422, "nested_reply"}, Case{question, foreign, 422, "not_a_reply"},
        Case{question, question, 422, "not_a_reply"},
        Case{status, status_reply, 422, "not_a_question"},
        Case{question, "999999999", 404, "not_found"}}) {
    HttpResult r = Accept(c.question, c.reply, asker_);
    EXPECT_EQ(r.status, c.status) << c.reply << "\n" << r;
    EXPECT_EQ(ErrorCode(r.body), c.code) << r;
  }
  EXPECT_EQ(Post("/api/v1/posts/" + question + "/accept", "{}", asker_.token).status, 422);
  EXPECT_EQ(Post("/api/v1/posts/" + question + "/accept", "{", asker_.token).status, 400);
  // Nothing was written.
  EXPECT_TRUE(
      JsonIsNull(Get("/api/v1/posts/" + question, asker_.token).body, "/accepted_answer_id"));
  EXPECT_FALSE(Told(expert_, "answer_accepted"));
}

TEST_F(QuestionsIntegrationTest, AReplyInAPrivateCommunityIsNotAcceptedListedOrCountedByOutsiders) {
  TestUser owner = CreateAndLogin("owner");
  std::string community = CreateCommunity(owner, "Secret deals", "private");
  AddMember(owner, community, expert_);
  std::string question = Ask(owner, "Internal margin on the Acme renewal?", community);
  std::string answer = Reply(expert_, question, "22% after the rebate.");

  // An outsider (other_) cannot accept, see, or list it.
  EXPECT_EQ(Accept(question, answer, other_).status, 404);
  ASSERT_EQ(Accept(question, answer, owner).status, 200);
  EXPECT_EQ(Delete("/api/v1/posts/" + question + "/accept", other_.token).status, 404);
  HttpResult list = Get("/api/v1/questions", other_.token);
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_EQ(list.body.find("Internal margin"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/questions?community_id=" + community, other_.token).status, 403);
  // A member sees it.
  HttpResult members = Get("/api/v1/questions?community_id=" + community, expert_.token);
  EXPECT_EQ(JsonIds(members.body), std::vector<std::string>{question});
}

TEST_F(QuestionsIntegrationTest, QuestionsAreListedNewestFirstByAnswerStateTextAndPage) {
  std::string a = Ask(asker_, "Renewal pricing for Acme?");
  std::string b = Ask(asker_, "Who knows the Kafka connector?");
  std::string c = Ask(other_, "Renewal clause wording?");
  WritePost(asker_, "not a question");
  ASSERT_EQ(Accept(b, Reply(expert_, b, "Me."), asker_).status, 200);

  auto ids = [&](const std::string& query) {
    HttpResult r = Get("/api/v1/questions" + query, other_.token);
    EXPECT_EQ(r.status, 200) << r;
    return JsonIds(r.body);
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(ids("?unanswered=true"), (std::vector<std::string>{c, a}));
  EXPECT_EQ(ids("?q=RENEWAL"), (std::vector<std::string>{c, a}));
  HttpResult first = Get("/api/v1/questions?limit=2", other_.token);
  EXPECT_EQ(JsonIds(first.body), (std::vector<std::string>{c, b}));
  auto cursor = JsonString(first.body, "/next_cursor");
  ASSERT_TRUE(cursor);
  EXPECT_EQ(ids("?limit=2&cursor=" + *cursor), std::vector<std::string>{a});
  EXPECT_EQ(Get("/api/v1/questions?unanswered=maybe", other_.token).status, 400);
  EXPECT_EQ(Get("/api/v1/questions", "").status, 401);
}

TEST_F(QuestionsIntegrationTest, DeletingTheAcceptedAnswerReopensTheQuestion) {
  std::string question = Ask(asker_, "Where is the price book?");
  std::string answer = Reply(expert_, question, "On the wiki.");
  ASSERT_EQ(Accept(question, answer, asker_).status, 200);

  ASSERT_EQ(Delete("/api/v1/posts/" + answer, expert_.token).status, 204);

  EXPECT_TRUE(
      JsonIsNull(Get("/api/v1/posts/" + question, asker_.token).body, "/accepted_answer_id"));
  EXPECT_EQ(JsonIds(Get("/api/v1/questions?unanswered=true", asker_.token).body),
            std::vector<std::string>{question});
}

}  // namespace
}  // namespace agora::integration
