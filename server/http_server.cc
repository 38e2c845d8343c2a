#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>
#include <unordered_map>

#include "core/logfmt.h"
#include "core/mutex.h"
#include "server/compression.h"
#include "server/errors.h"
#include "server/live_hub.h"
#include "server/request_id.h"
#include "server/websocket_session.h"

namespace agora::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

// Accepting fails mostly for want of descriptors (EMFILE, ENFILE), and then the connection
// stays in the backlog: accepting again at once would spin. The pause doubles up to the most.
constexpr std::chrono::milliseconds kAcceptPauseLeast{5};
constexpr std::chrono::milliseconds kAcceptPauseMost{1'000};
// At most one accept_failed line this often, counting the failures it stands for.
constexpr std::chrono::seconds kAcceptLogInterval{10};
// What one read takes while waiting for a kept-alive connection's next request.
constexpr size_t kFirstReadBytes = 4096;

// Every instance of header `name`, joined with ", " (a list header may come in several lines).
template <typename Fields, typename Name>
std::string JoinedHeader(const Fields& fields, Name name) {
  std::string joined;
  for (auto [it, end] = fields.equal_range(name); it != end; ++it) {
    if (!joined.empty()) joined += ", ";
    joined.append(it->value().data(), it->value().size());
  }
  return joined;
}

}  // namespace

struct ServerState {
  ServerState(asio::io_context& io, Dispatcher& d, HttpOptions o)
      : io(io),
        dispatcher(d),
        options(o),
        acceptor(asio::make_strand(io)),
        accept_pause(acceptor.get_executor()) {}

  asio::io_context& io;
  Dispatcher& dispatcher;
  const HttpOptions options;
  LiveHub* hub = nullptr;  // set before Listen; null: no streams
  tcp::acceptor acceptor;

  // On the acceptor's strand only.
  asio::steady_timer accept_pause;
  std::chrono::milliseconds accept_backoff{0};  // zero while accepting works
  uint64_t accept_failures_unlogged = 0;
  std::chrono::steady_clock::time_point next_accept_log{};

  std::atomic<bool> shutting_down{false};
  std::atomic<size_t> in_flight{0};

