// Issue 14 "Import and export": the HR import over HTTP and the command line (creates,
// updates, idempotence, dry runs, managers in any order and their loops, bad rows, leavers),
// its race with a profile edit, and the data exports (a person's, the network's).
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class PeopleImportIntegrationTest : public IntegrationTest {
 protected:
  HttpResult Import(const std::string& csv, const std::string& query = "",
                    const std::string& token = "") {
    return server().Request("POST", "/api/v1/admin/people/import" + query, csv,
                            token.empty() ? admin_token_ : token, {{"Content-Type", "text/csv"}});
  }
  HttpResult User(const std::string& ref) { return Get("/api/v1/users/" + ref, admin_token_); }
  // The error of `line` in an import report: "code" or "" when the line has none.
  static std::string ErrorAt(const std::string& report, int64_t line) {
    for (size_t i = 0;; ++i) {
      std::string at = "/errors/" + std::to_string(i);
      auto found = JsonInt(report, (at + "/line").c_str());
      if (!found) return "";
      if (*found == line) return JsonString(report, (at + "/code").c_str()).value_or("?");
    }
  }
};

constexpr const char* kHeader =
    "employee_number,username,email,display_name,title,department,location,manager,skills\n";

TEST_F(PeopleImportIntegrationTest, CreatesPeopleWithManagersInAnyOrderAndIsIdempotent) {
  // Reports come before their managers in the file.
  std::string csv = std::string(kHeader) +
                    "E3,carla,carla@example.com,Carla Reyes,Engineer,R&D,Lyon,E2,C++;SQL\n"
                    "E2,bruno,bruno@example.com,Bruno Petit,Lead,R&D,Lyon,E1,\n"
                    "E1,ana,ana@example.com,Ana Diaz,CTO,R&D,Paris,,\n";
  HttpResult first = Import(csv);
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(JsonInt(first.body, "/created"), 3) << first;
  EXPECT_EQ(JsonInt(first.body, "/updated"), 0);
  EXPECT_FALSE(JsonHas(first.body, "/errors/0")) << first;

  HttpResult ana = User("@ana");
  HttpResult bruno = User("@bruno");
  HttpResult carla = User("@carla");
  ASSERT_EQ(carla.status, 200) << carla;
  EXPECT_EQ(JsonString(bruno.body, "/manager_id"), JsonString(ana.body, "/id"));
  EXPECT_EQ(JsonString(carla.body, "/manager_id"), JsonString(bruno.body, "/id"));
  EXPECT_EQ(JsonStrings(carla.body, "/skills"), (std::vector<std::string>{"C++", "SQL"}));
  EXPECT_EQ(JsonString(carla.body, "/location"), "Lyon");

  // Nobody can sign in with a password until SSO or an admin reset.
  HttpResult login =
      Post("/api/v1/auth/login", JsonBody().Set("username", "ana").Set("password", "").str(), "");
  EXPECT_EQ(login.status, 401);

  HttpResult again = Import(csv);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(JsonInt(again.body, "/created"), 0) << again;
  EXPECT_EQ(JsonInt(again.body, "/updated"), 0) << again;
  EXPECT_EQ(JsonInt(again.body, "/unchanged"), 3) << again;
  EXPECT_FALSE(JsonHas(again.body, "/changes/0")) << again;

  // Carla moves under Ana and changes title: exactly those fields change.
  std::string moved = std::string(kHeader) +
                      "E3,carla,carla@example.com,Carla Reyes,Architect,R&D,Lyon,E1,C++;SQL\n";
  HttpResult update = Import(moved);
  ASSERT_EQ(update.status, 200) << update;
  EXPECT_EQ(JsonInt(update.body, "/updated"), 1) << update;
  EXPECT_EQ(JsonString(update.body, "/changes/0/action"), "updated");
  EXPECT_EQ(JsonStrings(update.body, "/changes/0/fields"),
            (std::vector<std::string>{"title", "manager"}));
  carla = User("@carla");
  EXPECT_EQ(JsonString(carla.body, "/title"), "Architect");
  EXPECT_EQ(JsonString(carla.body, "/manager_id"), JsonString(ana.body, "/id"));
}

