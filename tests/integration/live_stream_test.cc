// GET /api/v1/stream over real WebSockets: authentication before the upgrade, live posts,
// deletes and notifications to exactly the readers who may have them, closing on logout,
// deactivation and shutdown, slow consumers, resuming with the last event id, size limits.
//
// "Nothing arrived" is never a timeout: the reader is sent a barrier (a follow notification)
// afterwards, and the barrier must be the next message.
#include <rapidjson/document.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"
#include "tests/integration/ws_client.h"

namespace agora::integration {
namespace {

struct Event {
  std::string event_id, type, post_id, notification_type, text;
};

Event Parse(const std::string& message) {
  rapidjson::Document doc;
  doc.Parse(message.c_str());
  Event e;
  if (!doc.IsObject()) return e;
  if (doc.HasMember("event_id")) e.event_id = doc["event_id"].GetString();
  if (doc.HasMember("type")) e.type = doc["type"].GetString();
  if (e.type == "post") {
    e.post_id = doc["item"]["object"]["agora:post"]["id"].GetString();
    e.text = doc["item"]["object"]["source"]["content"].GetString();
  } else if (e.type == "delete") {
    e.post_id = doc["post_id"].GetString();
  } else if (e.type == "notification") {
    e.notification_type = doc["notification"]["type"].GetString();
    if (doc["notification"].HasMember("post")) {
      e.post_id = doc["notification"]["post"]["id"].GetString();
    }
  }
  return e;
}

class LiveStreamTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
    cleo_ = CreateAndLogin("cleo");
  }

  std::unique_ptr<WsClient> Connect(const TestUser& who, const std::string& query = "",
                                    int receive_buffer = 0) {
    auto ws = std::make_unique<WsClient>(server().endpoint(),
                                         "/api/v1/stream?access_token=" + who.token + query,
                                         HeaderList{}, receive_buffer);
    EXPECT_TRUE(ws->open()) << ws->refusal_status() << " " << ws->refusal_body();
    return ws;
  }
  // A round trip that proves the socket is subscribed: the barrier comes back.
  void Ready(WsClient& ws, const TestUser& who) { ExpectBarrier(ws, Barrier(who)); }

  std::string Write(const TestUser& by, const std::string& text,
                    const std::string& community = "") {
    return WritePost(by, text, community);
  }
  std::string Community(const TestUser& owner, const std::string& visibility,
                        const std::vector<const TestUser*>& members) {
    HttpResult r = Post("/api/v1/communities",
                        JsonBody()
                            .Set("name", "Guild " + std::to_string(++communities_))
                            .Set("visibility", visibility)
                            .str(),
                        owner.token);
    EXPECT_EQ(r.status, 201) << r;
    std::string id = JsonString(r.body, "/id").value_or("");
    for (const TestUser* m : members) {
      EXPECT_EQ(Post("/api/v1/communities/" + id + "/invitations",
                     JsonBody().Set("user_id", m->id).str(), owner.token)
                    .status,
                201);
      EXPECT_EQ(Post("/api/v1/communities/" + id + "/invitations/accept", "", m->token).status,
                200);
    }
    return id;
  }

  // Someone new follows `who`: a notification only `who` receives. Returns the follower's id.
  std::string Barrier(const TestUser& who) {
    TestUser follower = CreateAndLogin("barrier" + std::to_string(++barriers_));
    Follow(follower, who);
    return follower.id;
  }
  // The next message must be the barrier's follow notification.
  void ExpectBarrier(WsClient& ws, const std::string& barrier_actor) {
    auto message = ws.Read();
    ASSERT_TRUE(message) << "no message; closed=" << ws.closed();
    EXPECT_NE(message->find("\"type\":\"follow\""), std::string::npos) << *message;
    EXPECT_NE(message->find(barrier_actor), std::string::npos) << *message;
  }
  Event Next(WsClient& ws) {
    auto message = ws.Read();
    EXPECT_TRUE(message) << "no message; closed=" << ws.closed();
    return message ? Parse(*message) : Event{};
  }

  TestUser ana_, ben_, cleo_;
  int barriers_ = 0;
  int communities_ = 0;
};