  // Guarded by sessions_mu.
  Mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions GUARDED_BY(sessions_mu);
  std::unordered_map<std::string, size_t> sessions_by_address GUARDED_BY(sessions_mu);
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) client_address_ = endpoint.address().to_string();
  }

  ~Session() {
    if (!admitted_) return;
    MutexLock lock(&state_->sessions_mu);
    state_->sessions.erase(this);
    auto from_address = state_->sessions_by_address.find(client_address_);
    if (--from_address->second == 0) state_->sessions_by_address.erase(from_address);
  }

  // Serves the connection, or refuses it with a short 503 over the server's cap or its
  // address's.
  void Start() {
    size_t streams = state_->hub ? state_->hub->sockets() : 0;
    std::string refusal;
    {
      MutexLock lock(&state_->sessions_mu);
      size_t& from_address = state_->sessions_by_address[client_address_];
      if (state_->sessions.size() + streams >= state_->options.max_connections) {
        refusal = "too many connections; retry shortly";
      } else if (from_address >= state_->options.max_connections_per_address) {
        refusal = "too many connections from your address; retry shortly";
      } else {
        ++from_address;
        admitted_ = true;
        state_->sessions.emplace(this, weak_from_this());
      }
      if (from_address == 0) state_->sessions_by_address.erase(client_address_);
    }
    if (!admitted_) return Refuse(refusal);
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called from any thread during shutdown.
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Refuse(const std::string& message) {
    closing_ = true;
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), message] {
      self->WriteAndClose(ErrorResponse(Status::Unavailable(message), 1));
    });
  }

  // A new connection's head must be complete within the header deadline; a kept-alive one
  // may wait up to the idle timeout for the next request's first byte, then has as long.
  void ReadHeader() {
    if (closing_ || state_->shutting_down) return Close();
    head_request_ = false;
    accepts_gzip_ = false;
    parser_.emplace();
    parser_->body_limit(state_->options.body_limit);
    parser_->header_limit(static_cast<uint32_t>(state_->options.header_limit));
    if (first_request_ || buffer_.size() > 0) return ReadRestOfHeader();
    stream_.expires_after(state_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->OnReadError(ec);
                              self->buffer_.commit(n);
                              self->ReadRestOfHeader();
                            });
  }

  void ReadRestOfHeader() {
    stream_.expires_after(std::min(state_->options.header_timeout, state_->options.idle_timeout));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    first_request_ = false;
    const auto& header = parser_->get();
    if (auto length = parser_->content_length(); length && *length > state_->options.body_limit) {
      version_ = header.version();
      return WriteAndClose(BodyTooLarge());
    }
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // Clients that wait for this would otherwise stall before sending the body.
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                        header.version());
      stream_.expires_after(state_->options.write_timeout);
      http::async_write(stream_, *interim,
                        [self = shared_from_this(), interim](beast::error_code ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(state_->options.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == beast::error::timeout ||
        ec == asio::error::connection_reset) {
      return Close();
    }
    version_ = 11;
    if (ec == http::error::body_limit) return WriteAndClose(BodyTooLarge());
    if (ec == http::error::header_limit) {
      return WriteAndClose(ErrorResponse(
          ProtocolError::kHeadersTooLarge,
          "the request headers exceed " + std::to_string(state_->options.header_limit) + " bytes"));
    }
    WriteAndClose(ErrorResponse(Status::InvalidArgument("bad_request", "malformed HTTP request")));
  }

  ApiResponse BodyTooLarge() const {
    return ErrorResponse(Status(
        StatusCode::kPayloadTooLarge, "payload_too_large",
        "the body exceeds the limit of " + std::to_string(state_->options.body_limit) + " bytes"));
  }

  void OnRead(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    http::request<http::string_body> request = parser_->release();
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    head_request_ = request.method() == http::verb::head;
    accepts_gzip_ = AcceptsGzip(request[http::field::accept_encoding]);

    ApiRequest api;
    api.method = std::string(request.method_string());
    auto target = boost::urls::parse_origin_form(request.target());
    if (!target) {
      return Write(
          ErrorResponse(Status::InvalidArgument("bad_request", "malformed request target")));
    }
    for (auto segment : target->segments()) api.path.emplace_back(segment);
    for (auto param : target->params()) api.query.emplace_back(param.key, param.value);
    api.authorization = std::string(request[http::field::authorization]);
    api.content_type = std::string(request[http::field::content_type]);
    api.accept = std::string(request[http::field::accept]);
    api.cookie = std::string(request[http::field::cookie]);
    api.host = std::string(request[http::field::host]);
    if (auto key = request.find("Idempotency-Key"); key != request.end()) {
      api.idempotency_key = std::string(key->value());
    }
    api.if_match = JoinedHeader(request, http::field::if_match);
    api.if_none_match = JoinedHeader(request, http::field::if_none_match);
    api.client_address = client_address_;
    api.forwarded = JoinedHeader(request, http::field::forwarded);
    api.x_forwarded_for = JoinedHeader(request, std::string_view("X-Forwarded-For"));
    api.origin = std::string(request[http::field::origin]);
    api.access_control_request_method =
        std::string(request[http::field::access_control_request_method]);
    api.request_id = AcceptedRequestId(request["X-Request-Id"]);
    if (state_->hub && beast::websocket::is_upgrade(request) && api.path.size() == 3 &&
        api.path[0] == "api" && api.path[1] == "v1" && api.path[2] == "stream") {
      return Upgrade(std::move(request), api);
    }
    api.body = std::move(request.body());

    busy_ = true;
    ++state_->in_flight;
    state_->dispatcher.Dispatch(std::move(api), [self = shared_from_this()](ApiResponse response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        --self->state_->in_flight;
        self->Write(std::move(response));
      });
    });
  }

  // GET /api/v1/stream with an upgrade: the token (header, else `access_token`) is checked on
  // a worker thread; a bad one answers 401 with the JSON error body and no upgrade.
  void Upgrade(http::request<http::string_body> request, const ApiRequest& api) {
    std::string token = BearerToken(api.authorization).value_or("");
    if (token.empty()) token = std::string(api.query_param("access_token").value_or(""));
    std::optional<Id> last_event_id;
    std::string last = std::string(api.query_param("last_event_id").value_or(""));
    if (last.empty()) last = std::string(request["Last-Event-ID"]);
    if (!last.empty()) {
      last_event_id = ParseId(last);
      if (!last_event_id) {
        return WriteAndClose(ErrorResponse(Status::InvalidArgument(
            "invalid_last_event_id", "last_event_id is an event id this server sent")));
      }
    }
    if (token.empty()) {
      return WriteAndClose(ErrorResponse(
          Status::Unauthenticated("send Authorization: Bearer <token> or access_token")));
    }
    busy_ = true;
    ++state_->in_flight;
    auto shared_request = std::make_shared<http::request<http::string_body>>(std::move(request));
    state_->dispatcher.Post([self = shared_from_this(), token, shared_request, last_event_id] {
      auto viewer = self->state_->hub->Authenticate(token);
      asio::post(self->stream_.get_executor(), [self, viewer, token, shared_request,
                                                last_event_id]() mutable {
        --self->state_->in_flight;
        self->busy_ = false;
        if (!viewer.ok()) {
          return self->WriteAndClose(ErrorResponse(viewer.status()));
        }
        if (self->closing_ || self->state_->shutting_down) {
          return self->WriteAndClose(ErrorResponse(Status::Unavailable("shutting down"), 1));
        }
        StartWebSocketSession(self->stream_.release_socket(), std::move(*shared_request),
                              *self->state_->hub, *viewer, token, last_event_id);
      });
    });
  }

  // Every answer goes out here, errors included (their bodies come from server/errors.h).
  void Write(ApiResponse api) { Write(std::move(api), keep_alive_); }
  void WriteAndClose(ApiResponse api) { Write(std::move(api), false); }

  void Write(ApiResponse api, bool keep_alive) {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(api.status), version_);
    response->set(http::field::server, "agora");
    if (!api.content_type.empty()) response->set(http::field::content_type, api.content_type);
    response->set(http::field::cache_control, "no-store");
    response->set("X-Content-Type-Options", "nosniff");
    for (auto& [name, value] : api.headers) {
      // A handler's header replaces the default above, except those that may come twice.
      if (beast::iequals(name, "Vary") || beast::iequals(name, "Set-Cookie")) {
        response->insert(name, value);
      } else {
        response->set(name, value);
      }
    }
    // Answers made here, before a request was read whole, still name themselves.
    if (response->find("X-Request-Id") == response->end()) {
      response->set("X-Request-Id", NewRequestId());
    }
    if (WorthCompressing(api.content_type, api.body.size())) {
      // The answer depends on Accept-Encoding whether or not this client asked for gzip.
      std::string vary((*response)[http::field::vary]);
      response->set(http::field::vary,
                    vary.empty() ? "Accept-Encoding" : vary + ", Accept-Encoding");
      std::optional<std::string> compressed;
      if (accepts_gzip_) compressed = Gzip(api.body);
      if (compressed) {
        api.body = std::move(*compressed);
        response->set(http::field::content_encoding, "gzip");
      }
    }
    response->body() = std::move(api.body);
    response->keep_alive(keep_alive && !closing_ && !state_->shutting_down);
    // A 304 carries no body and no Content-Length of its own (RFC 9110, 8.6).
    if (api.status != 304) response->prepare_payload();
    if (head_request_ && api.status != 304) {
      // The head of the GET answer, Content-Length included, and not one byte of its body.
      uint64_t length = response->body().size();
      response->body().clear();
      response->content_length(length);
    }
    busy_ = true;
    Send(response);
  }

  void Send(const std::shared_ptr<http::response<http::string_body>>& response) {
    stream_.expires_after(state_->options.write_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, size_t) {
                        self->busy_ = false;
                        if (ec || !response->keep_alive()) return self->Close();
                        self->ReadHeader();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ServerState> state_;
  std::string client_address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool admitted_ = false;  // counted in the server's sessions and its address's
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool head_request_ = false;  // the answer goes out without its body
  bool accepts_gzip_ = false;  // the request's Accept-Encoding takes gzip
  unsigned version_ = 11;
  bool busy_ = false;     // a request is being handled or a response written
  bool closing_ = false;  // close after the current response
};

void PauseAccepting(const std::shared_ptr<ServerState>& state, beast::error_code error);

// Handlers run on the acceptor's strand.
void Accept(const std::shared_ptr<ServerState>& state) {
  state->acceptor.async_accept(
      asio::make_strand(state->io), [state](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) return;
        if (ec) return PauseAccepting(state, ec);
        state->accept_backoff = std::chrono::milliseconds(0);
        std::make_shared<Session>(std::move(socket), state)->Start();
        if (!state->shutting_down) Accept(state);
      });
}

