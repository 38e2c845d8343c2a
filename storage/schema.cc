// The schema, as an append-only list of migrations. Never edit a released step: add one.
#include <array>
#include <sstream>
#include <string>
#include <vector>

#include "storage/maintenance.h"
#include "storage/migrations.h"
#include "storage/postgres_schema.h"
#include "storage/store.h"

namespace agora::storage {
namespace {

constexpr std::array kMigrations = {
    // 1: people, org chart, skills, sessions, follow graph.
    R"sql(
CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  email           TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  active          INTEGER NOT NULL DEFAULT 1,
  title           TEXT NOT NULL DEFAULT '',
  department      TEXT NOT NULL DEFAULT '',
  location        TEXT NOT NULL DEFAULT '',
  bio             TEXT NOT NULL DEFAULT '',
  manager_id      INTEGER REFERENCES users (id),
  followers_count INTEGER NOT NULL DEFAULT 0,
  following_count INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX users_by_manager ON users (manager_id, id);

CREATE TABLE user_skills (
  user_id  INTEGER NOT NULL REFERENCES users (id),
  position INTEGER NOT NULL,
  skill    TEXT NOT NULL,
  PRIMARY KEY (user_id, position)
) WITHOUT ROWID;

CREATE TABLE user_languages (
  user_id  INTEGER NOT NULL REFERENCES users (id),
  position INTEGER NOT NULL,
  language TEXT NOT NULL,
  PRIMARY KEY (user_id, position)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE follows (
  follower_id INTEGER NOT NULL REFERENCES users (id),
  followee_id INTEGER NOT NULL REFERENCES users (id),
  id          INTEGER NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
) WITHOUT ROWID;
CREATE INDEX follows_by_followee ON follows (followee_id, id);
CREATE INDEX follows_by_follower ON follows (follower_id, id);
)sql",
    // 2: posts, replies, mentions, hashtags, deal stories, reactions.
    R"sql(
CREATE TABLE posts (
  id              INTEGER PRIMARY KEY,
  author_id       INTEGER NOT NULL REFERENCES users (id),
  community_id    INTEGER,
  kind            TEXT NOT NULL
                  CHECK (kind IN ('status', 'question', 'announcement', 'deal_story')),
  text            TEXT NOT NULL,
  in_reply_to     INTEGER REFERENCES posts (id),
  reactions_count INTEGER NOT NULL DEFAULT 0,
  replies_count   INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  edited_at       INTEGER,
  deleted_at      INTEGER
);
-- Streams read live top-level posts only; deleted posts drop out of these indexes.
CREATE INDEX posts_stream_by_author ON posts (author_id, id)
  WHERE in_reply_to IS NULL AND deleted_at IS NULL;
CREATE INDEX posts_announcements ON posts (id)
  WHERE kind = 'announcement' AND deleted_at IS NULL;
CREATE INDEX posts_replies ON posts (in_reply_to, id) WHERE in_reply_to IS NOT NULL;

CREATE TABLE post_mentions (
  post_id  INTEGER NOT NULL REFERENCES posts (id),
  position INTEGER NOT NULL,
  user_id  INTEGER NOT NULL REFERENCES users (id),
  username TEXT NOT NULL,
  PRIMARY KEY (post_id, position)
) WITHOUT ROWID;
CREATE INDEX mentions_by_user ON post_mentions (user_id, post_id);

CREATE TABLE post_hashtags (
  post_id  INTEGER NOT NULL REFERENCES posts (id),
  position INTEGER NOT NULL,
  tag      TEXT NOT NULL,
  PRIMARY KEY (post_id, position)
) WITHOUT ROWID;
CREATE INDEX hashtags_by_tag ON post_hashtags (tag, post_id);

CREATE TABLE deals (
  post_id   INTEGER PRIMARY KEY REFERENCES posts (id),
  customer  TEXT NOT NULL,
  sector    TEXT NOT NULL,
  product   TEXT NOT NULL,
  region    TEXT NOT NULL,
  amount    REAL NOT NULL CHECK (amount >= 0),
  currency  TEXT NOT NULL,
  closed_on TEXT NOT NULL,
  outcome   TEXT NOT NULL CHECK (outcome IN ('won', 'lost', 'open'))
);

CREATE TABLE reactions (
  post_id    INTEGER NOT NULL REFERENCES posts (id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  type       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (post_id, user_id, type)
) WITHOUT ROWID;
)sql",
    // 3: communities, memberships and their audit log.
    R"sql(
CREATE TABLE communities (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL UNIQUE,
  description   TEXT NOT NULL DEFAULT '',
  visibility    TEXT NOT NULL CHECK (visibility IN ('open', 'private', 'secret')),
  created_by    INTEGER NOT NULL REFERENCES users (id),
  members_count INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

-- One row per person who is a member, has asked to join, is invited, or is banned.
CREATE TABLE memberships (
  community_id INTEGER NOT NULL REFERENCES communities (id),
  user_id      INTEGER NOT NULL REFERENCES users (id),
  role         TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
  state        TEXT NOT NULL CHECK (state IN ('member', 'pending', 'invited', 'banned')),
  since        INTEGER NOT NULL,
  PRIMARY KEY (community_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_user ON memberships (user_id, community_id);

CREATE TABLE community_audit (
  id             INTEGER PRIMARY KEY,
  community_id   INTEGER NOT NULL REFERENCES communities (id),
  actor_id       INTEGER NOT NULL REFERENCES users (id),
  action         TEXT NOT NULL,
  target_user_id INTEGER,
  note           TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL
);
CREATE INDEX audit_by_community ON community_audit (community_id, id);

CREATE INDEX posts_stream_by_community ON posts (community_id, id)
  WHERE in_reply_to IS NULL AND deleted_at IS NULL AND community_id IS NOT NULL;

CREATE TABLE community_pins (
  community_id INTEGER NOT NULL REFERENCES communities (id),
  post_id      INTEGER NOT NULL REFERENCES posts (id),
  pinned_by    INTEGER NOT NULL REFERENCES users (id),
  pinned_at    INTEGER NOT NULL,
  PRIMARY KEY (community_id, post_id)
) WITHOUT ROWID;

-- Reports of posts: to the post's community's moderators, or to admins (community_id NULL).
CREATE TABLE reports (
  id           INTEGER PRIMARY KEY,
  post_id      INTEGER NOT NULL REFERENCES posts (id),
  community_id INTEGER REFERENCES communities (id),
  reporter_id  INTEGER NOT NULL REFERENCES users (id),
  reason       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  action       TEXT,
  note         TEXT NOT NULL DEFAULT '',
  resolved_by  INTEGER REFERENCES users (id),
  created_at   INTEGER NOT NULL,
  resolved_at  INTEGER
);
CREATE INDEX reports_by_community ON reports (community_id, status, id);
CREATE UNIQUE INDEX reports_open_once ON reports (post_id, reporter_id) WHERE status = 'open';
)sql",
    // 4: the outbox of changed posts and people, for consumers that catch up (search index).
    R"sql(
CREATE TABLE outbox (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  topic     INTEGER NOT NULL,
  entity_id INTEGER NOT NULL
);
)sql",
    // 5: notifications: what each person is told about, newest first, with read state. Ids are
    // row ids (commit order), not IdGenerator ids.
    R"sql(
CREATE TABLE notifications (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_id INTEGER NOT NULL REFERENCES users (id),
  type         TEXT NOT NULL CHECK (type IN ('mention', 'reply', 'reaction', 'follow',
                                             'join_request', 'invitation', 'report',
                                             'announcement')),
  actor_id     INTEGER NOT NULL REFERENCES users (id),
  post_id      INTEGER,
  community_id INTEGER,
  count        INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  read_at      INTEGER
);
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_by_post ON notifications (post_id) WHERE post_id IS NOT NULL;
)sql",
    // 6: the sales practice (deals as records with their teams, currencies and monthly rates,
    // campaigns and their participants), deal stories attached to deals, the sales_ops role and
    // an account audit. Notifications are rebuilt without the CHECK on their type: the codec's
    // table of names is the one list, and new kinds (story_requested) need no table rebuild.
    R"sql(
ALTER TABLE users ADD COLUMN sales_ops INTEGER NOT NULL DEFAULT 0;

CREATE TABLE account_audit (
  id         INTEGER PRIMARY KEY,
  actor_id   INTEGER NOT NULL REFERENCES users (id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  action     TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX account_audit_by_user ON account_audit (user_id, id);

-- Amounts are integer minor units of `currency` (ISO 4217). closed_on is YYYY-MM-DD, NULL while
-- the deal is open.
CREATE TABLE sales_deals (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT UNIQUE,
  owner_id     INTEGER NOT NULL REFERENCES users (id),
  customer     TEXT NOT NULL,
  sector       TEXT NOT NULL,
  product      TEXT NOT NULL,
  region       TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency     TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
  closed_on    TEXT CHECK ((outcome = 'open') OR closed_on IS NOT NULL),
  new_customer INTEGER NOT NULL DEFAULT 0,
  created_by   INTEGER NOT NULL REFERENCES users (id),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX sales_deals_by_owner ON sales_deals (owner_id, id);
CREATE INDEX sales_deals_by_closed_on ON sales_deals (closed_on, id);

-- Shares in basis points (1/10,000); a deal's shares sum to 10,000.
CREATE TABLE sales_deal_team (
  deal_id  INTEGER NOT NULL REFERENCES sales_deals (id),
  user_id  INTEGER NOT NULL REFERENCES users (id),
  share_bp INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
  PRIMARY KEY (deal_id, user_id)
) WITHOUT ROWID;
CREATE INDEX sales_deal_team_by_user ON sales_deal_team (user_id, deal_id);

-- One row: the company's reporting currency.
CREATE TABLE sales_settings (
  id                 INTEGER PRIMARY KEY CHECK (id = 1),
  reporting_currency TEXT NOT NULL
);
-- How much one unit of `currency` is worth in the reporting currency during `month` (YYYY-MM),
-- in millionths.
CREATE TABLE sales_rates (
  month       TEXT NOT NULL,
  currency    TEXT NOT NULL,
  rate_micros INTEGER NOT NULL CHECK (rate_micros > 0),
  PRIMARY KEY (month, currency)
) WITHOUT ROWID;

-- Filters are JSON arrays of strings (empty: no filter). Participants are resolved when the
-- campaign is created and kept in sales_campaign_participants.
CREATE TABLE sales_campaigns (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  starts_on    TEXT NOT NULL,
  ends_on      TEXT NOT NULL CHECK (ends_on >= starts_on),
  metric       TEXT NOT NULL
               CHECK (metric IN ('won_amount', 'won_count', 'new_customers', 'win_rate')),
  products     TEXT NOT NULL DEFAULT '[]',
  sectors      TEXT NOT NULL DEFAULT '[]',
  regions      TEXT NOT NULL DEFAULT '[]',
  org_root     INTEGER REFERENCES users (id),
  community_id INTEGER REFERENCES communities (id),
  target       INTEGER NOT NULL DEFAULT 0,
  visibility   TEXT NOT NULL CHECK (visibility IN ('participants', 'company')),
  created_by   INTEGER NOT NULL REFERENCES users (id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX sales_campaigns_by_end ON sales_campaigns (ends_on, id);
CREATE TABLE sales_campaign_participants (
  campaign_id INTEGER NOT NULL REFERENCES sales_campaigns (id),
  user_id     INTEGER NOT NULL REFERENCES users (id),
  PRIMARY KEY (campaign_id, user_id)
) WITHOUT ROWID;
CREATE INDEX sales_campaign_participants_by_user
  ON sales_campaign_participants (user_id, campaign_id);

ALTER TABLE posts ADD COLUMN deal_id INTEGER REFERENCES sales_deals (id);
CREATE INDEX posts_by_deal ON posts (deal_id, id) WHERE deal_id IS NOT NULL;

CREATE TABLE notifications_v6 (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_id INTEGER NOT NULL REFERENCES users (id),
  type         TEXT NOT NULL,
  actor_id     INTEGER NOT NULL REFERENCES users (id),
  post_id      INTEGER,
  community_id INTEGER,
  count        INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  read_at      INTEGER,
  deal_id      INTEGER
);
INSERT INTO notifications_v6 (id, recipient_id, type, actor_id, post_id, community_id, count,
                              created_at, read_at)
  SELECT id, recipient_id, type, actor_id, post_id, community_id, count, created_at, read_at
  FROM notifications;
-- Keep ids growing past deleted rows, as AUTOINCREMENT promised.
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'notifications'), 0))
  WHERE name = 'notifications_v6';
DROP TABLE notifications;
ALTER TABLE notifications_v6 RENAME TO notifications;
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_by_post ON notifications (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX notifications_by_deal ON notifications (deal_id) WHERE deal_id IS NOT NULL;
)sql",
    // 7: the audit of deal changes: who created or changed which deal, through the API or an
    // import. Ids are SQLite row ids (not IdGenerator ids).
    R"sql(
CREATE TABLE sales_deal_audit (
  id         INTEGER PRIMARY KEY,
  deal_id    INTEGER NOT NULL REFERENCES sales_deals (id),
  actor_id   INTEGER NOT NULL REFERENCES users (id),
  action     TEXT NOT NULL CHECK (action IN ('create', 'update')),
  source     TEXT NOT NULL CHECK (source IN ('api', 'import')),
  created_at INTEGER NOT NULL
);
CREATE INDEX sales_deal_audit_by_deal ON sales_deal_audit (deal_id, id);
)sql",
    // 8: knowledge: accepted answers on questions, skill quizzes (questions and choices in rows
    // of their own), attempts, and the skills a passed quiz verified.
    R"sql(
ALTER TABLE posts ADD COLUMN accepted_answer_id INTEGER REFERENCES posts (id);
CREATE INDEX posts_questions ON posts (id)
  WHERE kind = 'question' AND in_reply_to IS NULL AND deleted_at IS NULL;
CREATE INDEX posts_by_accepted_answer ON posts (accepted_answer_id)
  WHERE accepted_answer_id IS NOT NULL;

CREATE TABLE quizzes (
  id                   INTEGER PRIMARY KEY,
  title                TEXT NOT NULL,
  skill                TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  community_id         INTEGER REFERENCES communities (id),
  pass_mark            REAL NOT NULL CHECK (pass_mark >= 0 AND pass_mark <= 1),
  max_attempts_per_day INTEGER NOT NULL CHECK (max_attempts_per_day > 0),
  created_by           INTEGER NOT NULL REFERENCES users (id),
  created_at           INTEGER NOT NULL
);
CREATE INDEX quizzes_by_skill ON quizzes (skill, id);
CREATE TABLE quiz_questions (
  quiz_id     INTEGER NOT NULL REFERENCES quizzes (id),
  position    INTEGER NOT NULL,
  text        TEXT NOT NULL,
  explanation TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (quiz_id, position)
) WITHOUT ROWID;
CREATE TABLE quiz_choices (
  quiz_id  INTEGER NOT NULL REFERENCES quizzes (id),
  question INTEGER NOT NULL,
  position INTEGER NOT NULL,
  text     TEXT NOT NULL,
  correct  INTEGER NOT NULL,
  PRIMARY KEY (quiz_id, question, position)
) WITHOUT ROWID;
CREATE TABLE quiz_attempts (
  id         INTEGER PRIMARY KEY,
  quiz_id    INTEGER NOT NULL REFERENCES quizzes (id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  score      REAL NOT NULL,
  passed     INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX quiz_attempts_by_quiz_user ON quiz_attempts (quiz_id, user_id, created_at);
CREATE INDEX quiz_attempts_by_user ON quiz_attempts (user_id, id);
-- One row per person and skill: the first quiz that verified it, and that quiz's community
-- (a community's quiz verifies a skill the person alone sees: the community may be private).
CREATE TABLE verified_skills (
  user_id      INTEGER NOT NULL REFERENCES users (id),
  skill        TEXT NOT NULL,
  quiz_id      INTEGER NOT NULL REFERENCES quizzes (id),
  passed_at    INTEGER NOT NULL,
  community_id INTEGER,
  PRIMARY KEY (user_id, skill)
) WITHOUT ROWID;
)sql",
    // 9: identity. The identity provider's key for a person (SCIM externalId, the OIDC subject
    // mapping), the HR employee number, and the date a guest account ends (NULL: an employee).
    R"sql(
ALTER TABLE users ADD COLUMN external_id TEXT;
ALTER TABLE users ADD COLUMN employee_number TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN guest_until INTEGER;
CREATE UNIQUE INDEX users_by_external_id ON users (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_by_email_nocase ON users (email COLLATE NOCASE);
)sql",
    // 10: account lifecycle. Personal access tokens (stored as their SHA-256, like sessions;
    // expires_at NULL: until revoked) and the one pending password reset of an account.
    R"sql(
CREATE TABLE access_tokens (
  id           INTEGER PRIMARY KEY,
  token_hash   BLOB NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  name         TEXT NOT NULL,
  can_write    INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER
);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, id);
CREATE TABLE password_resets (
  user_id    INTEGER PRIMARY KEY REFERENCES users (id),
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX users_by_department ON users (department, id);
)sql",
    // 11: rules-based membership. A community's rules (any rule matches; each rule is an all-of
    // of its set conditions), and how each membership came: by hand or by a rule.
    R"sql(
CREATE TABLE community_membership_rules (
  community_id    INTEGER NOT NULL REFERENCES communities (id),
  position        INTEGER NOT NULL,
  department      TEXT,
  location        TEXT,
  title_contains  TEXT,
  manager_id      INTEGER REFERENCES users (id),
  PRIMARY KEY (community_id, position)
) WITHOUT ROWID;
ALTER TABLE memberships ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'
  CHECK (source IN ('manual', 'rule'));
)sql",
    // 12: SCIM provisioning. Tokens the identity provider presents (only their SHA-256 kept);
    // what SCIM says of a person that the profile has no field for (the IdP's userName as
    // sent, which may be an email, and the parts of the name); the token behind each SCIM
    // change in the account audit (actor_id is then the account itself).
    R"sql(
CREATE TABLE scim_tokens (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE scim_users (
  user_id     INTEGER PRIMARY KEY REFERENCES users (id),
  user_name   TEXT NOT NULL,
  given_name  TEXT NOT NULL DEFAULT '',
  family_name TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX scim_users_by_user_name ON scim_users (user_name COLLATE NOCASE);
ALTER TABLE account_audit ADD COLUMN scim_token_id INTEGER REFERENCES scim_tokens (id);
)sql",
    // 13: HR imports find people by employee number.
    R"sql(
CREATE INDEX users_by_employee_number ON users (employee_number) WHERE employee_number != '';
)sql",
    // 14: names that look equal are equal (core/name_key.h). Keys become NFKC case-folded,
    // trimmed and free of invisible characters; displayed names NFC. Community names are
    // unique among listed (open and private) communities only: a secret community's name must
    // not be learnable by trying to take it. Clashes the new keys reveal in existing rows are
    // settled, never silently: the younger community's name gets " (its id)" appended, the
    // younger account's email key gets "#<its id>" (lookups by that email find the older
    // account; docs/operations.md says how to see and fix them). The communities table is
    // rebuilt to drop its old UNIQUE on name_key.
    R"sql(
CREATE TABLE communities_v14 (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  visibility    TEXT NOT NULL CHECK (visibility IN ('open', 'private', 'secret')),
  created_by    INTEGER NOT NULL REFERENCES users (id),
  members_count INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
INSERT INTO communities_v14 (id, name, name_key, description, visibility, created_by,
                             members_count, created_at, updated_at)
  SELECT id, agora_nfc(name), agora_name_key(name), description, visibility, created_by,
         members_count, created_at, updated_at
  FROM communities;
UPDATE communities_v14
  SET name = name || ' (' || id || ')', name_key = agora_name_key(name || ' (' || id || ')')
  WHERE visibility != 'secret' AND EXISTS (
    SELECT 1 FROM communities_v14 older WHERE older.visibility != 'secret'
      AND older.name_key = communities_v14.name_key AND older.id < communities_v14.id);
DROP TABLE communities;
ALTER TABLE communities_v14 RENAME TO communities;
CREATE UNIQUE INDEX communities_listed_name ON communities (name_key)
  WHERE visibility != 'secret';
CREATE INDEX communities_by_name_key ON communities (name_key, id);

ALTER TABLE users ADD COLUMN email_key TEXT;
UPDATE users SET email_key = agora_name_key(email);
UPDATE users SET email_key = email_key || '#' || id
  WHERE EXISTS (SELECT 1 FROM users older
                WHERE older.email_key = users.email_key AND older.id < users.id);
CREATE UNIQUE INDEX users_by_email_key ON users (email_key);
DROP INDEX users_by_email_nocase;

UPDATE user_skills SET skill = agora_nfc(skill);
UPDATE quizzes SET skill = agora_name_key(skill);
UPDATE OR REPLACE verified_skills SET skill = agora_name_key(skill);
)sql",
    // 15: SCIM Groups. A community the identity provider made is linked to it (its externalId,
    // and when SCIM last changed it); memberships gain the source 'scim' (members the IdP
    // manages). SQLite cannot widen a CHECK in place, so memberships is rebuilt.
    R"sql(
CREATE TABLE scim_groups (
  community_id INTEGER PRIMARY KEY REFERENCES communities (id),
  external_id  TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE memberships_v15 (
  community_id INTEGER NOT NULL REFERENCES communities (id),
  user_id      INTEGER NOT NULL REFERENCES users (id),
  role         TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
  state        TEXT NOT NULL CHECK (state IN ('member', 'pending', 'invited', 'banned')),
  since        INTEGER NOT NULL,
  source       TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'rule', 'scim')),
  PRIMARY KEY (community_id, user_id)
) WITHOUT ROWID;
INSERT INTO memberships_v15 (community_id, user_id, role, state, since, source)
  SELECT community_id, user_id, role, state, since, source FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_v15 RENAME TO memberships;
CREATE INDEX memberships_by_user ON memberships (user_id, community_id);
)sql",
    // 16: idempotency keys and resource revisions (issue 16). A key is recorded in the same
    // transaction as the create it names, with the answer stored once it is known (NULL
    // status: not answered yet). Posts, communities and deals gain a revision that every
    // update bumps (the triggers), which If-Match is checked against inside the write.
    R"sql(
CREATE TABLE idempotency_keys (
  account_id   INTEGER NOT NULL,
  key          TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  created_at   INTEGER NOT NULL,
  status       INTEGER,
  content_type TEXT,
  headers      TEXT,
  body         BLOB,
  UNIQUE (account_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

ALTER TABLE posts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER posts_revision AFTER UPDATE ON posts WHEN NEW.revision = OLD.revision
BEGIN
  UPDATE posts SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
ALTER TABLE communities ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER communities_revision AFTER UPDATE ON communities WHEN NEW.revision = OLD.revision
BEGIN
  UPDATE communities SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
ALTER TABLE sales_deals ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER sales_deals_revision AFTER UPDATE ON sales_deals WHEN NEW.revision = OLD.revision
BEGIN
  UPDATE sales_deals SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
)sql",
    // 17: outbox entries say what happened (storage/outbox.h) and, on PostgreSQL, which node
    // wrote them; a SQLite store has one node, 0.
    R"sql(
ALTER TABLE outbox ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN subject_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN node_id INTEGER NOT NULL DEFAULT 0;
)sql",
    // 18: how far pruning went, so a consumer that fell behind it (a search index restored
    // from an older copy, a node away longer than pruning waits) knows it missed entries.
    R"sql(
CREATE TABLE outbox_horizon (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  pruned_through INTEGER NOT NULL
);
INSERT INTO outbox_horizon VALUES (1, 0);
)sql",
};

}  // namespace

