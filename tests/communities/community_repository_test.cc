#include "communities/community_repository.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/people.h"
#include "tests/support/temp_store.h"

namespace agora::communities {
namespace {

// A repository over a fresh store of `engine` holding people 1 and 2.
class CommunityStore {
 protected:
  explicit CommunityStore(storage::Engine engine) : store_(engine) {}

  void AddAnaAndBen() {
    ASSERT_TRUE(agora::testing::AddPeople(*store_, {{1, "ana"}, {2, "ben"}}).ok());
  }

  Result<Community> Create(Id id, const std::string& name, Visibility visibility, Id owner = 1) {
    return store_->write_value<Community>([&](storage::Connection& c) {
      CommunityChanges fields;
      fields.name = name;
      fields.description = "about " + name;
      fields.visibility = visibility;
      return communities_.Create(c, id, owner, fields,
                                 AuditRecord{id + 1000, owner, "create", std::nullopt, ""});
    });
  }

  agora::testing::TempStore store_;
  ManualClock clock_{1'795'330'000'000};
  CommunityRepository communities_{*store_, clock_};
};

class CommunityRepositoryTest : public ::testing::TestWithParam<storage::Engine>,
                                protected CommunityStore {
 protected:
  CommunityRepositoryTest() : CommunityStore(GetParam()) {}
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    AddAnaAndBen();
  }

  std::vector<Community> ListAll(const std::string& q, Id viewer, int limit) {
    std::vector<Community> out;
    PageRequest page;
    page.limit = limit;
    for (;;) {
      auto result = communities_.List(q, viewer, false, page);
      EXPECT_TRUE(result.ok());
      if (!result.ok()) return out;
      for (auto& community : result->items) out.push_back(community);
      if (!result->next_cursor) return out;
      page.after_key = *ParseId(*result->next_cursor);
    }
  }
};

TEST_P(CommunityRepositoryTest, ListPagesWholeCommunitiesInIdOrderAndHidesSecretOnes) {
  ASSERT_TRUE(Create(10, "Sales EMEA", Visibility::kOpen).ok());
  ASSERT_TRUE(Create(11, "Sales secret", Visibility::kSecret).ok());
  ASSERT_TRUE(Create(12, "Sales APAC", Visibility::kPrivate).ok());
  ASSERT_TRUE(Create(13, "Engineering", Visibility::kOpen).ok());
  ASSERT_TRUE(Create(14, "Sales 100%_off", Visibility::kOpen).ok());

  std::vector<Community> seen = ListAll("sales", 2, 2);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].id, 10);
  EXPECT_EQ(seen[1].id, 12);
  EXPECT_EQ(seen[2].id, 14);
  EXPECT_EQ(seen[1].name, "Sales APAC");
  EXPECT_EQ(seen[1].description, "about Sales APAC");
  EXPECT_EQ(seen[1].visibility, Visibility::kPrivate);
  EXPECT_EQ(seen[1].created_by, 1);
  EXPECT_EQ(seen[1].members_count, 1);
  EXPECT_EQ(seen[1].created_at, clock_.now_ms());

  // The owner sees the secret one; LIKE's wildcards in the query are literal.
  EXPECT_EQ(ListAll("sales", 1, 10).size(), 4u);
  std::vector<Community> literal = ListAll("100%_", 2, 10);
  ASSERT_EQ(literal.size(), 1u);
  EXPECT_EQ(literal[0].id, 14);
}

constexpr char kCafeComposed[] = "Caf\u00e9 Eco";
constexpr char kCafeUpperDecomposed[] = "CAFE\u0301 ECO";

TEST_P(CommunityRepositoryTest, NamesThatLookEqualAreOneName) {
  auto created = Create(10, "Cafe\u0301 Eco", Visibility::kOpen);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->name, kCafeComposed);  // stored NFC, case as typed
  for (const char* same : {kCafeComposed, kCafeUpperDecomposed, "Caf\u00e9 Eco ", " caf\u00e9  eco",
                           "Caf\u200b\u00e9 Eco", "\u200fCaf\u00e9 Eco", "Caf\u00e9\u00a0Eco"}) {
    EXPECT_EQ(Create(11, same, Visibility::kPrivate).status().error_code(), "name_taken") << same;
  }
  EXPECT_TRUE(Create(12, "Cafe Eco", Visibility::kOpen).ok());  // no accent: another name
}

TEST_P(CommunityRepositoryTest, RenamingToANameThatLooksEqualIsRefused) {
  ASSERT_TRUE(Create(10, kCafeComposed, Visibility::kOpen).ok());
  ASSERT_TRUE(Create(11, "Tea Room", Visibility::kOpen).ok());
  auto renamed = store_->write_value<Community>([&](storage::Connection& c) {
    CommunityChanges changes;
    changes.name = kCafeUpperDecomposed;
    return communities_.Update(c, 11, changes, AuditRecord{2000, 1, "update", std::nullopt, ""});
  });
  EXPECT_EQ(renamed.status().error_code(), "name_taken");
}

TEST_P(CommunityRepositoryTest, ASecretNameIsTakenOnlyForThoseWhoSeeTheCommunity) {
  ASSERT_TRUE(Create(10, "Project Falcon", Visibility::kSecret, /*owner=*/1).ok());
  // ben cannot see it: the name is free to him, for a secret community or a listed one.
  EXPECT_TRUE(Create(11, "project falcon", Visibility::kSecret, /*owner=*/2).ok());
  ASSERT_TRUE(store_
                  ->write([&](storage::Connection& c) {
                    return communities_.RemoveMembership(c, 11, 2, std::nullopt);
                  })
                  .ok());
  EXPECT_TRUE(Create(12, "Falcon", Visibility::kOpen, /*owner=*/2).ok());
  auto renamed = store_->write_value<Community>([&](storage::Connection& c) {
    CommunityChanges changes;
    changes.name = "PROJECT FALCON";
    return communities_.Update(c, 12, changes, AuditRecord{2000, 2, "update", std::nullopt, ""});
  });
  EXPECT_TRUE(renamed.ok());
  // ana belongs to her secret one (and sees ben's listed one): the name is taken for her.
  EXPECT_EQ(Create(13, "Project  Falcon", Visibility::kSecret, /*owner=*/1).status().error_code(),
            "name_taken");
}

