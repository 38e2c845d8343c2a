// The PostgreSQL schema, as an append-only list of migrations. Never edit a released step: add
// one.
//
// The same tables, columns, constraints and indexes as storage/schema.cc's SQLite steps, in
// PostgreSQL's types: INTEGER columns are BIGINT (SQLite's integers are 64-bit; flags stay 0/1
// integers so the same SQL binds and compares them), REAL is DOUBLE PRECISION, BLOB is BYTEA,
// and ids that SQLite assigns as row ids are identity columns. A table's step here comes with
// its columns as they are after every SQLite step so far; the PostgreSQL schema starts with a
// first slice of the tables (people, follows, posts, the outbox) and grows a step at a time.
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
    // 16). posts.community_id and posts.deal_id will refer to communities and sales_deals once
    // those tables are here.
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
      "coalesce((SELECT max(id) FROM follows), 0), coalesce((SELECT max(id) FROM posts), 0))");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return (*stmt)->column_int64(0);
}

}  // namespace agora::storage
