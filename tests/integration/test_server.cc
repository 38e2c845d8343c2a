#include "tests/integration/test_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "storage/connection.h"
#include "tests/support/postgres_cluster.h"

namespace agora::integration {
namespace {

using Clock = std::chrono::steady_clock;

int ExitStatusOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Starts AgoraBinary() with `args`; the child's standard streams become the given descriptors.
// Every descriptor of ours is close-on-exec, so the child inherits only these three. A non-zero
// `open_files` becomes the child's open-file limit, soft and hard.
pid_t Spawn(const std::vector<std::string>& args, int stdin_fd, int stdout_fd, int stderr_fd,
            rlim_t open_files = 0) {
  // Built before fork: between fork and exec only async-signal-safe calls are allowed.
  std::vector<std::string> storage;
  storage.push_back(AgoraBinary());
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // The server must meet signals as a fresh process would, whatever this one set up.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int number : {SIGTERM, SIGINT, SIGPIPE}) std::signal(number, SIG_DFL);
    if (dup2(stdin_fd, STDIN_FILENO) < 0 || dup2(stdout_fd, STDOUT_FILENO) < 0 ||
        dup2(stderr_fd, STDERR_FILENO) < 0) {
      _exit(127);
    }
    rlimit limit{open_files, open_files};
    if (open_files > 0 && setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

struct Pipe {
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  void CloseRead() {
    if (read_end >= 0) close(read_end);
    read_end = -1;
  }
  void CloseWrite() {
    if (write_end >= 0) close(write_end);
    write_end = -1;
  }
  int read_end = -1;
  int write_end = -1;
};

int OpenDevNull() {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open /dev/null");
  return fd;
}

// Reads `fd` until `done(text)` or end of file or the deadline; returns what was read.
template <typename Done>
std::string ReadFd(int fd, Clock::time_point deadline, Done done) {
  std::string text;
  while (!done(text)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd waiting{fd, POLLIN, 0};
    int ready = poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(chunk, static_cast<size_t>(n));
  }
  return text;
}

// Waits for `pid` until `deadline`; its exit status, or -1 when it is still running.
int WaitUntil(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int wait_status = 0;
    pid_t done = waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) return ExitStatusOf(wait_status);
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// On PostgreSQL: the database of each live TestServer, by its data folder, for RunAgora.
std::mutex stores_mu;
std::map<std::string, std::string> stores_by_data_dir;

std::string StoreOf(const std::string& data_dir) {
  std::lock_guard lock(stores_mu);
  auto found = stores_by_data_dir.find(data_dir);
  return found == stores_by_data_dir.end() ? "" : found->second;
}

// Removes the folder of a TestServer and forgets its database.
void RemoveServerFolder(const std::string& root_dir, const std::string& data_dir) {
  {
    std::lock_guard lock(stores_mu);
    stores_by_data_dir.erase(data_dir);
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_dir, ignored);
}

// Skips every test when the suite is to run on PostgreSQL and it cannot run here.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!agora::testing::PostgresCluster::Get()) {
      GTEST_SKIP() << agora::testing::PostgresCluster::WhyNot();
    }
  }
};

[[maybe_unused]] const ::testing::Environment* const postgres_environment =
    OnPostgres() ? ::testing::AddGlobalTestEnvironment(new PostgresEnvironment) : nullptr;

Result<std::unique_ptr<storage::Connection>> OpenStore(const TestServer& server,
                                                       storage::Connection::Mode mode) {
  return storage::Connection::Open(
      server.store_url().empty() ? server.data_dir() + "/agora.db" : server.store_url(), mode);
}

int KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  return ExitStatusOf(wait_status);
}

}  // namespace

bool OnPostgres() {
  const char* store = std::getenv("AGORA_TEST_STORE");
  return store && std::string_view(store) == "postgresql";
}

const char* AgoraBinary() {
  const char* chosen = std::getenv("AGORA_BINARY");
  return chosen && *chosen ? chosen : AGORA_BINARY;
}

CommandResult AddAdminToStore(const std::string& store_url, const std::string& data_dir) {
  return RunAgora({"user", "add", "--store", store_url, "--data", data_dir, "--username",
                   TestServer::kAdminUsername, "--display-name", "Admin", "--email",
                   "admin@example.com", "--admin", "--password-cost", "minimum"},
                  std::string(TestServer::kAdminPassword) + "\n");
}

