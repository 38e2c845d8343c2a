// The fixture of every integration test: a fresh server per test (it starts in a few tens of
// milliseconds), so no test sees another's accounts, sessions or login throttle.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/json_helpers.h"
#include "tests/integration/test_server.h"

namespace agora::integration {

class IntegrationTest : public ::testing::Test {
 protected:
  // Extra flags for `agora serve`; fixtures override this.
  virtual std::vector<std::string> ServeArgs() const { return {}; }

  void SetUp() override {
    server_ = std::make_unique<TestServer>(ServeArgs());
    admin_token_ = server_->LoginAdmin();
    ASSERT_FALSE(admin_token_.empty());
  }

  // On failure, the end of the server's log tells what it saw.
  void TearDown() override {
    if (!HasFailure() || !server_) return;
    std::string log = server_->Log();
    constexpr size_t kTail = 8 << 10;
    if (log.size() > kTail) log = "...\n" + log.substr(log.size() - kTail);
    std::cerr << "--- server log ---\n" << log;
  }

  TestServer& server() { return *server_; }

  HttpResult Get(const std::string& target, const std::string& token) {
    return server_->Request("GET", target, "", token);
  }
  HttpResult Post(const std::string& target, const std::string& body, const std::string& token) {
    return server_->Request("POST", target, body, token);
  }
  HttpResult Put(const std::string& target, const std::string& body, const std::string& token) {
    return server_->Request("PUT", target, body, token);
  }
  HttpResult Patch(const std::string& target, const std::string& body, const std::string& token) {
    return server_->Request("PATCH", target, body, token);
  }
  HttpResult Delete(const std::string& target, const std::string& token) {
    return server_->Request("DELETE", target, "", token);
  }

  // Polls `done` every 20 ms for up to 10 s, for what the server does in the background (the
  // search index follows the store within about a second); true once it held.
  static bool Eventually(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // POST /api/v1/posts of `text` by `by`, into `community` when one is named, with any other
  // members of `body` (kind, deal, in_reply_to); the new post's id ("" and a failure else).
  std::string WritePost(const TestUser& by, const std::string& text,
                        const std::string& community = "", JsonBody body = {}) {
    body.Set("text", text);
    if (!community.empty()) body.Set("community_id", community);
    HttpResult r = Post("/api/v1/posts", body.str(), by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  // The members of `community` as "id:source" (manual, rule, scim), sorted, as `token` reads
  // them.
  std::vector<std::string> MembersWithSource(const std::string& community,
                                             const std::string& token) {
    HttpResult r = Get("/api/v1/communities/" + community + "/members?limit=100", token);
    EXPECT_EQ(r.status, 200) << r;
    auto ids = JsonIds(r.body, "/items", "/user/id");
    auto sources = JsonIds(r.body, "/items", "/source");
    std::vector<std::string> out;
    for (size_t i = 0; i < ids.size() && i < sources.size(); ++i) {
      out.push_back(ids[i] + ":" + sources[i]);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // POST /api/v1/communities by `owner`; the new community's id ("" and a failure else).
  std::string CreateCommunity(const TestUser& owner, const std::string& name,
                              const std::string& visibility) {
    HttpResult r =
        Post("/api/v1/communities",
             JsonBody().Set("name", name).Set("visibility", visibility).str(), owner.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  // `owner` invites `who` to `community` and `who` accepts (any visibility).
  void AddMember(const TestUser& owner, const std::string& community, const TestUser& who) {
    ASSERT_EQ(Post("/api/v1/communities/" + community + "/invitations",
                   JsonBody().Set("user_id", who.id).str(), owner.token)
                  .status,
              201);
    ASSERT_EQ(
        Post("/api/v1/communities/" + community + "/invitations/accept", "", who.token).status,
        200);
  }
  void Follow(const TestUser& who, const TestUser& whom) {
    ASSERT_EQ(Post("/api/v1/users/" + whom.id + "/follow", "", who.token).status, 200);
  }

  std::string CreateUser(const std::string& username, JsonBody body = {}) {
    return server_->CreateUser(admin_token_, username, std::move(body));
  }
  TestUser CreateAndLogin(const std::string& username, JsonBody body = {}) {
    return server_->CreateAndLogin(admin_token_, username, std::move(body));
  }
  // Gives `user_id` the sales_ops role beside member (every deal, every person's results).
  void GrantSalesOps(const std::string& user_id) {
    HttpResult granted =
        Put("/api/v1/users/" + user_id + "/roles",
            JsonBody().Set("roles", std::vector<std::string>{"member", "sales_ops"}).str(),
            admin_token_);
    ASSERT_EQ(granted.status, 200) << granted;
  }

  std::unique_ptr<TestServer> server_;
  std::string admin_token_;
};

}  // namespace agora::integration