TEST_F(LiveStreamTest, RefusesAMissingOrBadTokenBeforeTheUpgrade) {
  WsClient none(server().endpoint(), "/api/v1/stream");
  EXPECT_FALSE(none.open());
  EXPECT_EQ(none.refusal_status(), 401);
  EXPECT_EQ(ErrorCode(none.refusal_body()), "unauthenticated");
  WsClient bad(server().endpoint(), "/api/v1/stream?access_token=agr_not-a-token");
  EXPECT_FALSE(bad.open());
  EXPECT_EQ(bad.refusal_status(), 401);
  EXPECT_FALSE(ErrorCode(bad.refusal_body()).empty());
  WsClient bad_header(server().endpoint(), "/api/v1/stream", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(bad_header.refusal_status(), 401);
  WsClient bad_resume(server().endpoint(),
                      "/api/v1/stream?last_event_id=x&access_token=" + ana_.token);
  EXPECT_EQ(bad_resume.refusal_status(), 400);
  EXPECT_EQ(ErrorCode(bad_resume.refusal_body()), "invalid_last_event_id");
  // The header form works, and plain HTTP gets told to upgrade.
  WsClient header(server().endpoint(), "/api/v1/stream",
                  {{"Authorization", "Bearer " + ana_.token}});
  EXPECT_TRUE(header.open());
  HttpResult plain = Get("/api/v1/stream", ana_.token);
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(ErrorCode(plain.body), "upgrade_required");
  EXPECT_EQ(plain.header("Upgrade"), "websocket");
}

TEST_F(LiveStreamTest, AHandshakeWebSocketRefusesIsAnsweredWithAJsonError) {
  // Authenticated, but the handshake itself is wrong: Beast refuses it, and the body is ours.
  auto upgrade = [&](const std::string& extra_headers) {
    return SendRaw(server().endpoint(), "GET /api/v1/stream?access_token=" + ana_.token +
                                            " HTTP/1.1\r\nHost: agora\r\nUpgrade: websocket\r\n"
                                            "Connection: Upgrade\r\n" +
                                            extra_headers + "\r\n");
  };
  std::string no_key = upgrade("Sec-WebSocket-Version: 13\r\n");
  EXPECT_EQ(RawStatus(no_key), 400) << no_key;
  EXPECT_EQ(ErrorCode(RawBody(no_key)), "bad_request") << no_key;
  EXPECT_NE(no_key.find("Content-Type: application/json"), std::string::npos) << no_key;

  std::string old_version =
      upgrade("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n");
  EXPECT_EQ(RawStatus(old_version), 426) << old_version;
  EXPECT_EQ(ErrorCode(RawBody(old_version)), "upgrade_required") << old_version;
  EXPECT_NE(old_version.find("Sec-WebSocket-Version: 13"), std::string::npos) << old_version;
}

TEST_F(LiveStreamTest, OneAccountOpensAtMostSixteenStreams) {
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 16; ++i) {
    open.push_back(Connect(ana_));
    Ready(*open.back(), ana_);
  }
  auto extra = Connect(ana_);
  EXPECT_TRUE(extra->WaitClosed());
  EXPECT_EQ(extra->close_code(), 1008);
  // Other accounts are not affected.
  auto ben = Connect(ben_);
  Ready(*ben, ben_);
}

TEST_F(LiveStreamTest, NewPostsReachFollowersAndTheAuthorOnly) {
  Follow(ben_, ana_);
  auto ana = Connect(ana_);
  auto ben = Connect(ben_);
  auto cleo = Connect(cleo_);
  Ready(*ana, ana_);
  Ready(*ben, ben_);
  Ready(*cleo, cleo_);
  std::string post = Write(ana_, "hello followers");
  Event for_ben = Next(*ben);
  EXPECT_EQ(for_ben.type, "post");
  EXPECT_EQ(for_ben.post_id, post);
  EXPECT_EQ(for_ben.text, "hello followers");
  EXPECT_FALSE(for_ben.event_id.empty());
  Event for_ana = Next(*ana);
  EXPECT_EQ(for_ana.post_id, post);
  ExpectBarrier(*cleo, Barrier(cleo_));  // cleo does not follow ana: nothing before the barrier
}

TEST_F(LiveStreamTest, PrivateCommunityPostsReachMembersNeverOutsiders) {
  Follow(cleo_, ana_);  // a follower of the author who is not a member
  std::string group = Community(ana_, "private", {&ben_});
  auto ben = Connect(ben_);
  auto cleo = Connect(cleo_);
  Ready(*ben, ben_);
  Ready(*cleo, cleo_);
  std::string post = Write(ana_, "MARKER members only", group);
  Event for_ben = Next(*ben);
  EXPECT_EQ(for_ben.type, "post");
  EXPECT_EQ(for_ben.post_id, post);
  ExpectBarrier(*cleo, Barrier(cleo_));
}