TEST_P(CommunityRepositoryTest, SearchMatchesNamesThatLookEqual) {
  ASSERT_TRUE(Create(10, kCafeComposed, Visibility::kOpen).ok());
  std::vector<Community> found = ListAll("CAFE\u0301", 2, 10);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, 10);
}

TEST_P(CommunityRepositoryTest, MembershipsReadBackWithTheirRoleAndState) {
  ASSERT_TRUE(Create(10, "Sales", Visibility::kPrivate).ok());
  ASSERT_TRUE(store_
                  ->write([&](storage::Connection& c) {
                    return communities_.SetMembership(c, 10, 2, Role::kModerator,
                                                      MembershipState::kPending, std::nullopt);
                  })
                  .ok());
  auto pending = communities_.MembershipOf(10, 2);
  ASSERT_TRUE(pending.ok());
  ASSERT_TRUE(pending->has_value());
  EXPECT_EQ((*pending)->community_id, 10);
  EXPECT_EQ((*pending)->user_id, 2);
  EXPECT_EQ((*pending)->role, Role::kModerator);
  EXPECT_EQ((*pending)->state, MembershipState::kPending);
  EXPECT_FALSE(communities_.MembershipOf(10, 3)->has_value());

  PageRequest page;
  page.limit = 10;
  auto moderators = communities_.Memberships(10, MembershipState::kPending, Role::kModerator, page);
  ASSERT_TRUE(moderators.ok());
  ASSERT_EQ(moderators->items.size(), 1u);
  EXPECT_EQ(moderators->items[0].user_id, 2);
  auto members = communities_.Memberships(10, MembershipState::kMember, std::nullopt, page);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->items.size(), 1u);
  EXPECT_EQ(members->items[0].role, Role::kOwner);
}

TEST_P(CommunityRepositoryTest, UpdateChangesOnlyWhatIsGivenAndIsAudited) {
  ASSERT_TRUE(Create(10, "Sales", Visibility::kOpen).ok());
  auto updated = store_->write_value<Community>([&](storage::Connection& c) {
    CommunityChanges changes;
    changes.description = "new";
    return communities_.Update(c, 10, changes, AuditRecord{2000, 1, "update", std::nullopt, ""});
  });
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "Sales");
  EXPECT_EQ(updated->description, "new");
  EXPECT_EQ(updated->visibility, Visibility::kOpen);
  PageRequest page;
  page.limit = 10;
  auto audit = communities_.Audit(10, page);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->items.size(), 2u);
  EXPECT_EQ(audit->items[0].record.action, "update");
  EXPECT_EQ(audit->items[0].community_id, 10);
  EXPECT_EQ(audit->items[1].record.action, "create");
}

// The read-time audience check's one query, on each engine.
class CommunityAudiencesTest : public ::testing::TestWithParam<storage::Engine>,
                               protected CommunityStore {
 protected:
  CommunityAudiencesTest() : CommunityStore(GetParam()) {}
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    AddAnaAndBen();
  }
};

AGORA_INSTANTIATE_ON_EACH_ENGINE(CommunityAudiencesTest);
AGORA_INSTANTIATE_ON_EACH_ENGINE(CommunityRepositoryTest);

TEST_P(CommunityAudiencesTest, AudiencesOfGivesEachCommunitysVisibilityAndThePersonsMembership) {
  ASSERT_TRUE(Create(10, "Sales", Visibility::kOpen).ok());
  ASSERT_TRUE(Create(11, "Board", Visibility::kSecret).ok());
  ASSERT_TRUE(Create(12, "Deals", Visibility::kPrivate).ok());
  Status pending = store_->write([&](storage::Connection& c) {
    return communities_.SetMembership(c, 12, 2, Role::kMember, MembershipState::kPending,
                                      std::nullopt);
  });
  ASSERT_TRUE(pending.ok()) << pending.message();

  const std::vector<Id> asked = {10, 11, 12, 99};
  auto audiences = communities_.AudiencesOf(asked, 2);
  ASSERT_TRUE(audiences.ok()) << audiences.status().message();
  ASSERT_EQ(audiences->size(), 3u);  // 99 does not exist
  EXPECT_EQ(audiences->at(10).visibility, Visibility::kOpen);
  EXPECT_FALSE(audiences->at(10).membership.has_value());
  EXPECT_EQ(audiences->at(11).visibility, Visibility::kSecret);
  EXPECT_FALSE(audiences->at(11).membership.has_value());
  EXPECT_EQ(audiences->at(12).visibility, Visibility::kPrivate);
  ASSERT_TRUE(audiences->at(12).membership.has_value());
  EXPECT_EQ(audiences->at(12).membership->user_id, 2);
  EXPECT_EQ(audiences->at(12).membership->state, MembershipState::kPending);

  auto owner = communities_.AudiencesOf(asked, 1);
  ASSERT_TRUE(owner.ok()) << owner.status().message();
  ASSERT_TRUE(owner->at(11).membership.has_value());
  EXPECT_EQ(owner->at(11).membership->role, Role::kOwner);
}

}  // namespace
}  // namespace agora::communities