Result<int64_t> LargestStoredId(Connection& connection) {
  if (connection.engine() == Engine::kPostgres) return LargestStoredPostgresId(connection);
  auto stmt = connection.prepare(
      "SELECT max(coalesce((SELECT max(id) FROM users), 0), "
      "coalesce((SELECT max(id) FROM follows), 0), coalesce((SELECT max(id) FROM posts), 0), "
      "coalesce((SELECT max(id) FROM communities), 0), "
      "coalesce((SELECT max(id) FROM community_audit), 0), "
      "coalesce((SELECT max(id) FROM reports), 0), "
      "coalesce((SELECT max(id) FROM account_audit), 0), "
      "coalesce((SELECT max(id) FROM sales_deals), 0), "
      "coalesce((SELECT max(id) FROM sales_campaigns), 0), "
      "coalesce((SELECT max(id) FROM quizzes), 0), "
      "coalesce((SELECT max(id) FROM quiz_attempts), 0), "
      "coalesce((SELECT max(id) FROM access_tokens), 0), "
      "coalesce((SELECT max(id) FROM scim_tokens), 0))");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return (*stmt)->column_int64(0);
}

namespace {

Result<int64_t> ReadPragma(Connection& connection, const char* pragma) {
  auto stmt = connection.prepare(pragma);
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return (*stmt)->column_int64(0);
}

Status CheckForeignKeys(Connection& connection, int step) {
  auto stmt = connection.prepare("PRAGMA foreign_key_check");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Ok();
  return Status::Internal("schema step " + std::to_string(step) + " leaves a row of " +
                          (*stmt)->column_text(0) + " referring to a missing row");
}

}  // namespace