TEST_F(LiveStreamTest, RemovedMemberStopsReceivingAtOnce) {
  std::string group = Community(ana_, "private", {&ben_});
  auto ben = Connect(ben_);
  Ready(*ben, ben_);
  Write(ana_, "before", group);
  EXPECT_EQ(Next(*ben).type, "post");
  ASSERT_EQ(Delete("/api/v1/communities/" + group + "/members/" + ben_.id, ana_.token).status, 204);
  std::string after = Write(ana_, "after the removal", group);
  ExpectBarrier(*ben, Barrier(ben_));
  // Leaving works the same way.
  std::string open = Community(ana_, "open", {&cleo_});
  auto cleo = Connect(cleo_);
  Ready(*cleo, cleo_);
  ASSERT_EQ(Post("/api/v1/communities/" + open + "/leave", "", cleo_.token).status, 204);
  Write(ana_, "after leaving", open);
  ExpectBarrier(*cleo, Barrier(cleo_));
  (void)after;
}

TEST_F(LiveStreamTest, DeletesReachTheReaders) {
  Follow(ben_, ana_);
  auto ben = Connect(ben_);
  Ready(*ben, ben_);
  std::string post = Write(ana_, "soon gone");
  EXPECT_EQ(Next(*ben).post_id, post);
  ASSERT_EQ(Delete("/api/v1/posts/" + post, ana_.token).status, 204);
  Event deleted = Next(*ben);
  EXPECT_EQ(deleted.type, "delete");
  EXPECT_EQ(deleted.post_id, post);
}

TEST_F(LiveStreamTest, NotificationsArriveLive) {
  auto ben = Connect(ben_);
  Ready(*ben, ben_);
  std::string post = Write(ana_, "ping @ben about the Lyon deal");
  Event mention = Next(*ben);
  EXPECT_EQ(mention.type, "notification");
  EXPECT_EQ(mention.notification_type, "mention");
  EXPECT_EQ(mention.post_id, post);
  HttpResult r = Post("/api/v1/posts",
                      JsonBody().Set("text", "all hands at noon").Set("kind", "announcement").str(),
                      admin_token_);
  ASSERT_EQ(r.status, 201) << r;
  Event announcement = Next(*ben);  // everyone's home stream gets announcements
  EXPECT_EQ(announcement.type, "post");
  EXPECT_EQ(announcement.post_id, JsonString(r.body, "/id").value_or("?"));
}

TEST_F(LiveStreamTest, SecretMentionNeverReachesANonMember) {
  std::string secret = Community(ana_, "secret", {&ben_});
  auto cleo = Connect(cleo_);
  Ready(*cleo, cleo_);
  Write(ana_, "MARKER-SECRET @cleo @ben", secret);
  ExpectBarrier(*cleo, Barrier(cleo_));
}

TEST_F(LiveStreamTest, DeactivationClosesTheAccountsSockets) {
  auto ben = Connect(ben_);
  auto ben_again = Connect(ben_);
  auto cleo = Connect(cleo_);
  Ready(*ben, ben_);
  ASSERT_EQ(Post("/api/v1/users/" + ben_.id + "/deactivate", "", admin_token_).status, 200);
  EXPECT_TRUE(ben->WaitClosed());
  EXPECT_EQ(ben->close_code(), 1008);
  EXPECT_TRUE(ben_again->WaitClosed());
  Ready(*cleo, cleo_);  // others are untouched
  WsClient refused(server().endpoint(), "/api/v1/stream?access_token=" + ben_.token);
  EXPECT_EQ(refused.refusal_status(), 401);
}

TEST_F(LiveStreamTest, LogoutClosesThatSessionsSockets) {
  std::string other_token = server().Login("ben", TestServer::kDefaultPassword);
  auto ben = Connect(ben_);
  WsClient other(server().endpoint(), "/api/v1/stream?access_token=" + other_token);
  ASSERT_TRUE(other.open());
  std::string barrier = Barrier(ben_);
  ExpectBarrier(*ben, barrier);
  ExpectBarrier(other, barrier);
  ASSERT_EQ(Post("/api/v1/auth/logout", "", ben_.token).status, 204);
  EXPECT_TRUE(ben->WaitClosed());
  EXPECT_EQ(ben->close_code(), 1008);
  // The other session of the same person keeps its stream.
  ExpectBarrier(other, Barrier(ben_));
}

