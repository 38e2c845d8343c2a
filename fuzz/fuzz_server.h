// The whole API on a temporary data folder, for the fuzz targets that send requests: the real
// Application, routes and Dispatcher, and (on demand) the real HTTP server and live hub on
// loopback. One per process, made on the first input and kept for the run, so the state the
// inputs build up (posts, communities, follows) is there for the next ones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/api.h"

namespace agora::fuzz {

class FuzzServer {
 public:
  // The process's server; `listen` starts the HTTP server and the hub the first time.
  static FuzzServer& Get(bool listen);

  // A session of the admin (camille.admin) and of a member (lea.member), both created at start.
  const std::string& admin_token() const { return admin_token_; }
  const std::string& member_token() const { return member_token_; }
  // Ids made at start, for paths that need one: a post, an open community, the member.
  const std::string& post_id() const { return post_id_; }
  const std::string& community_id() const { return community_id_; }
  const std::string& member_id() const { return member_id_; }

  // Through the router and a handler on the calling thread, as a worker would run it.
  server::ApiResponse Handle(const server::ApiRequest& request);

  // The loopback port of the HTTP server (after Get(true)).
  uint16_t port() const { return port_; }

  // Sends `bytes` on a new connection, then, when `after_head` is not empty, waits for the end
  // of the answer's head and sends `after_head` (a WebSocket's frames after its 101); closes the
  // sending side and reads until the server closes (or 5 s pass). Empty when connecting failed.
  std::string Exchange(std::string_view bytes, std::string_view after_head = {}) const;

  ~FuzzServer();

 private:
  FuzzServer();
  void Listen();

  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::string admin_token_, member_token_, post_id_, community_id_, member_id_;
  uint16_t port_ = 0;
};

// `text` with every "@TOKEN@" replaced by the admin's bearer token and "@MEMBER@" by the
// member's, "@POST@", "@COMMUNITY@" and "@USER@" by the ids made at start: seeds can then
// reach the handlers behind authentication and existing resources.
std::string Substitute(std::string text, const FuzzServer& server);

}  // namespace agora::fuzz
