#include "storage/node_session.h"

#include <libpq-fe.h>
#include <poll.h>

#include "storage/maintenance.h"
#include "storage/postgres.h"

namespace agora::storage {
namespace {

// The class of the node-id advisory locks (the id is the other half of the key).
constexpr int kNodeLockClass = 1701279847;

Status Failure(pg_conn* conn, const std::string& context) {
  return Status::Unavailable(context + ": " + PQerrorMessage(conn));
}

}  // namespace

Result<std::unique_ptr<NodeSession>> NodeSession::Claim(const std::string& url, int node_id) {
  std::unique_ptr<NodeSession> session(new NodeSession(url, node_id));
  AGORA_RETURN_IF_ERROR(session->Connect());
  return session;
}

Status NodeSession::Reclaim() { return Connect(); }

Status NodeSession::Connect() {
  PQfinish(conn_);
  conn_ = ConnectToPrimary(url_);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable(std::string("connecting to PostgreSQL: ") +
                               (conn_ ? PQerrorMessage(conn_) : "no memory"));
  }
  std::string lock = "SELECT pg_try_advisory_lock(" + std::to_string(kNodeLockClass) + ", " +
                     std::to_string(node_id_) + ")";
  PGresult* claimed = PQexec(conn_, lock.c_str());
  bool ok = PQresultStatus(claimed) == PGRES_TUPLES_OK;
  bool held = ok && std::string(PQgetvalue(claimed, 0, 0)) == "t";
  PQclear(claimed);
  if (!ok) return Failure(conn_, "claiming the node id");
  if (!held) {
    return Status::Conflict("node_id_in_use",
                            "node id " + std::to_string(node_id_) +
                                " is held by another live node (choose another --node-id)");
  }
  PGresult* listening = PQexec(conn_, "LISTEN agora_outbox");
  ok = PQresultStatus(listening) == PGRES_COMMAND_OK;
  PQclear(listening);
  if (!ok) return Failure(conn_, "listening for outbox notifications");
  return Status::Ok();
}

Result<bool> AnyNodeServes(Connection& connection) {
  // A lock taken with two int4 keys shows in pg_locks as classid, objid and objsubid 2.
  const std::string sql =
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
      "AND classid = " +
      std::to_string(kNodeLockClass) +
      "::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
  auto stmt = connection.prepare(sql.c_str());
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return (*stmt)->column_int64(0) > 0;
}

NodeSession::~NodeSession() { PQfinish(conn_); }

Result<bool> NodeSession::Wait(std::chrono::milliseconds timeout) {
  if (PQstatus(conn_) != CONNECTION_OK) return Failure(conn_, "the node session");
  auto drain = [this] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  };
  if (drain()) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  int ready = poll(&fd, 1, static_cast<int>(timeout.count()));
  if (ready < 0) return false;  // interrupted: the caller looks at the outbox anyway
  if (ready == 0) return false;
  if (!PQconsumeInput(conn_)) return Failure(conn_, "reading outbox notifications");
  return drain();
}

}  // namespace agora::storage