CommandResult RunAgora(const std::vector<std::string>& args,
                       const std::optional<std::string>& stdin_text,
                       std::chrono::milliseconds timeout) {
  std::vector<std::string> full = args;
  auto data = std::find(full.begin(), full.end(), "--data");
  if (data != full.end() && data + 1 != full.end()) {
    if (std::string store = StoreOf(data[1]); !store.empty()) {
      full.insert(data + 2, {"--store", store});
    }
  }
  Pipe output;
  Pipe input;
  int stdin_fd = stdin_text ? input.read_end : OpenDevNull();
  pid_t pid = Spawn(full, stdin_fd, output.write_end, output.write_end);
  if (!stdin_text) close(stdin_fd);
  input.CloseRead();
  output.CloseWrite();
  if (stdin_text) {
    // Small enough for the pipe buffer, so this cannot block on a child that never reads.
    ssize_t ignored = write(input.write_end, stdin_text->data(), stdin_text->size());
    (void)ignored;
  }
  input.CloseWrite();

  auto deadline = Clock::now() + timeout;
  CommandResult result;
  result.output = ReadFd(output.read_end, deadline, [](const std::string&) { return false; });
  result.exit_status = WaitUntil(pid, deadline);
  if (result.exit_status == -1) KillAndReap(pid);
  return result;
}

TestServer::TestServer(std::vector<std::string> extra_serve_args, rlim_t open_files)
    : extra_serve_args_(std::move(extra_serve_args)), open_files_(open_files) {
  agora::testing::PostgresCluster* cluster = nullptr;
  if (OnPostgres() && !(cluster = agora::testing::PostgresCluster::Get())) {
    throw std::runtime_error(agora::testing::PostgresCluster::WhyNot());
  }
  char pattern[] = "/tmp/agora-integration-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  root_dir_ = pattern;
  data_dir_ = root_dir_ + "/data";
  log_path_ = root_dir_ + "/server.log";
  if (cluster) {
    store_url_ = cluster->NewDatabase();
    std::lock_guard lock(stores_mu);
    stores_by_data_dir[data_dir_] = store_url_;
  }

  CommandResult added =
      RunAgora({"user", "add", "--data", data_dir_, "--username", kAdminUsername, "--display-name",
                "Admin", "--email", "admin@example.com", "--admin", "--password-cost", "minimum"},
               std::string(kAdminPassword) + "\n");
  if (added.exit_status != 0) {
    RemoveServerFolder(root_dir_, data_dir_);
    throw std::runtime_error("agora user add failed (" + std::to_string(added.exit_status) +
                             "): " + added.output);
  }
  try {
    Start();
  } catch (...) {
    RemoveServerFolder(root_dir_, data_dir_);
    throw;
  }
}

TestServer::TestServer(JoinStore, std::vector<std::string> extra_serve_args)
    : extra_serve_args_(std::move(extra_serve_args)) {
  char pattern[] = "/tmp/agora-integration-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  root_dir_ = pattern;
  data_dir_ = root_dir_ + "/data";
  log_path_ = root_dir_ + "/server.log";
  try {
    Start();
  } catch (...) {
    std::filesystem::remove_all(root_dir_);
    throw;
  }
}

TestServer::~TestServer() {
  if (running()) Kill();
  RemoveServerFolder(root_dir_, data_dir_);
}

void TestServer::Start() {
  if (running()) throw std::runtime_error("the server is already running");
  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path_);
  int stdin_fd = OpenDevNull();
  Pipe output;

  std::vector<std::string> args = {"serve", "--data", data_dir_, "--listen", "127.0.0.1:0"};
  if (!store_url_.empty()) args.insert(args.end(), {"--store", store_url_});
  // Cheap hashing keeps account creation and login fast, unless the test asks otherwise.
  if (std::find(extra_serve_args_.begin(), extra_serve_args_.end(), "--password-cost") ==
      extra_serve_args_.end()) {
    args.insert(args.end(), {"--password-cost", "minimum"});
  }
  // No web client unless the test gives one: whether web/dist was built must not change what
  // the API tests see at paths outside /api/.
  if (std::find(extra_serve_args_.begin(), extra_serve_args_.end(), "--web-root") ==
      extra_serve_args_.end()) {
    args.insert(args.end(), {"--web-root", root_dir_ + "/no-web-client"});
  }
  // Tests write fast from one account: per-account quotas only where a test names one
  // (`--quota ACTION=COUNT/DURATION`; the other actions then keep their defaults).
  if (std::find(extra_serve_args_.begin(), extra_serve_args_.end(), "--quota") ==
      extra_serve_args_.end()) {
    args.emplace_back("--no-quotas");
  }
  // A loaded test machine makes requests wait for a worker without the server being overloaded:
  // no queue deadline unless the test names one (tests/server/dispatcher_test.cc covers it).
  if (std::find(extra_serve_args_.begin(), extra_serve_args_.end(), "--max-queue-wait-ms") ==
      extra_serve_args_.end()) {
    args.insert(args.end(), {"--max-queue-wait-ms", "0"});
  }
  args.insert(args.end(), extra_serve_args_.begin(), extra_serve_args_.end());
  pid_ = Spawn(args, stdin_fd, output.write_end, log_fd, open_files_);
  close(stdin_fd);
  close(log_fd);
  output.CloseWrite();

  // The server prints "listening on HOST:PORT" once it accepts connections.
  constexpr std::string_view kMarker = "listening on ";
  std::string text =
      ReadFd(output.read_end, Clock::now() + std::chrono::seconds(15), [&](const std::string& t) {
        size_t at = t.find(kMarker);
        return at != std::string::npos && t.find('\n', at) != std::string::npos;
      });
  size_t at = text.find(kMarker);
  size_t end = at == std::string::npos ? std::string::npos : text.find('\n', at);
  if (end == std::string::npos) {
    int status = running() ? KillAndReap(pid_) : -1;
    pid_ = -1;
    throw std::runtime_error("agora serve did not report its address (exit status " +
                             std::to_string(status) + "); stdout: " + text + "; log: " + Log());
  }
  std::string address = text.substr(at + kMarker.size(), end - at - kMarker.size());
  size_t colon = address.rfind(':');
  endpoint_.host = address.substr(0, colon);
  endpoint_.port = std::stoi(address.substr(colon + 1));
  // Keep our end open: the server may still write to standard output.
  stdout_fd_ = output.read_end;
  output.read_end = -1;
}