TEST_F(LiveStreamTest, ResumingWithTheLastEventIdReplaysWhatWasMissedInOrder) {
  Follow(ben_, ana_);
  std::string last;
  {
    auto ben = Connect(ben_);
    Ready(*ben, ben_);
    Write(ana_, "one");
    Event first = Next(*ben);
    ASSERT_EQ(first.text, "one");
    last = first.event_id;
  }
  std::string two = Write(ana_, "two");
  std::string three = Write(ana_, "three");
  Write(cleo_, "not for ben");
  auto ben = Connect(ben_, "&last_event_id=" + last);
  Event a = Next(*ben);
  Event b = Next(*ben);
  EXPECT_EQ(a.post_id, two);
  EXPECT_EQ(b.post_id, three);
  EXPECT_LT(std::stoll(last), std::stoll(a.event_id));
  EXPECT_LT(std::stoll(a.event_id), std::stoll(b.event_id));
  ExpectBarrier(*ben, Barrier(ben_));
  // The Last-Event-ID header works too.
  WsClient header(server().endpoint(), "/api/v1/stream",
                  {{"Authorization", "Bearer " + ben_.token}, {"Last-Event-ID", a.event_id}});
  ASSERT_TRUE(header.open());
  auto replayed = header.Read();
  ASSERT_TRUE(replayed);
  EXPECT_EQ(Parse(*replayed).post_id, three);
}

// Missed posts by several authors ben follows; the replay is written as ben reads it, past
// the 256 messages a socket may have queued.
class ResumeTest : public LiveStreamTest {
 protected:
  void ResumeAfterMissing(int missed) {
    std::vector<TestUser> authors = {ana_, cleo_, CreateAndLogin("dora"), CreateAndLogin("eli")};
    for (const TestUser& author : authors) Follow(ben_, author);
    std::string last;
    {
      auto ben = Connect(ben_);
      Ready(*ben, ben_);
      Write(ana_, "seen");
      last = Next(*ben).event_id;
    }
    std::vector<std::string> posts;
    for (int i = 0; i < missed; ++i) {
      posts.push_back(Write(authors[i % authors.size()], "missed " + std::to_string(i)));
    }
    auto ben = Connect(ben_, "&last_event_id=" + last);
    for (int i = 0; i < missed; ++i) {
      Event event = Next(*ben);
      ASSERT_EQ(event.post_id, posts[i]) << "replayed message " << i << " of " << missed;
    }
    ExpectBarrier(*ben, Barrier(ben_));
    EXPECT_FALSE(ben->closed());
  }
};

TEST_F(ResumeTest, ThreeHundredMissedEventsAreAllReplayed) { ResumeAfterMissing(300); }

TEST_F(ResumeTest, AThousandMissedEventsAreAllReplayed) { ResumeAfterMissing(1000); }

TEST_F(LiveStreamTest, ResumeLeavesOutPostsDeletedSince) {
  Follow(ben_, ana_);
  std::string last;
  {
    auto ben = Connect(ben_);
    Ready(*ben, ben_);
    Write(ana_, "seen");
    last = Next(*ben).event_id;
  }
  std::string gone = Write(ana_, "MARKER deleted while away");
  std::string kept = Write(ana_, "kept");
  ASSERT_EQ(Delete("/api/v1/posts/" + gone, ana_.token).status, 204);
  auto ben = Connect(ben_, "&last_event_id=" + last);
  Event first = Next(*ben);
  EXPECT_EQ(first.type, "post");
  EXPECT_EQ(first.post_id, kept);
  Event second = Next(*ben);
  EXPECT_EQ(second.type, "delete");
  EXPECT_EQ(second.post_id, gone);
  ExpectBarrier(*ben, Barrier(ben_));
}

TEST_F(LiveStreamTest, ResumeRechecksTheAudience) {
  std::string group = Community(ana_, "private", {&ben_});
  std::string last;
  {
    auto ben = Connect(ben_);
    Ready(*ben, ben_);
    Write(ana_, "seen", group);
    last = Next(*ben).event_id;
  }
  Write(ana_, "MARKER missed while away", group);
  ASSERT_EQ(Delete("/api/v1/communities/" + group + "/members/" + ben_.id, ana_.token).status, 204);
  auto ben = Connect(ben_, "&last_event_id=" + last);
  ExpectBarrier(*ben, Barrier(ben_));
}

