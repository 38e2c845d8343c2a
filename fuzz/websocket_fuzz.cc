// The live stream: a WebSocket handshake (a valid one, or the input's own when it starts with
// "GET "), then the input's bytes as client frames, through the real server and hub.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& server = agora::fuzz::FuzzServer::Get(/*listen=*/true);
  std::string input =
      agora::fuzz::Substitute(std::string(reinterpret_cast<const char*>(data), size), server);
  if (input.starts_with("GET ")) {
    server.Exchange(input);
  } else if (!input.empty()) {
    server.Exchange(
        "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer " +
            server.member_token() + "\r\n\r\n",
        input);
  }
  return 0;
}