TEST_F(PeopleImportIntegrationTest, DryRunReportsTheChangesAndWritesNothing) {
  ASSERT_EQ(
      Import(std::string(kHeader) + "E1,ana,ana@example.com,Ana Diaz,CTO,R&D,Paris,,\n").status,
      200);
  std::string csv = std::string(kHeader) +
                    "E1,ana,ana@example.com,Ana Diaz,CEO,R&D,Paris,,\n"
                    "E2,bruno,bruno@example.com,Bruno Petit,Lead,R&D,Lyon,E1,\n"
                    "E3,carla,not-an-email,Carla Reyes,,,,,\n";
  HttpResult dry = Import(csv, "?dry_run=true");
  ASSERT_EQ(dry.status, 200) << dry;
  EXPECT_EQ(JsonBool(dry.body, "/dry_run"), true);
  EXPECT_EQ(JsonInt(dry.body, "/created"), 1) << dry;
  EXPECT_EQ(JsonInt(dry.body, "/updated"), 1) << dry;
  EXPECT_EQ(ErrorAt(dry.body, 4), "invalid_email") << dry;
  EXPECT_EQ(JsonString(dry.body, "/changes/0/username"), "ana");
  EXPECT_EQ(JsonStrings(dry.body, "/changes/0/fields"), std::vector<std::string>{"title"});
  EXPECT_EQ(JsonInt(dry.body, "/changes/1/line"), 3);
  EXPECT_EQ(JsonString(dry.body, "/changes/1/action"), "created");

  EXPECT_EQ(User("@bruno").status, 404);
  EXPECT_EQ(JsonString(User("@ana").body, "/title"), "CTO");

  HttpResult real = Import(csv);
  EXPECT_EQ(JsonInt(real.body, "/created"), 1) << real;
  EXPECT_EQ(JsonInt(real.body, "/updated"), 1) << real;
  EXPECT_EQ(JsonString(User("@bruno").body, "/manager_id"), JsonString(User("@ana").body, "/id"));
}

TEST_F(PeopleImportIntegrationTest, BadRowsAreReportedWithTheirLineAndGoodRowsKept) {
  std::string csv =
      "\xEF\xBB\xBF"
      "employee_number,username,email,display_name,manager\r\n"
      "E1,ana,ana@example.com,\"Diaz, Ana\",\r\n"           // line 2: quoted comma, kept
      "E2,,bruno@example.com,Bruno,E1\r\n"                  // line 3: no username for a new person
      "E3,carla,carla@example.com,\"Carla\nReyes\",E9\r\n"  // lines 4-5: unknown manager
      "E4,dan,dan@example.com,D\xC3n,E1\r\n"                // line 6: not UTF-8
      "E1,ana2,ana2@example.com,Ana Two,\r\n"               // line 7: the key of line 2 again
      "E5,eve,eve@example.com\r\n"                          // line 8: too few fields
      ",fay,fay@example.com,Fay,E1\r\n"                     // line 9: no key
      "E6,gus,gus@example.com,Gus,E1\r\n";                  // line 10: kept
  HttpResult r = Import(csv);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(ErrorAt(r.body, 3), "missing_field") << r;
  EXPECT_EQ(ErrorAt(r.body, 4), "invalid_manager") << r;
  EXPECT_EQ(ErrorAt(r.body, 6), "invalid_utf8") << r;
  EXPECT_EQ(ErrorAt(r.body, 7), "duplicate_key") << r;
  EXPECT_EQ(ErrorAt(r.body, 8), "wrong_field_count") << r;
  EXPECT_EQ(ErrorAt(r.body, 9), "missing_key") << r;
  EXPECT_EQ(ErrorAt(r.body, 2), "");
  EXPECT_EQ(ErrorAt(r.body, 10), "");
  // Carla is created (her own fields are good), without the manager her row named.
  EXPECT_EQ(JsonInt(r.body, "/created"), 3) << r;
  EXPECT_EQ(JsonString(User("@ana").body, "/display_name"), "Diaz, Ana");
  EXPECT_EQ(JsonString(User("@carla").body, "/display_name"), "Carla\nReyes");
  EXPECT_TRUE(JsonIsNull(User("@carla").body, "/manager_id"));
  EXPECT_EQ(JsonString(User("@gus").body, "/manager_id"), JsonString(User("@ana").body, "/id"));
  for (const char* absent : {"@dan", "@ana2", "@eve", "@fay"}) {
    EXPECT_EQ(User(absent).status, 404) << absent;
  }
}

