#include "support/pty.hpp"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace incident::test {

TerminalResult run_on_terminal(const TerminalRun& run) {
  std::vector<std::string> env_strings = environment(run.how);
  env_strings.push_back("TERM=xterm");
  std::vector<char*> envp = c_strings(env_strings);
  std::vector<std::string> argv_strings = command_line(run.how);
  std::vector<char*> argv = c_strings(argv_strings);
  const std::string cwd = run.how.cwd.string();

  winsize size{};
  size.ws_col = run.columns;
  size.ws_row = run.rows;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) {
    throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // The child: a new session whose controlling terminal is the pty's slave side.
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      ::_exit(126);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }

  TerminalResult result;
  std::size_t searched_from = 0;  // where the next expectation may start
  const auto deadline = std::chrono::steady_clock::now() + run.timeout;
  const auto type_ready_keys = [&] {
    while (result.steps_done < run.script.size()) {
      const Keystrokes& step = run.script[result.steps_done];
      const std::size_t found = result.screen.find(step.expect, searched_from);
      if (found == std::string::npos) {
        return;
      }
      searched_from = found + step.expect.size();
      std::size_t written = 0;
      while (written < step.type.size()) {
        const ssize_t n = ::write(master, step.type.data() + written, step.type.size() - written);
        if (n <= 0 && errno != EINTR) {
          break;
        }
        written += n > 0 ? static_cast<std::size_t>(n) : 0;
      }
      ++result.steps_done;
    }
  };
  for (;;) {
    type_ready_keys();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fd{master, POLLIN, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      continue;  // the deadline is checked above
    }
    char buffer[4096];
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) {
      result.screen.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    break;  // EIO: every process on the slave side has closed it
  }
  ::close(master);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace incident::test
