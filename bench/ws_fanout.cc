// ws_fanout: post-to-delivery latency of one author's post to N WebSocket followers of a
// running `agora serve`, side by side with the same payload through a local redis-server
// PUBLISH to N subscribers of one channel. Run by bench/ws_bench.sh, which starts both.
//
//   ws_fanout --port P --admin-password PW --n 10000 --posts 5 --server-pid PID
//             --redis-port 6399 --redis-pid PID
//
// One thread drives every receiving socket (asio, non-blocking); setup uses 32 threads of
// plain keep-alive HTTP. Latency: from just before the POST (or PUBLISH) is written to when a
// receiver has the whole message, over every receiver of every measured post.
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string admin_password = "admin-password-1";
  int n = 10000;
  int posts = 5;
  int server_pid = 0;
  int redis_port = 0;
  int redis_pid = 0;
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

long RssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

// One keep-alive HTTP connection, synchronous; from the local address `source` when given.
class Http {
 public:
  Http(const std::string& host, int port, const std::string& source = "") : stream_(io_) {
    if (!source.empty()) {
      stream_.socket().open(tcp::v4());
      stream_.socket().bind(tcp::endpoint(asio::ip::make_address(source), 0));
    }
    stream_.connect(tcp::endpoint(asio::ip::make_address(host), static_cast<uint16_t>(port)));
  }
  std::pair<int, std::string> Call(http::verb method, const std::string& target,
                                   const std::string& body, const std::string& token = "") {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "bench");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream_, buffer, res);
    return {res.result_int(), res.body()};
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
};

std::string Field(const std::string& json, const char* pointer) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError()) return "";
  const rapidjson::Value* v = rapidjson::Pointer(pointer).Get(doc);
  return v && v->IsString() ? v->GetString() : "";
}

// Password hashing is throttled per address (429) and overall (503): wait and retry.
template <typename Call>
auto RetryWhileThrottled(Call call) {
  for (;;) {
    auto answer = call();
    if (answer.first != 429 && answer.first != 503) return answer;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string Login(Http& h, const std::string& user, const std::string& password) {
  auto [status, body] = RetryWhileThrottled([&] {
    return h.Call(http::verb::post, "/api/v1/auth/login",
                  R"({"username":")" + user + R"(","password":")" + password + "\"}");
  });
  if (status != 200) throw std::runtime_error("login " + user + ": " + body);
  return Field(body, "/token");
}

struct Stats {
  double p50 = 0, p99 = 0, max = 0;
  size_t samples = 0;
};

Stats Summarize(std::vector<double> ms) {
  Stats s;
  s.samples = ms.size();
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, size_t(q * (ms.size() - 1) + 0.5))];
  };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = ms.back();
  return s;
}

// The receivers: N sockets on one io_context and one thread.
struct Receivers {
  asio::io_context io;
  std::vector<double> latencies_ms;  // touched on the io thread only
  std::vector<std::atomic<int64_t>>* sent_at = nullptr;
  std::atomic<int64_t> messages{0};
  std::atomic<int> open{0};
  std::atomic<int> failed{0};
  std::string sample;  // the first message, as the Redis payload
};

