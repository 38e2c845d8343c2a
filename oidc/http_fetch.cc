// Beast's client templates are compiled here only; the header stays free of Boost.
#include "oidc/http_fetch.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "oidc/url.h"

namespace agora::oidc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

template <typename Stream>
asio::awaitable<void> WriteAndRead(Stream& stream, const http::request<http::string_body>& request,
                                   http::response_parser<http::string_body>& parser) {
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
}

asio::awaitable<void> Exchange(const HttpUrl& url, const http::request<http::string_body>& request,
                               http::response_parser<http::string_body>& parser,
                               std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (!url.tls()) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_await WriteAndRead(stream, request, parser);
    co_return;
  }
  ssl::context context(ssl::context::tls_client);
  context.set_default_verify_paths();
  context.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(executor, context);
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw beast::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  }
  beast::get_lowest_layer(stream).expires_after(timeout);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  co_await WriteAndRead(stream, request, parser);
}

Status Unreachable(const HttpUrl& url, const std::string& why) {
  return {StatusCode::kUnavailable, "idp_unreachable",
          "the identity provider at " + url.host + " did not answer: " + why};
}

}  // namespace

Result<FetchResponse> Fetch(const FetchRequest& request, const FetchOptions& options) {
  AGORA_ASSIGN_OR_RETURN(HttpUrl url, ParseHttpUrl(request.url));
  AGORA_RETURN_IF_ERROR(CheckTransport(url));

  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(url.target);
  message.version(11);
  bool default_port = url.port == (url.tls() ? "443" : "80");
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  message.set(http::field::host, default_port ? host : host + ":" + url.port);
  message.set(http::field::user_agent, "agora-oidc");
  message.set(http::field::accept, "application/json");
  message.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.body.empty()) {
    message.set(http::field::content_type, request.content_type);
    message.body() = request.body;
  }
  message.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body);
  parser.header_limit(16 * 1024);

  asio::io_context io;
  std::optional<std::string> failure;
  bool finished = false;
  asio::co_spawn(io, Exchange(url, message, parser, options.timeout),
                 [&](const std::exception_ptr& error) {
                   finished = true;
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     failure = e.what();
                   }
                 });
  // The stream's deadline covers connecting and the exchange; this one covers resolution too.
  io.run_for(options.timeout + std::chrono::milliseconds(100));
  if (!finished) return Unreachable(url, "timed out");
  if (failure) return Unreachable(url, *failure);
  FetchResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.body = std::move(parser.get().body());
  return response;
}

}  // namespace agora::oidc
