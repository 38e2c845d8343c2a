#include "server/websocket_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <vector>

#include "server/errors.h"

namespace agora::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// How long a close handshake may take before the socket is simply shut.
constexpr auto kCloseGrace = std::chrono::seconds(1);

// Beast answers a handshake it refuses (no Sec-WebSocket-Key, a version other than 13, ...)
// with a plain-text body; this puts the error body of server/errors.h in its place.
void Decorate(websocket::response_type& response) {
  response.set(http::field::server, "agora");
  if (response.result() == http::status::switching_protocols) return;
  std::string message = std::move(response.body());
  ApiResponse error =
      response.result() == http::status::upgrade_required
          ? ErrorResponse(ProtocolError::kUpgradeRequired, message)
          : ErrorResponse(Status::InvalidArgument("bad_request", std::move(message)));
  response.result(static_cast<http::status>(error.status));
  response.set(http::field::content_type, error.content_type);
  for (auto& [name, value] : error.headers) response.set(name, value);
  response.body() = std::move(error.body);
  response.prepare_payload();
}

class WebSocketSession final : public StreamSocket,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(tcp::socket socket, LiveHub& hub, Viewer viewer, std::string token,
                   std::optional<Id> last_event_id)
      : ws_(std::move(socket)),
        hub_(hub),
        viewer_(viewer),
        token_(std::move(token)),
        last_event_id_(last_event_id),
        queue_(hub.options().queue_limit),
        close_timer_(ws_.get_executor()) {
    hub_.Opened();
  }

  ~WebSocketSession() override {
    hub_.Unsubscribe(this);
    hub_.Closed();
  }

  void Start(http::request<http::string_body> request) {
    const StreamOptions& o = hub_.options();
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    if (o.send_buffer > 0) {
      socket.set_option(asio::socket_base::send_buffer_size(o.send_buffer), ignored);
    }
    // Events are small and often come in bursts (a post, then a notification about it):
    // Nagle's algorithm would hold the second one back until the first is acknowledged.
    socket.set_option(tcp::no_delay(true), ignored);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = o.idle_timeout;
    timeouts.keep_alive_pings = true;  // a ping at half the idle timeout; no answer: closed
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(Decorate));
    ws_.read_message_max(o.message_max);
    auto shared_request = std::make_shared<http::request<http::string_body>>(std::move(request));
    ws_.async_accept(*shared_request, [self = shared_from_this(), shared_request](
                                          beast::error_code ec) { self->OnAccept(ec); });
  }

  void Send(std::shared_ptr<const std::string> message) override {
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), message = std::move(message)]() mutable {
                 self->Enqueue(std::move(message));
               });
  }

  void Replay(std::vector<std::shared_ptr<const std::string>> messages) override {
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), messages = std::move(messages)]() mutable {
                 if (self->closing_) return;
                 for (auto& message : messages) self->replay_.push_back(std::move(message));
                 if (!self->writing_ && !self->replay_.empty()) self->Write();
               });
  }

  void Close(uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      self->CloseNow(code, reason);
    });
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return;  // the client went away during the handshake
    hub_.Subscribe(shared_from_this(), viewer_, token_, last_event_id_);
    Read();
  }

  // Clients have nothing to say; reading keeps pings, pongs and the close handshake going.
  void Read() {
    ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->read_buffer_.consume(self->read_buffer_.size());
      self->Read();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == websocket::error::message_too_big) {
      return CloseNow(kCloseTooBig, "message too big");
    }
    Teardown();  // closed by the peer, timed out, or torn down here
  }

  void Enqueue(std::shared_ptr<const std::string> message) {
    if (closing_) return;
    if (!queue_.Push(std::move(message))) {
      hub_.CountSlowConsumer();
      spdlog::info("event=stream_slow_consumer user={} queued={}", viewer_.user_id, queue_.size());
      return CloseNow(kCloseTryAgain, "too slow: outbound queue full");
    }
    if (!writing_) Write();
  }

  // One message at a time: the replay first, then the queue.
  void Write() {
    writing_ = true;
    writing_replay_ = !replay_.empty();
    const std::string& message = writing_replay_ ? *replay_.front() : *queue_.front();
    ws_.text(true);
    ws_.async_write(asio::buffer(message),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->writing_ = false;
                      if (ec) return self->Teardown();
                      if (self->writing_replay_) {
                        self->replay_.pop_front();
                      } else {
                        self->queue_.pop();
                      }
                      if (!self->closing_ && (!self->replay_.empty() || !self->queue_.empty()))
                        self->Write();
                    });
  }

  void CloseNow(uint16_t code, const std::string& reason) {
    if (closing_) return;
    closing_ = true;
    queue_.KeepFront();  // the front one may be being written
    if (replay_.size() > 1) replay_.erase(replay_.begin() + 1, replay_.end());
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [self = shared_from_this()](beast::error_code) { self->Teardown(); });
    // A peer that reads nothing never lets the close frame through: shut it after a grace.
    close_timer_.expires_after(kCloseGrace);
    close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Teardown();
    });
  }

  void Teardown() {
    if (torn_down_) return;
    torn_down_ = true;
    closing_ = true;
    close_timer_.cancel();
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  LiveHub& hub_;
  const Viewer viewer_;
  const std::string token_;
  const std::optional<Id> last_event_id_;
  beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> replay_;  // written before queue_
  BoundedQueue<std::shared_ptr<const std::string>> queue_;
  asio::steady_timer close_timer_;
  bool writing_ = false;
  bool writing_replay_ = false;  // the message being written is replay_'s front
  bool closing_ = false;
  bool torn_down_ = false;
};

}  // namespace

void StartWebSocketSession(tcp::socket socket, http::request<http::string_body> request,
                           LiveHub& hub, Viewer viewer, std::string token,
                           std::optional<Id> last_event_id) {
  auto session = std::make_shared<WebSocketSession>(std::move(socket), hub, viewer,
                                                    std::move(token), last_event_id);
  session->Start(std::move(request));
}

}  // namespace agora::server