TEST_F(PeopleImportIntegrationTest, RefusesTheRowsOfAManagerLoopAndKeepsTheRest) {
  std::string csv = std::string(kHeader) +
                    "E1,ana,ana@example.com,Ana,,,,E2,\n"
                    "E2,bruno,bruno@example.com,Bruno,,,,E1,\n"
                    "E3,carla,carla@example.com,Carla,,,,E1,\n"
                    "E4,dan,dan@example.com,Dan,,,,E4,\n";
  HttpResult r = Import(csv);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(ErrorAt(r.body, 2), "manager_cycle") << r;
  EXPECT_EQ(ErrorAt(r.body, 3), "manager_cycle") << r;
  EXPECT_EQ(ErrorAt(r.body, 5), "manager_cycle") << r;
  EXPECT_EQ(ErrorAt(r.body, 4), "") << r;
  EXPECT_EQ(JsonString(User("@carla").body, "/manager_id"), JsonString(User("@ana").body, "/id"));
  EXPECT_TRUE(JsonIsNull(User("@ana").body, "/manager_id"));

  // A reorganisation that swaps a manager and a report is no loop once applied in order.
  std::string swap = std::string(kHeader) +
                     "E3,carla,carla@example.com,Carla,,,,,\n"
                     "E1,ana,ana@example.com,Ana,,,,E3,\n";
  HttpResult swapped = Import(swap);
  ASSERT_EQ(swapped.status, 200) << swapped;
  EXPECT_FALSE(JsonHas(swapped.body, "/errors/0")) << swapped;
  EXPECT_EQ(JsonString(User("@ana").body, "/manager_id"), JsonString(User("@carla").body, "/id"));
}

TEST_F(PeopleImportIntegrationTest, DeactivatesTheMissingButNeverKeylessAccountsOrTheImporter) {
  std::string admin_email = JsonString(Get("/api/v1/me", admin_token_).body, "/email").value();
  TestUser keyless = CreateAndLogin("keyless");
  std::string all = std::string(kHeader) + "E0,admin," + admin_email + ",Admin,,,,,\n" +
                    "E1,ana,ana@example.com,Ana,,,,,\n"
                    "E2,bruno,bruno@example.com,Bruno,,,,,\n";
  HttpResult first = Import(all);
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(JsonInt(first.body, "/created"), 2) << first;
  EXPECT_EQ(JsonInt(first.body, "/updated"), 1) << first;  // the admin gained a key

  std::string without_bruno_and_admin = std::string(kHeader) + "E1,ana,ana@example.com,Ana,,,,,\n";
  HttpResult dry = Import(without_bruno_and_admin, "?dry_run=true&deactivate_missing=true");
  ASSERT_EQ(dry.status, 200) << dry;
  EXPECT_EQ(JsonInt(dry.body, "/deactivated"), 1) << dry;
  EXPECT_EQ(JsonBool(User("@bruno").body, "/active"), true);

  HttpResult r = Import(without_bruno_and_admin, "?deactivate_missing=true");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonInt(r.body, "/deactivated"), 1) << r;
  EXPECT_EQ(JsonString(r.body, "/changes/0/action"), "deactivated") << r;
  EXPECT_EQ(JsonString(r.body, "/changes/0/username"), "bruno") << r;
  EXPECT_EQ(ErrorAt(r.body, 0), "not_deactivated") << r;  // the admin importing
  EXPECT_EQ(JsonBool(User("@bruno").body, "/active"), false);
  EXPECT_EQ(JsonBool(User("@ana").body, "/active"), true);
  EXPECT_EQ(Get("/api/v1/me", keyless.token).status, 200);
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);

  // Without the flag nobody is deactivated, and a bad query value is refused.
  EXPECT_EQ(JsonInt(Import(without_bruno_and_admin).body, "/deactivated"), 0);
  EXPECT_EQ(Import(without_bruno_and_admin, "?deactivate_missing=maybe").status, 400);
}