struct WsConn : std::enable_shared_from_this<WsConn> {
  WsConn(Receivers& r, std::string token)
      : r(r), ws(asio::make_strand(r.io)), token(std::move(token)) {}
  void Start(const tcp::endpoint& endpoint, std::function<void()> on_ready) {
    ready = std::move(on_ready);
    beast::get_lowest_layer(ws).async_connect(
        endpoint, [self = shared_from_this()](beast::error_code ec) {
          if (ec) return self->Fail();
          self->ws.async_handshake("bench", "/api/v1/stream?access_token=" + self->token,
                                   [self](beast::error_code ec) {
                                     if (ec) return self->Fail();
                                     ++self->r.open;
                                     self->ready();
                                     self->Read();
                                   });
        });
  }
  void Fail() {
    ++r.failed;
    ready();
  }
  void Read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      int64_t now = NowNs();
      int k = self->received++;
      if (k == 0 && self->r.sample.empty())
        self->r.sample = beast::buffers_to_string(self->buffer.data());
      // Message 0 is the warm-up post; 1..posts are measured.
      if (k >= 1 && static_cast<size_t>(k) <= self->r.sent_at->size()) {
        int64_t sent = (*self->r.sent_at)[k - 1].load();
        self->r.latencies_ms.push_back((now - sent) / 1e6);
      }
      self->buffer.consume(self->buffer.size());
      ++self->r.messages;
      self->Read();
    });
  }
  Receivers& r;
  websocket::stream<beast::tcp_stream> ws;
  std::string token;
  beast::flat_buffer buffer;
  int received = 0;
  std::function<void()> ready;
};

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// Redis subscribers: raw RESP over non-blocking sockets on one io thread.
struct RedisSub : std::enable_shared_from_this<RedisSub> {
  RedisSub(Receivers& r, size_t message_bytes)
      : r(r), socket(asio::make_strand(r.io)), expect(message_bytes) {}
  void Start(const tcp::endpoint& endpoint, std::function<void()> on_ready) {
    ready = std::move(on_ready);
    socket.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail();
      static const std::string kSubscribe = "SUBSCRIBE bench\r\n";
      asio::async_write(self->socket, asio::buffer(kSubscribe),
                        [self](beast::error_code ec, size_t) {
                          if (ec) return self->Fail();
                          self->Read();
                        });
    });
  }
  void Fail() {
    ++r.failed;
    ready();
  }
  void Read() {
    socket.async_read_some(
        asio::buffer(chunk), [self = shared_from_this()](beast::error_code ec, size_t n) {
          if (ec) return;
          int64_t now = NowNs();
          self->pending.append(self->chunk.data(), n);
          for (;;) {
            if (!self->subscribed) {
              // *3 $9 subscribe $5 bench :1
              auto end = self->pending.find(":1\r\n");
              if (end == std::string::npos) break;
              self->pending.erase(0, end + 4);
              self->subscribed = true;
              ++self->r.open;
              self->ready();
              continue;
            }
            if (self->pending.size() < self->expect) break;
            self->pending.erase(0, self->expect);
            int k = self->received++;
            if (k >= 1 && static_cast<size_t>(k) <= self->r.sent_at->size()) {
              self->r.latencies_ms.push_back((now - (*self->r.sent_at)[k - 1].load()) / 1e6);
            }
            ++self->r.messages;
          }
          self->Read();
        });
  }
  Receivers& r;
  tcp::socket socket;
  size_t expect;
  std::array<char, 16384> chunk{};
  std::string pending;
  bool subscribed = false;
  int received = 0;
  std::function<void()> ready;
};

