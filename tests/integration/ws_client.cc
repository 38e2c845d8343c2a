#include "tests/integration/ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace agora::integration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

}  // namespace

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  bool open = false;
  int refusal_status = 0;
  std::string refusal_body;
  bool reading = false;
  bool closed = false;
  int close_code = 0;
  std::deque<std::string> inbox;

  // Runs handlers until `done()` or the deadline.
  template <typename Done>
  bool RunUntil(Clock::time_point deadline, Done done) {
    while (!done()) {
      io.restart();
      if (io.run_one_until(deadline) == 0 && Clock::now() >= deadline) break;
    }
    return done();
  }

  void StartRead() {
    if (reading || closed) return;
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, size_t) {
      reading = false;
      if (ec) {
        closed = true;
        close_code = ws.reason().code;
        return;
      }
      inbox.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    });
  }
};

WsClient::WsClient(const Endpoint& endpoint, const std::string& target, const HeaderList& headers,
                   int receive_buffer, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  auto deadline = Clock::now() + timeout;
  beast::error_code ec;
  auto& socket = beast::get_lowest_layer(m.ws).socket();
  auto address = asio::ip::make_address(endpoint.host, ec);
  if (ec) return;
  socket.open(tcp::v4(), ec);
  if (ec) return;
  if (receive_buffer > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
  }
  socket.connect(tcp::endpoint(address, static_cast<uint16_t>(endpoint.port)), ec);
  if (ec) return;
  m.ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  m.ws.read_message_max(64 << 20);
  websocket::response_type response;
  bool done = false;
  m.ws.async_handshake(response, endpoint.host + ":" + std::to_string(endpoint.port), target,
                       [&](beast::error_code e) {
                         done = true;
                         ec = e;
                       });
  m.RunUntil(deadline, [&] { return done; });
  if (!done) return;
  if (ec) {
    m.refusal_status = static_cast<int>(response.result_int());
    m.refusal_body = response.body();
    return;
  }
  m.open = true;
}

WsClient::~WsClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

bool WsClient::open() const { return impl_->open; }
int WsClient::refusal_status() const { return impl_->refusal_status; }
const std::string& WsClient::refusal_body() const { return impl_->refusal_body; }
bool WsClient::closed() const { return impl_->closed; }
int WsClient::close_code() const { return impl_->close_code; }

std::optional<std::string> WsClient::Read(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  if (!m.open) return std::nullopt;
  auto deadline = Clock::now() + timeout;
  m.RunUntil(deadline, [&] {
    if (m.inbox.empty()) m.StartRead();
    return !m.inbox.empty() || m.closed;
  });
  if (m.inbox.empty()) return std::nullopt;
  std::string message = std::move(m.inbox.front());
  m.inbox.pop_front();
  return message;
}

bool WsClient::WaitClosed(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  if (!m.open) return true;
  auto deadline = Clock::now() + timeout;
  return m.RunUntil(deadline, [&] {
    m.inbox.clear();
    m.StartRead();
    return m.closed;
  });
}

bool WsClient::Send(const std::string& text, std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  if (!m.open || m.closed) return false;
  bool done = false;
  beast::error_code ec;
  m.ws.text(true);
  m.ws.async_write(asio::buffer(text), [&](beast::error_code e, size_t) {
    done = true;
    ec = e;
  });
  m.RunUntil(Clock::now() + timeout, [&] { return done; });
  return done && !ec;
}

}  // namespace agora::integration
