// NodeSession: one node's own connection to a PostgreSQL store shared by several nodes.
//
// It holds the node's id for the node's lifetime: a session-level advisory lock on the id,
// which PostgreSQL releases the moment the connection ends, so a second live node with the
// same id is refused at start and a node killed with SIGKILL can be restarted at once. It also
// LISTENs on agora_outbox (the outbox's insert trigger notifies it at each commit), so the
// node's tailer wakes as soon as another node committed.
//
// Advisory locks are not replicated: when the connection is lost (the server restarted, or a
// standby was promoted in its place), so is the claim, and Reclaim() takes it again on whichever
// server the URL reaches now.
//
// Not thread-safe: owned by the tailer's thread once created.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"

struct pg_conn;

namespace agora::storage {

class NodeSession {
 public:
  // Connects to `url` and claims `node_id`: Conflict "node_id_in_use" when another live node holds
  // it, Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<NodeSession>> Claim(const std::string& url, int node_id);
  ~NodeSession();
  NodeSession(const NodeSession&) = delete;
  NodeSession& operator=(const NodeSession&) = delete;

  // Waits until an outbox notification arrives or `timeout` passes; true if one arrived. An
  // error when the connection was lost (the claim is then lost too).
  Result<bool> Wait(std::chrono::milliseconds timeout);

  // After Wait() reported the connection lost: connects again and claims the id again, with
  // Claim()'s errors. Wait() fails until one succeeds.
  Status Reclaim();

 private:
  NodeSession(std::string url, int node_id) : url_(std::move(url)), node_id_(node_id) {}
  // Replaces the connection with a new one that holds the id and listens.
  Status Connect();

  const std::string url_;
  const int node_id_;
  pg_conn* conn_ = nullptr;
};

}  // namespace agora::storage
