#include "fuzz/fuzz_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "app/commands.h"
#include "core/json.h"
#include "server/api_routes.h"
#include "server/as2.h"
#include "server/dispatcher.h"
#include "server/http_server.h"
#include "server/live_hub.h"
#include "server/metrics.h"
#include "server/router.h"

namespace agora::fuzz {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz server: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result.ok()) Fail(std::string(what) + ": " + result.status().message());
  return std::move(*result);
}

void Must(const Status& status, const char* what) {
  if (!status.ok()) Fail(std::string(what) + ": " + status.message());
}

std::string ReplaceAll(std::string text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

struct FuzzServer::Parts {
  std::string data_dir;
  std::unique_ptr<app::Application> app;
  server::Metrics metrics;
  server::Router router;
  server::PublicUrl public_url{"http://fuzz.invalid"};
  server::StreamItemCache stream_items;
  std::unique_ptr<server::Dispatcher> dispatcher;
  std::unique_ptr<server::LiveHub> hub;
  boost::asio::io_context io{1};
  std::unique_ptr<server::HttpServer> http;
  std::thread io_thread;
};

FuzzServer& FuzzServer::Get(bool listen) {
  // Never destroyed: threads of the server may still run when libFuzzer exits.
  static FuzzServer* server = new FuzzServer();
  if (listen && server->port_ == 0) server->Listen();
  return *server;
}

FuzzServer::FuzzServer() : parts_(std::make_unique<Parts>()) {
  spdlog::set_level(spdlog::level::off);  // millions of requests: the log is not the finding
  std::string pattern = (std::filesystem::temp_directory_path() / "agora-fuzz-XXXXXX").string();
  if (!mkdtemp(pattern.data())) Fail("mkdtemp failed");
  parts_->data_dir = pattern;

  app::ApplicationOptions options;
  options.data_dir = parts_->data_dir;
  options.accounts.password_cost = profiles::PasswordCost::Minimum();
  options.reader_connections = 2;
  parts_->app = Must(app::Application::Open(options), "open");
  app::Application& app = *parts_->app;
  Must(app.OpenSearch(search::SearchLimits{}, services::SearchIndexerOptions{}), "open search");
  app.search_indexer().Start();
  Must(app.StartSales(), "sales");

  server::AddOperationsRoutes(parts_->router, parts_->metrics, [] { return Status::Ok(); });
  server::AddSignInRoutes(parts_->router, app.accounts(), nullptr, {});
  app::AddResourceRoutes(parts_->router, app, parts_->public_url, parts_->stream_items);
  parts_->dispatcher =
      std::make_unique<server::Dispatcher>(parts_->router, app.accounts(), parts_->metrics,
                                           server::DispatcherOptions{.worker_threads = 2});

  auto provision = [&](const char* username, profiles::Role role) {
    profiles::NewUser user;
    user.username = username;
    user.password = "fuzz-password-1";
    user.role = role;
    user.profile.display_name = username;
    user.profile.email = std::string(username) + "@example.com";
    Must(app.accounts().Provision(user), "provision");
    return Must(app.accounts().Login(username, "fuzz-password-1", "127.0.0.1"), "login")
        .token.token;
  };
  admin_token_ = provision("camille.admin", profiles::Role::kAdmin);
  member_token_ = provision("lea.member", profiles::Role::kMember);

  auto created_id = [&](const char* path, const char* body) {
    server::ApiRequest request;
    request.method = "POST";
    request.path = {"api", "v1", path};
    request.authorization = "Bearer " + admin_token_;
    request.content_type = "application/json";
    request.body = body;
    server::ApiResponse response = Handle(request);
    rapidjson::Document doc;
    if (response.status != 201 || !ParseJson(response.body, doc).ok() || !doc.IsObject() ||
        !doc.HasMember("id") || !doc["id"].IsString()) {
      Fail(std::string("POST ") + path + ": " + response.body);
    }
    return std::string(doc["id"].GetString());
  };
  community_id_ =
      created_id("communities",
                 R"({"name":"Fuzz room","description":"where inputs land","visibility":"open"})");
  post_id_ = created_id("posts", R"({"text":"hello #fuzz @lea.member"})");
  server::ApiRequest me;
  me.method = "GET";
  me.path = {"api", "v1", "me"};
  me.authorization = "Bearer " + member_token_;
  rapidjson::Document doc;
  server::ApiResponse answer = Handle(me);
  if (!ParseJson(answer.body, doc).ok() || !doc.IsObject() || !doc.HasMember("id")) {
    Fail("GET /api/v1/me: " + answer.body);
  }
  member_id_ = doc["id"].GetString();
}

FuzzServer::~FuzzServer() = default;

void FuzzServer::Listen() {
  parts_->hub = std::make_unique<server::LiveHub>(parts_->app->streams(), server::StreamOptions{});
  parts_->app->live_events().Attach(parts_->hub.get());
  server::HttpOptions http;
  http.idle_timeout = std::chrono::milliseconds(2'000);
  http.read_timeout = std::chrono::milliseconds(2'000);
  parts_->http = std::make_unique<server::HttpServer>(parts_->io, *parts_->dispatcher, http);
  parts_->http->EnableStreams(*parts_->hub);
  std::string bound = Must(parts_->http->Listen("127.0.0.1", 0), "listen");
  port_ = static_cast<uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));
  parts_->io_thread = std::thread([this] { parts_->io.run(); });
}

server::ApiResponse FuzzServer::Handle(const server::ApiRequest& request) {
  return parts_->dispatcher->Handle(request);
}

std::string FuzzServer::Exchange(std::string_view bytes, std::string_view after_head) const {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  auto send_all = [fd](std::string_view part) {
    while (!part.empty()) {
      ssize_t n = send(fd, part.data(), part.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      part.remove_prefix(static_cast<size_t>(n));
    }
  };
  std::string answer;
  char chunk[16384];
  auto receive = [&] {
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) answer.append(chunk, static_cast<size_t>(n));
    return n > 0;
  };
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    send_all(bytes);
    if (!after_head.empty()) {
      while (answer.find("\r\n\r\n") == std::string::npos && receive()) {
      }
      send_all(after_head);
    }
    shutdown(fd, SHUT_WR);
    while (receive()) {
    }
  }
  close(fd);
  return answer;
}

std::string Substitute(std::string text, const FuzzServer& server) {
  text = ReplaceAll(std::move(text), "@TOKEN@", server.admin_token());
  text = ReplaceAll(std::move(text), "@MEMBER@", server.member_token());
  text = ReplaceAll(std::move(text), "@POST@", server.post_id());
  text = ReplaceAll(std::move(text), "@COMMUNITY@", server.community_id());
  return ReplaceAll(std::move(text), "@USER@", server.member_id());
}

}  // namespace agora::fuzz