void PauseAccepting(const std::shared_ptr<ServerState>& state, beast::error_code error) {
  state->accept_backoff =
      std::clamp(state->accept_backoff * 2, kAcceptPauseLeast, kAcceptPauseMost);
  ++state->accept_failures_unlogged;
  auto now = std::chrono::steady_clock::now();
  if (now >= state->next_accept_log) {
    spdlog::warn("event=accept_failed error={} failures={} pause_ms={}", LogValue(error.message()),
                 state->accept_failures_unlogged, state->accept_backoff.count());
    state->accept_failures_unlogged = 0;
    state->next_accept_log = now + kAcceptLogInterval;
  }
  state->accept_pause.expires_after(state->accept_backoff);
  state->accept_pause.async_wait([state](beast::error_code ec) {
    if (!ec && !state->shutting_down) Accept(state);
  });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, Dispatcher& dispatcher, HttpOptions options)
    : state_(std::make_shared<ServerState>(io, dispatcher, options)) {}

HttpServer::~HttpServer() = default;

void HttpServer::EnableStreams(LiveHub& hub) { state_->hub = &hub; }

Result<std::string> HttpServer::Listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("invalid_listen", "cannot parse address " + host);
  tcp::endpoint endpoint(address, port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                               ec.message());
  auto bound = acceptor.local_endpoint();
  Accept(state_);
  std::string address_text = bound.address().to_string();
  if (bound.address().is_v6()) address_text = "[" + address_text + "]";
  return address_text + ":" + std::to_string(bound.port());
}

void HttpServer::BeginShutdown() {
  state_->shutting_down = true;
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    state->accept_pause.cancel();
  });
  std::vector<std::shared_ptr<Session>> sessions;
  {
    MutexLock lock(&state_->sessions_mu);
    for (auto& [raw, weak] : state_->sessions) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  for (auto& session : sessions) session->Shutdown();
  if (state_->hub) state_->hub->CloseAll();
}

size_t HttpServer::open_connections() const {
  MutexLock lock(&state_->sessions_mu);
  return state_->sessions.size();
}

size_t HttpServer::requests_in_flight() const { return state_->in_flight; }

}  // namespace agora::server