TEST_F(LiveStreamTest, ClientMessagesOverTheLimitCloseTheSocket) {
  auto ana = Connect(ana_);
  Ready(*ana, ana_);
  EXPECT_TRUE(ana->Send("small messages are ignored"));
  ExpectBarrier(*ana, Barrier(ana_));
  ana->Send(std::string(64 << 10, 'x'));  // may fail half-way: the server stops reading
  EXPECT_TRUE(ana->WaitClosed());
  // The close frame says 1009, unless the reset for the unread rest overtook it.
  if (ana->close_code() != 0) {
    EXPECT_EQ(ana->close_code(), 1009);
  }
}

TEST_F(LiveStreamTest, ShutdownClosesStreams) {
  auto ana = Connect(ana_);
  Ready(*ana, ana_);
  EXPECT_EQ(server().Stop(), 0);
  EXPECT_TRUE(ana->WaitClosed());
  EXPECT_EQ(ana->close_code(), 1001);
}

class SlowConsumerTest : public LiveStreamTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--stream-queue", "8"}; }
};

TEST_F(SlowConsumerTest, AClientThatCannotKeepUpIsClosedWhileOthersReceiveEverything) {
  Follow(ben_, ana_);
  Follow(cleo_, ana_);
  auto slow = Connect(ben_, "", 4096);
  auto fast = Connect(cleo_);
  Ready(*slow, ben_);
  Ready(*fast, cleo_);
  constexpr int kPosts = 80;
  std::atomic<int> received{0};
  std::thread reader([&] {
    while (received < kPosts) {
      auto message = fast->Read(std::chrono::seconds(10));
      if (!message) break;
      if (Parse(*message).type == "post") ++received;
    }
  });
  std::string text(4000, 'z');
  for (int i = 0; i < kPosts; ++i) Write(ana_, text + std::to_string(i));
  reader.join();
  EXPECT_EQ(received, kPosts);
  EXPECT_TRUE(slow->WaitClosed(std::chrono::seconds(10)));
  HttpResult metrics = Get("/metrics", "");
  EXPECT_NE(metrics.body.find("agora_stream_slow_closed_total 1"), std::string::npos);
}

}  // namespace
}  // namespace agora::integration

namespace agora::integration {
namespace {

TEST_F(LiveStreamTest, RemovingAReportedPostSendsADeleteAndTakesItsNotifications) {
  std::string group = Community(ana_, "private", {&ben_, &cleo_});
  std::string post = Write(cleo_, "a dubious claim, cc @ben", group);
  HttpResult report = Post("/api/v1/posts/" + post + "/report",
                           JsonBody().Set("reason", "misleading").str(), ben_.token);
  ASSERT_EQ(report.status, 201) << report;
  auto ben = Connect(ben_);
  Ready(*ben, ben_);
  ASSERT_EQ(Post("/api/v1/reports/" + JsonString(report.body, "/id").value_or("") + "/resolve",
                 JsonBody().Set("action", "remove_post").str(), ana_.token)
                .status,
            200);
  Event deleted = Next(*ben);
  EXPECT_EQ(deleted.type, "delete");
  EXPECT_EQ(deleted.post_id, post);
  HttpResult list = Get("/api/v1/notifications", ben_.token);
  EXPECT_EQ(list.body.find(post), std::string::npos) << list;
  HttpResult moderator = Get("/api/v1/notifications", ana_.token);
  EXPECT_EQ(moderator.body.find(post), std::string::npos) << moderator;
}

class IdleStreamTest : public LiveStreamTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    // Long enough that a client starved of CPU on a loaded 2-core machine still pongs in time.
    return {"--stream-idle-timeout-ms", "1000"};
  }
};

TEST_F(IdleStreamTest, AClientThatNeverAnswersPingsIsClosed) {
  // A raw socket: it completes the handshake and then never answers the server's pings.
  RawConnection raw(server().endpoint());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("GET /api/v1/stream?access_token=" + ana_.token +
                       " HTTP/1.1\r\nHost: agora\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n"));
  std::string head = raw.ReadUntil("\r\n\r\n", std::chrono::seconds(5));
  ASSERT_EQ(RawStatus(head), 101) << head;
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(20)));
  // A client that does answer (Beast pongs while it reads) stays connected meanwhile.
  auto ben = Connect(ben_);
  Ready(*ben, ben_);
  // Reading for more than twice the timeout (nothing is due) lets it answer the pings.
  EXPECT_FALSE(ben->Read(std::chrono::milliseconds(2500)));
  EXPECT_FALSE(ben->closed());
  ExpectBarrier(*ben, Barrier(ben_));
}

}  // namespace
}  // namespace agora::integration
