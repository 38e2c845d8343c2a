#include "app/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace agora::app {

namespace {

Status SystemError(const std::string& context) {
  return Status::Internal(context + ": " + std::generic_category().message(errno));
}

// Reads both pipes until the child closes them; reading only one could leave the child blocked
// writing the other.
void Drain(int out_fd, int err_fd, ProgramResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.output, &result.errors};
  int open_pipes = 2;
  char buffer[4096];
  while (open_pipes > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        --open_pipes;
        continue;
      }
      sinks[i]->append(buffer, static_cast<size_t>(n));
    }
  }
}

}  // namespace

Result<ProgramResult> RunProgram(const std::vector<std::string>& argv) {
  // Everything the child needs is made before fork: it may only call async-signal-safe
  // functions.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::string not_found = "cannot run " + argv.at(0) + "\n";

  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return SystemError("pipe");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return SystemError("pipe");
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0 || ::dup2(out[1], STDOUT_FILENO) < 0 ||
        ::dup2(err[1], STDERR_FILENO) < 0) {
      ::_exit(127);
    }
    ::execvp(args[0], args.data());
    ssize_t ignored = ::write(STDERR_FILENO, not_found.data(), not_found.size());
    (void)ignored;
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(out[0]);
    ::close(err[0]);
    return SystemError("fork");
  }
  ProgramResult result;
  Drain(out[0], err[0], result);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return SystemError("waitpid");
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace agora::app