void TestServer::Restart() { Start(); }

void TestServer::Signal(int signal) {
  if (running()) kill(pid_, signal);
}

int TestServer::WaitForExit(std::chrono::milliseconds timeout) {
  if (!running()) return -1;
  int status = WaitUntil(pid_, Clock::now() + timeout);
  if (status != -1) {
    pid_ = -1;
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
  return status;
}

int TestServer::Stop(std::chrono::milliseconds timeout) {
  if (!running()) return -1;
  kill(pid_, SIGTERM);
  int status = WaitForExit(timeout);
  if (status == -1) {
    Kill();
    return -1;
  }
  return status;
}

void TestServer::Kill() {
  if (!running()) return;
  KillAndReap(pid_);
  pid_ = -1;
  close(stdout_fd_);
  stdout_fd_ = -1;
}

std::string TestServer::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void TestServer::ExecSql(const std::string& sql) const {
  auto store = OpenStore(*this, storage::Connection::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status().message();
  Status done = (*store)->exec(sql);
  ASSERT_TRUE(done.ok()) << sql << ": " << done.message();
}

std::vector<std::string> TestServer::SqlColumn(const std::string& sql) const {
  std::vector<std::string> column;
  auto store = OpenStore(*this, storage::Connection::Mode::kReadWrite);
  EXPECT_TRUE(store.ok()) << store.status().message();
  if (!store.ok()) return column;
  auto stmt = (*store)->prepare(sql.c_str());
  EXPECT_TRUE(stmt.ok()) << sql << ": " << stmt.status().message();
  if (!stmt.ok()) return column;
  for (;;) {
    auto row = (*stmt)->step();
    EXPECT_TRUE(row.ok()) << sql << ": " << row.status().message();
    if (!row.ok() || !*row) return column;
    column.push_back((*stmt)->column_text(0));
  }
}

HttpResult TestServer::Request(const std::string& method, const std::string& target,
                               const std::string& body, const std::string& token,
                               const HeaderList& extra_headers) const {
  return integration::Request(endpoint_, method, target, body, token, extra_headers);
}

std::string TestServer::Login(const std::string& username, const std::string& password) const {
  HttpResult login = Request("POST", "/api/v1/auth/login",
                             JsonBody().Set("username", username).Set("password", password).str());
  auto token = JsonString(login.body, "/token");
  if (login.status != 200 || !token) {
    ADD_FAILURE() << "login as " << username << " failed: " << login.status << " " << login.body
                  << login.error;
    return "";
  }
  return *token;
}

std::string TestServer::CreateUser(const std::string& admin_token, const std::string& username,
                                   JsonBody body) const {
  body.Set("username", username);
  if (!body.Has("display_name")) body.Set("display_name", "User " + username);
  if (!body.Has("email")) body.Set("email", username + "@example.com");
  if (!body.Has("password")) body.Set("password", kDefaultPassword);
  HttpResult created = Request("POST", "/api/v1/users", body.str(), admin_token);
  auto id = JsonString(created.body, "/id");
  if (created.status != 201 || !id) {
    ADD_FAILURE() << "creating " << username << " failed: " << created.status << " " << created.body
                  << created.error;
    return "";
  }
  return *id;
}

TestUser TestServer::CreateAndLogin(const std::string& admin_token, const std::string& username,
                                    JsonBody body) const {
  std::string password = kDefaultPassword;
  TestUser user;
  user.username = username;
  user.id = CreateUser(admin_token, username, std::move(body));
  if (!user.id.empty()) user.token = Login(username, password);
  return user;
}

}  // namespace agora::integration
