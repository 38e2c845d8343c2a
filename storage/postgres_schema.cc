// The PostgreSQL schema, as an append-only list of migrations. Never edit a released step: add
// one.
//
// The same tables, columns, constraints and indexes as storage/schema.cc's SQLite steps, in
// PostgreSQL's types: INTEGER columns are BIGINT (SQLite's integers are 64-bit; flags stay 0/1
// integers so the same SQL binds and compares them), REAL is DOUBLE PRECISION, BLOB is BYTEA,
// and ids that SQLite assigns as row ids are identity columns. Each table came in here with
// its columns as they were after every SQLite step up to 16, so the steps group them
// differently; from now on, a SQLite step that changes the schema comes with a step here.
#include "storage/postgres_schema.h"

#include <array>
#include <string>

namespace agora::storage {
namespace {

constexpr std::array kPostgresMigrations = {
    // 1: people, org chart, skills, sessions, follow graph (SQLite steps 1, 6, 9, 10, 13, 14),
    // and the SQLite functions the shared SQL calls: instr, and json_each over the JSON arrays
    // of ids that storage/rows.h binds.
    R"sql(
CREATE TABLE users (
  id              BIGINT PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  email           TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  active          BIGINT NOT NULL DEFAULT 1,
  title           TEXT NOT NULL DEFAULT '',
  department      TEXT NOT NULL DEFAULT '',
  location        TEXT NOT NULL DEFAULT '',
  bio             TEXT NOT NULL DEFAULT '',
  manager_id      BIGINT REFERENCES users (id),
  followers_count BIGINT NOT NULL DEFAULT 0,
  following_count BIGINT NOT NULL DEFAULT 0,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  sales_ops       BIGINT NOT NULL DEFAULT 0,
  external_id     TEXT,
  employee_number TEXT NOT NULL DEFAULT '',
  guest_until     BIGINT,
  email_key       TEXT
);
CREATE INDEX users_by_manager ON users (manager_id, id);
CREATE UNIQUE INDEX users_by_external_id ON users (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_by_department ON users (department, id);
CREATE INDEX users_by_employee_number ON users (employee_number) WHERE employee_number != '';
CREATE UNIQUE INDEX users_by_email_key ON users (email_key);

CREATE TABLE user_skills (
  user_id  BIGINT NOT NULL REFERENCES users (id),
  position BIGINT NOT NULL,
  skill    TEXT NOT NULL,
  PRIMARY KEY (user_id, position)
);

CREATE TABLE user_languages (
  user_id  BIGINT NOT NULL REFERENCES users (id),
  position BIGINT NOT NULL,
  language TEXT NOT NULL,
  PRIMARY KEY (user_id, position)
);

CREATE TABLE sessions (
  token_hash BYTEA PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE follows (
  follower_id BIGINT NOT NULL REFERENCES users (id),
  followee_id BIGINT NOT NULL REFERENCES users (id),
  id          BIGINT NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_by_followee ON follows (followee_id, id);
CREATE INDEX follows_by_follower ON follows (follower_id, id);

-- SQLite's instr: the 1-based position of `needle` in `haystack`, 0 when absent.
CREATE FUNCTION instr(haystack text, needle text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT strpos(haystack, needle) $$;

-- `SELECT value FROM json_each(?1)` with ?1 a JSON array of ids reads the ids, as in SQLite.
-- PostgreSQL's own json_each(json) reads objects; a parameter of unknown type, or text, calls
-- this one.
CREATE FUNCTION json_each(ids text) RETURNS TABLE (key bigint, value bigint)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT ordinality - 1, element::bigint
        FROM json_array_elements_text(ids::json) WITH ORDINALITY AS e(element, ordinality) $$;
)sql",
    // 2: posts, replies, mentions, hashtags, deal stories, reactions (SQLite steps 2, 3, 6, 8,
    // 16). posts.deal_id refers to sales_deals from step 7 on.
    R"sql(
CREATE TABLE posts (
  id                 BIGINT PRIMARY KEY,
  author_id          BIGINT NOT NULL REFERENCES users (id),
  community_id       BIGINT,
  kind               TEXT NOT NULL
                     CHECK (kind IN ('status', 'question', 'announcement', 'deal_story')),
  text               TEXT NOT NULL,
  in_reply_to        BIGINT REFERENCES posts (id),
  reactions_count    BIGINT NOT NULL DEFAULT 0,
  replies_count      BIGINT NOT NULL DEFAULT 0,
  created_at         BIGINT NOT NULL,
  edited_at          BIGINT,
  deleted_at         BIGINT,
  deal_id            BIGINT,
  accepted_answer_id BIGINT REFERENCES posts (id),
  revision           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX posts_stream_by_author ON posts (author_id, id)
  WHERE in_reply_to IS NULL AND deleted_at IS NULL;
CREATE INDEX posts_announcements ON posts (id)
  WHERE kind = 'announcement' AND deleted_at IS NULL;
CREATE INDEX posts_replies ON posts (in_reply_to, id) WHERE in_reply_to IS NOT NULL;
CREATE INDEX posts_stream_by_community ON posts (community_id, id)
  WHERE in_reply_to IS NULL AND deleted_at IS NULL AND community_id IS NOT NULL;
CREATE INDEX posts_by_deal ON posts (deal_id, id) WHERE deal_id IS NOT NULL;
CREATE INDEX posts_questions ON posts (id)
  WHERE kind = 'question' AND in_reply_to IS NULL AND deleted_at IS NULL;
CREATE INDEX posts_by_accepted_answer ON posts (accepted_answer_id)
  WHERE accepted_answer_id IS NOT NULL;

-- Every update that leaves the revision alone bumps it (If-Match is checked against it).
CREATE FUNCTION bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.revision = OLD.revision THEN
    NEW.revision := OLD.revision + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER posts_revision BEFORE UPDATE ON posts
  FOR EACH ROW EXECUTE FUNCTION bump_revision();

CREATE TABLE post_mentions (
  post_id  BIGINT NOT NULL REFERENCES posts (id),
  position BIGINT NOT NULL,
  user_id  BIGINT NOT NULL REFERENCES users (id),
  username TEXT NOT NULL,
  PRIMARY KEY (post_id, position)
);
CREATE INDEX mentions_by_user ON post_mentions (user_id, post_id);

CREATE TABLE post_hashtags (
  post_id  BIGINT NOT NULL REFERENCES posts (id),
  position BIGINT NOT NULL,
  tag      TEXT NOT NULL,
  PRIMARY KEY (post_id, position)
);
CREATE INDEX hashtags_by_tag ON post_hashtags (tag, post_id);

CREATE TABLE deals (
  post_id   BIGINT PRIMARY KEY REFERENCES posts (id),
  customer  TEXT NOT NULL,
  sector    TEXT NOT NULL,
  product   TEXT NOT NULL,
  region    TEXT NOT NULL,
  amount    DOUBLE PRECISION NOT NULL CHECK (amount >= 0),
  currency  TEXT NOT NULL,
  closed_on TEXT NOT NULL,
  outcome   TEXT NOT NULL CHECK (outcome IN ('won', 'lost', 'open'))
);

CREATE TABLE reactions (
  post_id    BIGINT NOT NULL REFERENCES posts (id),
  user_id    BIGINT NOT NULL REFERENCES users (id),
  type       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (post_id, user_id, type)
);
)sql",
    // 3: the outbox of changed posts and people (SQLite step 4). seq comes from a sequence, so
    // it keeps growing past pruned entries, as AUTOINCREMENT does.
    R"sql(
CREATE TABLE outbox (
  seq       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  topic     BIGINT NOT NULL,
  entity_id BIGINT NOT NULL
);
)sql",
    // 4: communities, memberships, their audit log, pins, reports and membership rules (SQLite
    // steps 3, 11, 14, 15, 16). Community names are unique among listed communities only.
    R"sql(
CREATE TABLE communities (
  id            BIGINT PRIMARY KEY,
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  visibility    TEXT NOT NULL CHECK (visibility IN ('open', 'private', 'secret')),
  created_by    BIGINT NOT NULL REFERENCES users (id),
  members_count BIGINT NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  revision      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX communities_listed_name ON communities (name_key)
  WHERE visibility != 'secret';
CREATE INDEX communities_by_name_key ON communities (name_key, id);
CREATE TRIGGER communities_revision BEFORE UPDATE ON communities
  FOR EACH ROW EXECUTE FUNCTION bump_revision();

-- One row per person who is a member, has asked to join, is invited, or is banned.
CREATE TABLE memberships (
  community_id BIGINT NOT NULL REFERENCES communities (id),
  user_id      BIGINT NOT NULL REFERENCES users (id),
  role         TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
  state        TEXT NOT NULL CHECK (state IN ('member', 'pending', 'invited', 'banned')),
  since        BIGINT NOT NULL,
  source       TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'rule', 'scim')),
  PRIMARY KEY (community_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id, community_id);

CREATE TABLE community_audit (
  id             BIGINT PRIMARY KEY,
  community_id   BIGINT NOT NULL REFERENCES communities (id),
  actor_id       BIGINT NOT NULL REFERENCES users (id),
  action         TEXT NOT NULL,
  target_user_id BIGINT,
  note           TEXT NOT NULL DEFAULT '',
  created_at     BIGINT NOT NULL
);
CREATE INDEX audit_by_community ON community_audit (community_id, id);

CREATE TABLE community_pins (
  community_id BIGINT NOT NULL REFERENCES communities (id),
  post_id      BIGINT NOT NULL REFERENCES posts (id),
  pinned_by    BIGINT NOT NULL REFERENCES users (id),
  pinned_at    BIGINT NOT NULL,
  PRIMARY KEY (community_id, post_id)
);

-- Reports of posts: to the post's community's moderators, or to admins (community_id NULL).
CREATE TABLE reports (
  id           BIGINT PRIMARY KEY,
  post_id      BIGINT NOT NULL REFERENCES posts (id),
  community_id BIGINT REFERENCES communities (id),
  reporter_id  BIGINT NOT NULL REFERENCES users (id),
  reason       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  action       TEXT,
  note         TEXT NOT NULL DEFAULT '',
  resolved_by  BIGINT REFERENCES users (id),
  created_at   BIGINT NOT NULL,
  resolved_at  BIGINT
);
CREATE INDEX reports_by_community ON reports (community_id, status, id);
CREATE UNIQUE INDEX reports_open_once ON reports (post_id, reporter_id) WHERE status = 'open';

CREATE TABLE community_membership_rules (
  community_id    BIGINT NOT NULL REFERENCES communities (id),
  position        BIGINT NOT NULL,
  department      TEXT,
  location        TEXT,
  title_contains  TEXT,
  manager_id      BIGINT REFERENCES users (id),
  PRIMARY KEY (community_id, position)
);
)sql",
    // 5: notifications, newest first, with read state (SQLite steps 5, 6). Ids are assigned
    // in commit order, not by the IdGenerator.
    R"sql(
CREATE TABLE notifications (
  id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  recipient_id BIGINT NOT NULL REFERENCES users (id),
  type         TEXT NOT NULL,
  actor_id     BIGINT NOT NULL REFERENCES users (id),
  post_id      BIGINT,
  community_id BIGINT,
  count        BIGINT NOT NULL DEFAULT 1,
  created_at   BIGINT NOT NULL,
  read_at      BIGINT,
  deal_id      BIGINT
);
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_by_post ON notifications (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX notifications_by_deal ON notifications (deal_id) WHERE deal_id IS NOT NULL;
)sql",
    // 6: accounts and identity: the account audit, personal access tokens, password resets,
    // SCIM tokens, people and groups (SQLite steps 6, 10, 12, 15).
    R"sql(
CREATE TABLE scim_tokens (
  id         BIGINT PRIMARY KEY,
  name       TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE account_audit (
  id            BIGINT PRIMARY KEY,
  actor_id      BIGINT NOT NULL REFERENCES users (id),
  user_id       BIGINT NOT NULL REFERENCES users (id),
  action        TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  scim_token_id BIGINT REFERENCES scim_tokens (id)
);
CREATE INDEX account_audit_by_user ON account_audit (user_id, id);
CREATE TABLE access_tokens (
  id           BIGINT PRIMARY KEY,
  token_hash   BYTEA NOT NULL UNIQUE,
  user_id      BIGINT NOT NULL REFERENCES users (id),
  name         TEXT NOT NULL,
  can_write    BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  last_used_at BIGINT
);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, id);
CREATE TABLE password_resets (
  user_id    BIGINT PRIMARY KEY REFERENCES users (id),
  token_hash BYTEA NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE scim_users (
  user_id     BIGINT PRIMARY KEY REFERENCES users (id),
  user_name   TEXT NOT NULL,
  given_name  TEXT NOT NULL DEFAULT '',
  family_name TEXT NOT NULL DEFAULT ''
);
-- SQLite's COLLATE NOCASE folds ASCII letters only; lower() here folds more, never less.
CREATE UNIQUE INDEX scim_users_by_user_name ON scim_users (lower(user_name));
CREATE TABLE scim_groups (
  community_id BIGINT PRIMARY KEY REFERENCES communities (id),
  external_id  TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
)sql",
    // 7: the sales practice: deals with their teams and audit, currencies and monthly rates,
    // campaigns and their participants (SQLite steps 6, 7, 16). Amounts are integer minor
    // units; shares basis points; rates millionths.
    R"sql(
CREATE TABLE sales_deals (
  id           BIGINT PRIMARY KEY,
  external_id  TEXT UNIQUE,
  owner_id     BIGINT NOT NULL REFERENCES users (id),
  customer     TEXT NOT NULL,
  sector       TEXT NOT NULL,
  product      TEXT NOT NULL,
  region       TEXT NOT NULL,
  amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency     TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
  closed_on    TEXT CHECK ((outcome = 'open') OR closed_on IS NOT NULL),
  new_customer BIGINT NOT NULL DEFAULT 0,
  created_by   BIGINT NOT NULL REFERENCES users (id),
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  revision     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sales_deals_by_owner ON sales_deals (owner_id, id);
CREATE INDEX sales_deals_by_closed_on ON sales_deals (closed_on, id);
CREATE TRIGGER sales_deals_revision BEFORE UPDATE ON sales_deals
  FOR EACH ROW EXECUTE FUNCTION bump_revision();
ALTER TABLE posts ADD FOREIGN KEY (deal_id) REFERENCES sales_deals (id);

CREATE TABLE sales_deal_team (
  deal_id  BIGINT NOT NULL REFERENCES sales_deals (id),
  user_id  BIGINT NOT NULL REFERENCES users (id),
  share_bp BIGINT NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
  PRIMARY KEY (deal_id, user_id)
);
CREATE INDEX sales_deal_team_by_user ON sales_deal_team (user_id, deal_id);

CREATE TABLE sales_deal_audit (
  id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  deal_id    BIGINT NOT NULL REFERENCES sales_deals (id),
  actor_id   BIGINT NOT NULL REFERENCES users (id),
  action     TEXT NOT NULL CHECK (action IN ('create', 'update')),
  source     TEXT NOT NULL CHECK (source IN ('api', 'import')),
  created_at BIGINT NOT NULL
);
CREATE INDEX sales_deal_audit_by_deal ON sales_deal_audit (deal_id, id);

CREATE TABLE sales_settings (
  id                 BIGINT PRIMARY KEY CHECK (id = 1),
  reporting_currency TEXT NOT NULL
);
CREATE TABLE sales_rates (
  month       TEXT NOT NULL,
  currency    TEXT NOT NULL,
  rate_micros BIGINT NOT NULL CHECK (rate_micros > 0),
  PRIMARY KEY (month, currency)
);

CREATE TABLE sales_campaigns (
  id           BIGINT PRIMARY KEY,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  starts_on    TEXT NOT NULL,
  ends_on      TEXT NOT NULL CHECK (ends_on >= starts_on),
  metric       TEXT NOT NULL
               CHECK (metric IN ('won_amount', 'won_count', 'new_customers', 'win_rate')),
  products     TEXT NOT NULL DEFAULT '[]',
  sectors      TEXT NOT NULL DEFAULT '[]',
  regions      TEXT NOT NULL DEFAULT '[]',
  org_root     BIGINT REFERENCES users (id),
  community_id BIGINT REFERENCES communities (id),
  target       BIGINT NOT NULL DEFAULT 0,
  visibility   TEXT NOT NULL CHECK (visibility IN ('participants', 'company')),
  created_by   BIGINT NOT NULL REFERENCES users (id),
  created_at   BIGINT NOT NULL
);
CREATE INDEX sales_campaigns_by_end ON sales_campaigns (ends_on, id);
CREATE TABLE sales_campaign_participants (
  campaign_id BIGINT NOT NULL REFERENCES sales_campaigns (id),
  user_id     BIGINT NOT NULL REFERENCES users (id),
  PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX sales_campaign_participants_by_user
  ON sales_campaign_participants (user_id, campaign_id);
)sql",
    // 8: knowledge: skill quizzes, attempts, and the skills a passed quiz verified (SQLite
    // step 8; accepted answers are in posts already).
    R"sql(
CREATE TABLE quizzes (
  id                   BIGINT PRIMARY KEY,
  title                TEXT NOT NULL,
  skill                TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  community_id         BIGINT REFERENCES communities (id),
  pass_mark            DOUBLE PRECISION NOT NULL CHECK (pass_mark >= 0 AND pass_mark <= 1),
  max_attempts_per_day BIGINT NOT NULL CHECK (max_attempts_per_day > 0),
  created_by           BIGINT NOT NULL REFERENCES users (id),
  created_at           BIGINT NOT NULL
);
CREATE INDEX quizzes_by_skill ON quizzes (skill, id);
CREATE TABLE quiz_questions (
  quiz_id     BIGINT NOT NULL REFERENCES quizzes (id),
  position    BIGINT NOT NULL,
  text        TEXT NOT NULL,
  explanation TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (quiz_id, position)
);
CREATE TABLE quiz_choices (
  quiz_id  BIGINT NOT NULL REFERENCES quizzes (id),
  question BIGINT NOT NULL,
  position BIGINT NOT NULL,
  text     TEXT NOT NULL,
  correct  BIGINT NOT NULL,
  PRIMARY KEY (quiz_id, question, position)
);
CREATE TABLE quiz_attempts (
  id         BIGINT PRIMARY KEY,
  quiz_id    BIGINT NOT NULL REFERENCES quizzes (id),
  user_id    BIGINT NOT NULL REFERENCES users (id),
  score      DOUBLE PRECISION NOT NULL,
  passed     BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX quiz_attempts_by_quiz_user ON quiz_attempts (quiz_id, user_id, created_at);
CREATE INDEX quiz_attempts_by_user ON quiz_attempts (user_id, id);
CREATE TABLE verified_skills (
  user_id      BIGINT NOT NULL REFERENCES users (id),
  skill        TEXT NOT NULL,
  quiz_id      BIGINT NOT NULL REFERENCES quizzes (id),
  passed_at    BIGINT NOT NULL,
  community_id BIGINT,
  PRIMARY KEY (user_id, skill)
);
)sql",
    // 9: idempotency keys, recorded in the same transaction as the create they name (SQLite
    // step 16).
    R"sql(
CREATE TABLE idempotency_keys (
  account_id   BIGINT NOT NULL,
  key          TEXT NOT NULL,
  request_hash BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  status       BIGINT,
  content_type TEXT,
  headers      TEXT,
  body         BYTEA,
  UNIQUE (account_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
)sql",
    // 10: several nodes (docs/scaling.md). Outbox entries say what happened and which node
    // wrote them: the writer connection sets agora.node_id, so no statement names it. Every
    // insert wakes the nodes that LISTEN (notifications are sent at commit, one per
    // transaction). `nodes` holds how far each node applied the outbox, so pruning keeps
    // what a live node still needs.
    R"sql(
ALTER TABLE outbox ADD COLUMN kind BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN subject_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN node_id BIGINT NOT NULL
  DEFAULT coalesce(nullif(current_setting('agora.node_id', true), ''), '0')::bigint;
CREATE FUNCTION agora_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('agora_outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION agora_outbox_notify();
CREATE TABLE nodes (
  node_id      BIGINT PRIMARY KEY,
  applied_seq  BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);
)sql",
    // 11: the other SQLite functions shared SQL calls. group_concat(text, separator) keeps
    // SQLite's order (that of its input) and skips NULLs. agora_name_key is core/name_key.h's
    // NameKey (SQLite calls the C++ one) as near as PostgreSQL comes: NFKC, lowercase by ICU's
    // root locale (casefolding differs for a few letters, as ß), the usual invisible format
    // characters removed, white space trimmed and collapsed to one space.
    R"sql(
CREATE FUNCTION agora_concat_step(joined text, item text, separator text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN item IS NULL THEN joined WHEN joined IS NULL THEN item
                    ELSE joined || separator || item END $$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = agora_concat_step, STYPE = text);

CREATE FUNCTION agora_name_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(btrim(regexp_replace(regexp_replace(normalize(name, NFKC),
                 '[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]', '', 'g'),
                 '[[:space:]\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+',
                 ' ', 'g'), ' ') COLLATE "und-x-icu") $$;
)sql",
    // 12: how far pruning went (SQLite step 18).
    R"sql(
CREATE TABLE outbox_horizon (
  id             BIGINT PRIMARY KEY CHECK (id = 1),
  pruned_through BIGINT NOT NULL
);
INSERT INTO outbox_horizon VALUES (1, 0);
)sql",
};

// Any constant unique to Agora's schema lock (pg_advisory_xact_lock takes a bigint).
constexpr char kSchemaLock[] = "SELECT pg_advisory_xact_lock(7305718293485001)";

Result<int> ReadVersion(Connection& connection) {
  auto stmt = connection.prepare("SELECT coalesce(max(version), 0) FROM agora_schema");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return static_cast<int>((*stmt)->column_int64(0));
}

Status ApplyPending(Connection& connection) {
  AGORA_RETURN_IF_ERROR(connection.exec(kSchemaLock));
  AGORA_RETURN_IF_ERROR(
      connection.exec("CREATE TABLE IF NOT EXISTS agora_schema (version BIGINT NOT NULL)"));
  AGORA_ASSIGN_OR_RETURN(int version, ReadVersion(connection));
  if (version > PostgresSchemaVersion()) {
    return Status::Internal("database schema version " + std::to_string(version) +
                            " is newer than this build understands (" +
                            std::to_string(PostgresSchemaVersion()) + ")");
  }
  for (int next = version; next < PostgresSchemaVersion(); ++next) {
    AGORA_RETURN_IF_ERROR(connection.exec(kPostgresMigrations[static_cast<size_t>(next)]));
  }
  if (version == PostgresSchemaVersion()) return Status::Ok();
  return connection.exec("DELETE FROM agora_schema; INSERT INTO agora_schema VALUES (" +
                         std::to_string(PostgresSchemaVersion()) + ")");
}

}  // namespace

int PostgresSchemaVersion() { return static_cast<int>(kPostgresMigrations.size()); }

Result<int> StoredPostgresSchemaVersion(Connection& connection) {
  auto exists = connection.prepare("SELECT to_regclass('agora_schema') IS NOT NULL");
  if (!exists.ok()) return exists.status();
  auto row = (*exists)->step();
  if (!row.ok()) return row.status();
  if ((*exists)->column_int64(0) == 0) return 0;
  return ReadVersion(connection);
}

Status MigratePostgres(Connection& connection) {
  AGORA_RETURN_IF_ERROR(connection.exec("BEGIN"));
  Status status = ApplyPending(connection);
  if (!status.ok()) {
    connection.exec("ROLLBACK").ok();
    return status;
  }
  return connection.Commit();
}

Result<int64_t> LargestStoredPostgresId(Connection& connection) {
  auto stmt = connection.prepare(
      "SELECT greatest(coalesce((SELECT max(id) FROM users), 0), "
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

}  // namespace agora::storage