int SchemaVersion() { return static_cast<int>(kMigrations.size()); }

std::vector<std::string> DescribeMigration(int step) {
  std::vector<std::string> statements;
  std::istringstream sql{std::string(kMigrations.at(static_cast<size_t>(step - 1)))};
  // Statements start at the beginning of a line with a keyword; their first line says enough.
  for (std::string line; std::getline(sql, line);) {
    for (const char* keyword : {"CREATE ", "ALTER ", "DROP ", "INSERT ", "UPDATE ", "DELETE "}) {
      if (line.rfind(keyword, 0) == 0) {
        statements.push_back(line.substr(0, line.find(" (")));
        break;
      }
    }
  }
  return statements;
}

Status Migrate(Connection& connection) {
  if (connection.engine() == Engine::kPostgres) return MigratePostgres(connection);
  return MigrateTo(connection, SchemaVersion());
}

Status MigrateTo(Connection& connection, int target_version) {
  if (connection.engine() != Engine::kSqlite) {
    return Status::InvalidArgument("bad_store", "MigrateTo takes a SQLite database");
  }
  AGORA_ASSIGN_OR_RETURN(int64_t stored_version, ReadPragma(connection, "PRAGMA user_version"));
  int version = static_cast<int>(stored_version);
  if (version > SchemaVersion()) {
    return Status::Internal("database schema version " + std::to_string(version) +
                            " is newer than this build understands (" +
                            std::to_string(SchemaVersion()) + ")");
  }
  // A step may rebuild a table others refer to (SQLite's create, copy, drop, rename), which
  // foreign key enforcement forbids; each step instead proves its references whole before
  // committing.
  AGORA_ASSIGN_OR_RETURN(int64_t foreign_keys, ReadPragma(connection, "PRAGMA foreign_keys"));
  AGORA_RETURN_IF_ERROR(connection.exec("PRAGMA foreign_keys=OFF"));
  for (int next = version; next < target_version; ++next) {
    AGORA_RETURN_IF_ERROR(connection.exec("BEGIN IMMEDIATE"));
    Status status = connection.exec(kMigrations[next]);
    if (status.ok()) status = CheckForeignKeys(connection, next + 1);
    if (status.ok()) status = connection.exec("PRAGMA user_version=" + std::to_string(next + 1));
    if (!status.ok()) {
      connection.exec("ROLLBACK").ok();
      return status;
    }
    AGORA_RETURN_IF_ERROR(connection.exec("COMMIT"));
  }
  return connection.exec("PRAGMA foreign_keys=" + std::to_string(foreign_keys));
}

}  // namespace agora::storage