TEST_F(PeopleImportIntegrationTest, ARowNeverReplacesTheIdentityProvidersKeyOfAnAccount) {
  ASSERT_EQ(Import("external_id,employee_number,username,email,display_name\n"
                   "idp-1,E1,ana,ana@example.com,Ana\n")
                .status,
            200);
  HttpResult r = Import("external_id,employee_number,email\nidp-2,E1,ana@example.com\n");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(ErrorAt(r.body, 2), "external_id_mismatch") << r;
  EXPECT_EQ(JsonInt(r.body, "/updated"), 0) << r;
}

TEST_F(PeopleImportIntegrationTest, OnlyAdminsImportAndTheFileMustBeCsvWithAKeyColumn) {
  TestUser member = CreateAndLogin("member");
  HttpResult forbidden = Import(std::string(kHeader), "", member.token);
  EXPECT_EQ(forbidden.status, 403) << forbidden;
  EXPECT_EQ(ErrorCode(forbidden.body), "forbidden");
  EXPECT_EQ(server()
                .Request("POST", "/api/v1/admin/people/import", "{}", admin_token_,
                         {{"Content-Type", "application/json"}})
                .status,
            400);
  HttpResult no_key = Import("username,email\nana,ana@example.com\n");
  EXPECT_EQ(no_key.status, 400) << no_key;
  EXPECT_EQ(ErrorCode(no_key.body), "invalid_csv");
  EXPECT_EQ(Import("employee_number,colour\nE1,red\n").status, 400);
  EXPECT_EQ(server()
                .Request("POST", "/api/v1/admin/people/import", kHeader, "",
                         {{"Content-Type", "text/csv"}})
                .status,
            401);
}

// An import and a profile edit of the same person, at once, many times: each writes in its own
// transaction after reading there, so neither change is lost.
TEST_F(PeopleImportIntegrationTest, AnImportRacingAProfileEditLosesNeitherChange) {
  ASSERT_EQ(
      Import("employee_number,username,email,display_name\nE1,ana,ana@example.com,Ana\n").status,
      200);
  std::string ana = JsonString(User("@ana").body, "/id").value();
  for (int round = 0; round < 20; ++round) {
    std::string department = "Dept " + std::to_string(round);
    std::string title = "Title " + std::to_string(round);
    HttpResult imported;
    HttpResult patched;
    std::thread importer(
        [&] { imported = Import("employee_number,department\nE1," + department + "\n"); });
    std::thread editor([&] {
      patched = Patch("/api/v1/users/" + ana, JsonBody().Set("title", title).str(), admin_token_);
    });
    importer.join();
    editor.join();
    ASSERT_EQ(imported.status, 200) << imported;
    ASSERT_EQ(patched.status, 200) << patched;
    HttpResult now = User(ana);
    EXPECT_EQ(JsonString(now.body, "/department"), department) << "round " << round;
    EXPECT_EQ(JsonString(now.body, "/title"), title) << "round " << round;
  }
}