// Opens `n` connections made by `make`, at most 256 handshakes at a time.
template <typename Make>
void OpenAll(Receivers& r, int n, const tcp::endpoint& endpoint, Make make) {
  auto next = std::make_shared<std::atomic<int>>(0);
  auto launch = std::make_shared<std::function<void()>>();
  *launch = [&r, n, endpoint, make, next, launch] {
    int i = next->fetch_add(1);
    if (i >= n) return;
    make(i)->Start(endpoint, [launch] { (*launch)(); });
  };
  for (int i = 0; i < 256; ++i) asio::post(r.io, [launch] { (*launch)(); });
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host")
      a.host = v;
    else if (k == "--port")
      a.port = std::atoi(v.c_str());
    else if (k == "--admin-password")
      a.admin_password = v;
    else if (k == "--n")
      a.n = std::atoi(v.c_str());
    else if (k == "--posts")
      a.posts = std::atoi(v.c_str());
    else if (k == "--server-pid")
      a.server_pid = std::atoi(v.c_str());
    else if (k == "--redis-port")
      a.redis_port = std::atoi(v.c_str());
    else if (k == "--redis-pid")
      a.redis_pid = std::atoi(v.c_str());
  }
  if (a.port == 0) {
    std::cerr << "usage: ws_fanout --port P [--n N] [--posts M] [--server-pid PID] "
                 "[--redis-port P --redis-pid PID]\n";
    return 2;
  }
  tcp::endpoint server(asio::ip::make_address(a.host), static_cast<uint16_t>(a.port));

  // 1. An author and N followers, each logged in, through the public API.
  Http admin_http(a.host, a.port);
  std::string admin = Login(admin_http, "admin", a.admin_password);
  auto create = [&](Http& h, const std::string& name) {
    auto [status, body] = RetryWhileThrottled([&] {
      return h.Call(http::verb::post, "/api/v1/users",
                    R"({"username":")" + name + R"(","display_name":")" + name + R"(","email":")" +
                        name + R"(@bench.example","password":"password-123"})",
                    admin);
    });
    if (status != 201) throw std::runtime_error("create " + name + ": " + body);
    return Field(body, "/id");
  };
  std::string author_id = create(admin_http, "author");
  std::string author_token = Login(admin_http, "author", "password-123");
  std::vector<std::string> tokens(a.n);
  auto setup_start = Clock::now();
  {
    std::vector<std::thread> threads;
    std::atomic<int> next{0};
    // Logins are limited per client address (1,000 per window, a few hashed at once): on
    // loopback each thread signs its people up from an address of its own in 127.0.0.0/8.
    bool loopback = a.host.rfind("127.", 0) == 0;
    for (int t = 0; t < 32; ++t) {
      threads.emplace_back([&, t] {
        Http h(a.host, a.port, loopback ? "127.0.1." + std::to_string(t + 1) : "");
        for (int i; (i = next++) < a.n;) {
          std::string name = "follower" + std::to_string(i);
          create(h, name);
          tokens[i] = Login(h, name, "password-123");
          auto [status, body] =
              h.Call(http::verb::post, "/api/v1/users/" + author_id + "/follow", "", tokens[i]);
          if (status != 200) throw std::runtime_error("follow: " + body);
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
  std::cerr << "setup: " << a.n << " followers in " << setup_s << " s\n";

  // 2. N WebSocket streams.
  std::vector<std::atomic<int64_t>> sent_at(a.posts);
  long rss_before = a.server_pid ? RssKb(a.server_pid) : 0;
  Stats ws_stats;
  double ws_kb_per_conn = 0;
  std::string sample;
  int ws_open = 0;
  {
    Receivers r;
    r.sent_at = &sent_at;
    std::vector<std::shared_ptr<WsConn>> conns;
    conns.reserve(a.n);
    for (int i = 0; i < a.n; ++i) conns.push_back(std::make_shared<WsConn>(r, tokens[i]));
    OpenAll(r, a.n, server, [&](int i) { return conns[i]; });
    std::thread io([&] { r.io.run(); });
    auto work = asio::make_work_guard(r.io);
    WaitFor([&] { return r.open + r.failed >= a.n; }, std::chrono::seconds(120));
    ws_open = r.open;
    std::cerr << "streams open: " << r.open << " failed: " << r.failed << "\n";
    // Warm-up post: proves every socket is subscribed before anything is measured.
    Http poster(a.host, a.port);
    auto post = [&](const std::string& text) {
      auto [status, body] = poster.Call(http::verb::post, "/api/v1/posts",
                                        R"({"text":")" + text + "\"}", author_token);
      if (status != 201) throw std::runtime_error("post: " + body);
    };
    post("warm-up");
    WaitFor([&] { return r.messages >= ws_open; }, std::chrono::seconds(30));
    long rss_after = a.server_pid ? RssKb(a.server_pid) : 0;
    ws_kb_per_conn = a.n ? double(rss_after - rss_before) / ws_open : 0;
    for (int k = 0; k < a.posts; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      sent_at[k] = NowNs();
      post("measured post " + std::to_string(k) +
           " - a status update of ordinary length, like most posts in a company network");
      WaitFor([&] { return r.messages >= int64_t(ws_open) * (k + 2); }, std::chrono::seconds(30));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    work.reset();
    asio::post(r.io, [&] {
      sample = r.sample;
      ws_stats = Summarize(r.latencies_ms);
      for (auto& c : conns) {
        beast::error_code ignored;
        beast::get_lowest_layer(c->ws).socket().close(ignored);
      }
    });
    io.join();
  }

  // 3. The same through Redis PUBLISH to N subscribers of one channel.
  Stats redis_stats;
  double redis_kb_per_conn = 0;
  int redis_open = 0;
  if (a.redis_port) {
    tcp::endpoint redis(asio::ip::make_address(a.host), static_cast<uint16_t>(a.redis_port));
    std::string payload = sample;
    // What a subscriber receives: *3 $7 message $5 bench $len payload.
    std::string frame = "*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$" + std::to_string(payload.size()) +
                        "\r\n" + payload + "\r\n";
    Receivers r;
    r.sent_at = &sent_at;
    long redis_before = a.redis_pid ? RssKb(a.redis_pid) : 0;
    std::vector<std::shared_ptr<RedisSub>> subs;
    for (int i = 0; i < a.n; ++i) subs.push_back(std::make_shared<RedisSub>(r, frame.size()));
    OpenAll(r, a.n, redis, [&](int i) { return subs[i]; });
    std::thread io([&] { r.io.run(); });
    auto work = asio::make_work_guard(r.io);
    WaitFor([&] { return r.open + r.failed >= a.n; }, std::chrono::seconds(120));
    redis_open = r.open;
    std::cerr << "redis subscribers: " << r.open << " failed: " << r.failed << "\n";
    asio::io_context pub_io;
    tcp::socket pub(pub_io);
    pub.connect(redis);
    auto publish = [&] {
      std::string cmd = "*3\r\n$7\r\nPUBLISH\r\n$5\r\nbench\r\n$" + std::to_string(payload.size()) +
                        "\r\n" + payload + "\r\n";
      asio::write(pub, asio::buffer(cmd));
      std::array<char, 64> reply{};
      pub.read_some(asio::buffer(reply));
    };
    publish();  // warm-up
    WaitFor([&] { return r.messages >= redis_open; }, std::chrono::seconds(30));
    redis_kb_per_conn = a.redis_pid ? double(RssKb(a.redis_pid) - redis_before) / redis_open : 0;
    for (int k = 0; k < a.posts; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      sent_at[k] = NowNs();
      publish();
      WaitFor([&] { return r.messages >= int64_t(redis_open) * (k + 2); },
              std::chrono::seconds(30));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    work.reset();
    asio::post(r.io, [&] {
      redis_stats = Summarize(r.latencies_ms);
      for (auto& s : subs) {
        beast::error_code ignored;
        s->socket.close(ignored);
      }
    });
    io.join();
  }

  std::printf(
      "\nreceivers: %d WebSocket streams (%d open), %d Redis subscribers; %d measured "
      "posts each; payload %zu bytes\n\n",
      a.n, ws_open, redis_open, a.posts, sample.size());
  std::printf("| delivery | p50 ms | p99 ms | max ms | samples | server KiB per connection |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  std::printf("| Agora POST -> WebSocket | %.1f | %.1f | %.1f | %zu | %.1f |\n", ws_stats.p50,
              ws_stats.p99, ws_stats.max, ws_stats.samples, ws_kb_per_conn);
  if (a.redis_port) {
    std::printf("| Redis PUBLISH -> SUBSCRIBE | %.1f | %.1f | %.1f | %zu | %.1f |\n",
                redis_stats.p50, redis_stats.p99, redis_stats.max, redis_stats.samples,
                redis_kb_per_conn);
    std::printf("| ratio Agora / Redis | %.2fx | %.2fx | %.2fx | | %.2fx |\n",
                ws_stats.p50 / redis_stats.p50, ws_stats.p99 / redis_stats.p99,
                ws_stats.max / redis_stats.max,
                redis_kb_per_conn > 0 ? ws_kb_per_conn / redis_kb_per_conn : 0.0);
  }
  std::printf(
      "\nws_fanout n=%d posts=%d ws_p50_ms=%.2f ws_p99_ms=%.2f redis_p50_ms=%.2f "
      "redis_p99_ms=%.2f ws_kib_per_conn=%.1f redis_kib_per_conn=%.1f setup_s=%.1f\n",
      a.n, a.posts, ws_stats.p50, ws_stats.p99, redis_stats.p50, redis_stats.p99, ws_kb_per_conn,
      redis_kb_per_conn, setup_s);
  return 0;
}
