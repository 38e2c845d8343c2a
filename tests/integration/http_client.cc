#include "tests/integration/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace agora::integration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Large enough for /metrics and any page the tests read.
constexpr uint64_t kResponseBodyLimit = 64ull << 20;

}  // namespace

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

bool HttpResult::has_header(const std::string& name) const { return headers.contains(Lower(name)); }

std::ostream& operator<<(std::ostream& out, const HttpResult& result) {
  out << result.status << " " << result.body;
  if (!result.error.empty()) out << " (" << result.error << ")";
  return out;
}

struct HttpConnection::Impl {
  Impl(const Endpoint& e, std::chrono::milliseconds t) : endpoint(e), timeout(t), stream(io) {}

  // Runs the queued asynchronous operation to completion; tcp_stream's deadline bounds it.
  void RunQueued() {
    io.restart();
    io.run();
  }

  beast::error_code Connect() {
    beast::error_code ec;
    auto address = asio::ip::make_address(endpoint.host, ec);
    if (ec) return ec;
    stream.expires_after(timeout);
    stream.async_connect(tcp::endpoint(address, static_cast<uint16_t>(endpoint.port)),
                         [&ec](beast::error_code e) { ec = e; });
    RunQueued();
    return ec;
  }

  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    connected = false;
    buffer.clear();
  }

  Endpoint endpoint;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpConnection::HttpConnection(const Endpoint& endpoint, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(endpoint, timeout)) {}

HttpConnection::~HttpConnection() { impl_->Close(); }

HttpResult HttpConnection::Request(const std::string& method, const std::string& target,
                                   const std::string& body, const std::string& token,
                                   const HeaderList& extra_headers) {
  HttpResult result;
  kept_alive_ = false;
  if (!impl_->connected) {
    if (auto ec = impl_->Connect()) {
      result.error = "connect: " + ec.message();
      impl_->Close();
      return result;
    }
    impl_->connected = true;
  }

  http::request<http::string_body> request;
  request.version(11);
  http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    request.method_string(method);
  } else {
    request.method(verb);
  }
  request.target(target);
  request.set(http::field::host, impl_->endpoint.host + ":" + std::to_string(impl_->endpoint.port));
  request.set(http::field::user_agent, "agora-integration-tests");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : extra_headers) request.set(name, value);
  request.body() = body;
  request.keep_alive(true);
  request.prepare_payload();

  beast::error_code ec;
  impl_->stream.expires_after(impl_->timeout);
  http::async_write(impl_->stream, request, [&ec](beast::error_code e, size_t) { ec = e; });
  impl_->RunQueued();
  if (ec) {
    result.error = "write: " + ec.message();
    impl_->Close();
    return result;
  }

  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseBodyLimit);
  // The answer to HEAD has the GET's Content-Length and no body.
  parser.skip(verb == http::verb::head);
  impl_->stream.expires_after(impl_->timeout);
  http::async_read(impl_->stream, impl_->buffer, parser,
                   [&ec](beast::error_code e, size_t) { ec = e; });
  impl_->RunQueued();
  if (ec) {
    result.error = "read: " + ec.message();
    impl_->Close();
    return result;
  }
  auto response = parser.release();
  result.status = static_cast<int>(response.result_int());
  result.body = std::move(response.body());
  for (const auto& field : response) {
    result.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
  }
  kept_alive_ = response.keep_alive();
  if (!kept_alive_) impl_->Close();
  return result;
}

HttpResult Request(const Endpoint& endpoint, const std::string& method, const std::string& target,
                   const std::string& body, const std::string& token,
                   const HeaderList& extra_headers) {
  HttpConnection connection(endpoint);
  return connection.Request(method, target, body, token, extra_headers);
}

RawConnection::RawConnection(const Endpoint& endpoint, const std::string& source_address) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(endpoint.port));
  if (inet_pton(AF_INET, endpoint.host.c_str(), &address.sin_addr) != 1) return;
  sockaddr_in source{};
  source.sin_family = AF_INET;
  if (!source_address.empty() &&
      inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) != 1) {
    return;
  }
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if ((!source_address.empty() &&
       bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) ||
      connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

std::string RawConnection::ReadUntil(const std::string& marker, std::chrono::milliseconds timeout) {
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fd_ >= 0 && !peer_closed_) {
    if (!marker.empty() && received.find(marker) != std::string::npos) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd waiting{fd_, POLLIN, 0};
    int ready = poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;  // orderly close (0) or reset (ECONNRESET)
      break;
    }
    received.append(chunk, static_cast<size_t>(n));
  }
  return received;
}

std::string RawConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  return ReadUntil("", timeout);
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) {
  ReadUntilClosed(timeout);
  return peer_closed_;
}

std::string SendRaw(const Endpoint& endpoint, const std::string& bytes,
                    std::chrono::milliseconds timeout) {
  RawConnection connection(endpoint);
  if (!connection.connected()) return "";
  connection.Send(bytes);  // the server may close early; read whatever it answered anyway
  return connection.ReadUntilClosed(timeout);
}

int RawStatus(const std::string& raw_response) {
  // "HTTP/1.1 413 Payload Too Large"
  if (!raw_response.starts_with("HTTP/1.")) return 0;
  size_t space = raw_response.find(' ');
  if (space == std::string::npos || raw_response.size() < space + 4) return 0;
  int status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(raw_response[i]))) return 0;
    status = status * 10 + (raw_response[i] - '0');
  }
  return status;
}

std::string RawBody(const std::string& raw_response) {
  size_t blank = raw_response.find("\r\n\r\n");
  return blank == std::string::npos ? "" : raw_response.substr(blank + 4);
}

}  // namespace agora::integration