TEST_F(PeopleImportIntegrationTest, CommandLineImportPrintsChangesAndExportWritesFiles) {
  ASSERT_EQ(server().Stop(), 0);
  std::string dir = server().data_dir() + "/..";
  std::string file = dir + "/hr.csv";
  {
    std::ofstream out(file);
    out << kHeader << "E2,bruno,bruno@example.com,Bruno,Lead,,,E1,\n"
        << "E1,ana,ana@example.com,Ana,CTO,,,,\n"
        << "E3,carla,bad-email,Carla,,,,,\n";
  }
  CommandResult dry = RunAgora(
      {"import", "people", "--data", server().data_dir(), file, "--dry-run"}, std::nullopt);
  ASSERT_EQ(dry.exit_status, 0) << dry.output;
  EXPECT_NE(dry.output.find("line 2: bruno would be created"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("line 4: invalid_email"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("dry run: created 2, updated 0, unchanged 0, deactivated 0, errors 1"),
            std::string::npos)
      << dry.output;

  CommandResult real =
      RunAgora({"import", "people", "--data", server().data_dir(), file}, std::nullopt);
  ASSERT_EQ(real.exit_status, 0) << real.output;
  EXPECT_NE(real.output.find("created 2, updated 0, unchanged 0, deactivated 0, errors 1"),
            std::string::npos)
      << real.output;
  CommandResult again =
      RunAgora({"import", "people", "--data", server().data_dir(), file}, std::nullopt);
  EXPECT_NE(again.output.find("created 0, updated 0, unchanged 2"), std::string::npos)
      << again.output;

  std::string person = dir + "/bruno.json";
  CommandResult exported = RunAgora(
      {"export", "--data", server().data_dir(), "--user", "@bruno", "--out", person}, std::nullopt);
  ASSERT_EQ(exported.exit_status, 0) << exported.output;
  std::stringstream json;
  json << std::ifstream(person).rdbuf();
  EXPECT_EQ(JsonString(json.str(), "/user/username"), "bruno") << json.str();
  EXPECT_EQ(JsonString(json.str(), "/user/employee_number"), "E2");

  std::string network = dir + "/network.jsonl";
  ASSERT_EQ(RunAgora({"export", "--data", server().data_dir(), "--out", network}, std::nullopt)
                .exit_status,
            0);
  std::ifstream lines(network);
  int users = 0;
  for (std::string line; std::getline(lines, line);) {
    if (JsonString(line, "/type") == "user") ++users;
  }
  EXPECT_EQ(users, 3);  // the admin, Ana and Bruno

  EXPECT_EQ(RunAgora({"import", "people", "--data", server().data_dir()}, std::nullopt).exit_status,
            2);
  EXPECT_EQ(
      RunAgora({"import", "people", "--data", server().data_dir(), file + ".missing"}, std::nullopt)
          .exit_status,
      2);
  EXPECT_EQ(RunAgora({"export", "--data", server().data_dir(), "--user", "nonsense"}, std::nullopt)
                .exit_status,
            2);
}

class ExportIntegrationTest : public IntegrationTest {};

TEST_F(ExportIntegrationTest, APersonsExportHoldsTheirDataAndNothingTheyCannotRead) {
  TestUser rep = CreateAndLogin("rep");
  TestUser other = CreateAndLogin("other");
  std::string secret = CreateCommunity(other, "Project Falcon", "secret");
  std::string open = CreateCommunity(rep, "Open guild", "open");
  std::string own_post = WritePost(rep, "MY-OWN-POST-41d2");
  std::string own_reply =
      WritePost(rep, "MY-OWN-REPLY-88ac", "", JsonBody().Set("in_reply_to", own_post));
  std::string secret_post = WritePost(other, "SECRET-POST-a91f", secret);
  std::string public_post = WritePost(other, "a public post");
  ASSERT_EQ(Post("/api/v1/posts/" + public_post + "/reactions", "", rep.token).status, 200);
  Follow(rep, other);
  JsonBody deal = JsonBody()
                      .Set("customer", "REP-DEAL-CUSTOMER")
                      .Set("sector", "retail")
                      .Set("product", "POS")
                      .Set("region", "North")
                      .Set("amount", "100")
                      .Set("currency", "EUR")
                      .Set("outcome", "open");
  ASSERT_EQ(Post("/api/v1/deals", deal.str(), rep.token).status, 201);
  ASSERT_EQ(
      Post("/api/v1/deals", deal.Set("customer", "OTHER-DEAL-CUSTOMER").str(), other.token).status,
      201);

  HttpResult mine = Get("/api/v1/me/export", rep.token);
  ASSERT_EQ(mine.status, 200) << mine;
  EXPECT_EQ(JsonString(mine.body, "/format"), "agora.person_export.v1");
  EXPECT_EQ(JsonString(mine.body, "/user/id"), rep.id);
  EXPECT_TRUE(JsonHas(mine.body, "/user/email"));
  EXPECT_EQ(JsonIds(mine.body, "/posts"), (std::vector<std::string>{own_post, own_reply}));
  EXPECT_EQ(JsonString(mine.body, "/posts/0/text"), "MY-OWN-POST-41d2");
  EXPECT_EQ(JsonString(mine.body, "/reactions/0/post_id"), public_post);
  EXPECT_EQ(JsonString(mine.body, "/follows/0/followee_id"), other.id);
  EXPECT_EQ(JsonString(mine.body, "/memberships/0/community_id"), open);
  EXPECT_EQ(JsonString(mine.body, "/deals/0/customer"), "REP-DEAL-CUSTOMER");
  EXPECT_FALSE(JsonHas(mine.body, "/deals/1"));
  EXPECT_TRUE(JsonHas(mine.body, "/quiz_attempts"));  // every section is there, even empty
  for (const std::string& hidden : {std::string("SECRET-POST-a91f"), secret, secret_post,
                                    std::string("OTHER-DEAL-CUSTOMER"), std::string("password")}) {
    EXPECT_EQ(mine.body.find(hidden), std::string::npos) << hidden;
  }

  // An admin exports anyone; nobody else exports another person.
  HttpResult by_admin = Get("/api/v1/users/@rep/export", admin_token_);
  ASSERT_EQ(by_admin.status, 200) << by_admin;
  EXPECT_EQ(JsonIds(by_admin.body, "/posts"), JsonIds(mine.body, "/posts"));
  EXPECT_EQ(Get("/api/v1/users/" + rep.id + "/export", rep.token).status, 200);
  HttpResult refused = Get("/api/v1/users/" + rep.id + "/export", other.token);
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_EQ(refused.body.find("MY-OWN-POST"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/users/@nobody/export", admin_token_).status, 404);
  EXPECT_EQ(Get("/api/v1/me/export", "").status, 401);
}

TEST_F(ExportIntegrationTest, TheAdminsNetworkExportRoundTripsTheCounts) {
  TestUser ana = CreateAndLogin("ana");
  TestUser bruno = CreateAndLogin("bruno");
  std::string guild = CreateCommunity(ana, "Guild", "private");
  std::string first = WritePost(ana, "first");
  WritePost(bruno, "second");
  WritePost(ana, "in the guild", guild);
  ASSERT_EQ(Post("/api/v1/posts/" + first + "/reactions", "", bruno.token).status, 200);
  Follow(bruno, ana);
  std::string deleted = WritePost(bruno, "deleted soon");
  ASSERT_EQ(Delete("/api/v1/posts/" + deleted, bruno.token).status, 204);

  HttpResult r = Get("/api/v1/admin/export", admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("content-type"), "application/x-ndjson");
  std::map<std::string, int> counts;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    ++counts[JsonString(line, "/type").value_or("?")];
  }
  EXPECT_EQ(counts["user"], 3);
  EXPECT_EQ(counts["community"], 1);
  EXPECT_EQ(counts["membership"], 1);
  EXPECT_EQ(counts["post"], 3);
  EXPECT_EQ(counts["reaction"], 1);
  EXPECT_EQ(counts["follow"], 1);
  EXPECT_EQ(counts["?"], 0);
  EXPECT_EQ(r.body.find("deleted soon"), std::string::npos);
  EXPECT_EQ(r.body.find("password_hash"), std::string::npos);

  HttpResult refused = Get("/api/v1/admin/export", ana.token);
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_EQ(refused.body.find("first"), std::string::npos);
}

}  // namespace
}  // namespace agora::integration
