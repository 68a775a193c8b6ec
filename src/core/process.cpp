#include "incident/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "incident/error.hpp"

extern char** environ;  // NOLINT: POSIX

namespace incident {

namespace {

// Closes a descriptor when it goes out of scope.
class Fd {
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  [[nodiscard]] int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd;
};

void make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(fmt::format("cannot make a pipe: {}", std::strerror(errno)));
  }
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
}

// write(2) to a pipe whose reader may be gone, without SIGPIPE: this process may run with
// SIGPIPE at its default (death), and a library must not change a process-wide
// disposition. The signal a failed write raises is sent to the writing thread, so
// blocking it in this thread for the write and then taking it off the pending set
// (sigtimedwait, no wait) leaves no trace. One that was already pending before is left
// alone. Returns what write returned, with its errno.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t sigpipe, saved_mask, pending;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe, &saved_mask);
  sigemptyset(&pending);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t written = ::write(fd, data, size);
  const int write_errno = errno;
  if (written < 0 && write_errno == EPIPE && !was_pending) {
    const timespec no_wait{0, 0};
    while (::sigtimedwait(&sigpipe, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  errno = write_errno;
  return written;
}

// This process's environment with `changes` applied, as "NAME=value" strings.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& changes) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      merged[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
    }
  }
  for (const auto& [name, value] : changes) {
    merged[name] = value;
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) {
    out.push_back(name + "=" + value);
  }
  return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) {
    throw Error("run_process: no program");
  }
  Fd out_read, out_write, err_read, err_write, in_read, in_write;
  if (options.capture_output) {
    make_pipe(out_read, out_write);
    make_pipe(err_read, err_write);
  }
  if (options.input) {
    make_pipe(in_read, in_write);
    // Only our end: the program gets an ordinary blocking stdin.
    if (::fcntl(in_write.get(), F_SETFL, ::fcntl(in_write.get(), F_GETFL) | O_NONBLOCK) != 0) {
      throw Error(fmt::format("cannot make a pipe: {}", std::strerror(errno)));
    }
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  if (options.input) {
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  } else if (options.foreground) {
    // stdin stays this process's.
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (options.capture_output) {
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  if (!options.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  }
  // A group of its own, so a timeout kills what it started too (ssh, a remote helper).
  // In the foreground it shares ours: the terminal's signals reach it, and a caller that
  // ignores SIGINT while it waits (as system(3) does) must not pass that on.
  if (!options.foreground) {
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  if (options.foreground) {
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGQUIT);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, static_cast<short>((options.foreground ? 0 : POSIX_SPAWN_SETPGROUP) |
                                                           POSIX_SPAWN_SETSIGDEF));

  std::vector<std::string> arguments = argv;
  std::vector<char*> arg_pointers;
  for (auto& arg : arguments) {
    arg_pointers.push_back(arg.data());
  }
  arg_pointers.push_back(nullptr);
  std::vector<std::string> environment = child_environment(options.environment);
  std::vector<char*> env_pointers;
  for (auto& entry : environment) {
    env_pointers.push_back(entry.data());
  }
  env_pointers.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, arguments[0].c_str(), &actions, &attributes, arg_pointers.data(),
                                     env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    throw Error(spawned == ENOENT
                    ? fmt::format("cannot run {}: it is not installed or not on PATH", argv[0])
                    : fmt::format("cannot run {}: {}", argv[0], std::strerror(spawned)));
  }
  out_write.reset();
  err_write.reset();
  in_read.reset();

  const std::string_view input = options.input ? std::string_view(*options.input) : std::string_view();
  std::size_t input_written = 0;
  if (options.input && input.empty()) {
    in_write.reset();  // end of file at once
  }

  ProcessResult result;
  const pid_t kill_target = options.foreground ? pid : -pid;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  // poll ignores a negative descriptor: a stream not in use, or one that is done.
  pollfd fds[3] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}, {in_write.get(), POLLOUT, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  const auto streams_open = [&fds] { return fds[0].fd >= 0 || fds[1].fd >= 0 || fds[2].fd >= 0; };
  const auto input_done = [&fds, &in_write] {
    in_write.reset();  // the program reads end of file
    fds[2].fd = -1;
  };
  // Without output pipes nothing wakes poll when the program exits: it is asked with
  // waitpid between polls, every few milliseconds at first (xclip exits at once), then
  // less often.
  int exit_poll_ms = 1;
  bool exited = false;
  int status = 0;
  char buffer[8192];
  while (options.capture_output ? streams_open() : !exited) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(kill_target, SIGKILL);
      break;
    }
    int wait_ms = static_cast<int>(std::min<long long>(left.count(), 1000));
    if (!options.capture_output) {
      wait_ms = std::min(wait_ms, exit_poll_ms);
      exit_poll_ms = std::min(exit_poll_ms * 2, 50);
    }
    const int ready = ::poll(fds, 3, wait_ms);
    if (ready < 0 && errno != EINTR) {
      ::kill(kill_target, SIGKILL);
      break;
    }
    for (int i = 0; i < 2 && ready > 0; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0 && options.on_output) {
        options.on_output(i + 1, std::string_view(buffer, static_cast<std::size_t>(got)));
      } else if (got > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;
      }
    }
    // POLLERR on a pipe's write end: the reader is gone; the write says EPIPE and it is done.
    if (ready > 0 && fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLHUP | POLLERR)) != 0) {
      const ssize_t put = write_without_sigpipe(fds[2].fd, input.data() + input_written, input.size() - input_written);
      if (put >= 0) {
        input_written += static_cast<std::size_t>(put);
        if (input_written == input.size()) {
          input_done();
        }
      } else if (errno != EAGAIN && errno != EINTR) {  // EAGAIN (EWOULDBLOCK on Linux): the pipe is full
        input_done();  // EPIPE: the program exited or closed stdin without reading it all
      }
    }
    if (!options.capture_output) {
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
    }
  }
  if (!exited) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return result;
}

}  // namespace incident
