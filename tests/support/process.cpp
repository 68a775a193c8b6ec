#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "incident/text.hpp"

extern char** environ;

namespace incident::test {

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
  }
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "incident-test-XXXXXX").string();
  check(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add,
                               ignored);
  std::filesystem::remove_all(m_path, ignored);
}

std::string binary() { return INCIDENT_BINARY; }

std::filesystem::path data_path(const std::string& relative) {
  return std::filesystem::path(INCIDENT_TEST_DATA) / relative;
}

Result run(const std::vector<std::string>& args, const std::filesystem::path& home,
           const std::map<std::string, std::string>& env, const std::optional<std::string>& input) {
  Launch how;
  how.args = args;
  how.home = home;
  how.env = env;
  how.input = input;
  return launch(how);
}

Result launch(const Launch& how) { return start(how).wait(); }

std::vector<std::string> environment(const Launch& how) {
  std::map<std::string, std::string> vars = {
      {"PATH", "/usr/bin:/bin"},
      {"LANG", "C.UTF-8"},
      {"HOME", how.home.string()},
      {"INCIDENT_HOME", (how.home / "state").string()},
      // The runbook cache of every run stays in the test's home, never the real ~/.cache.
      {"XDG_CACHE_HOME", (how.home / "cache").string()},
      {"USER", "tester"},
      // The user's zone is fixed (the machine's /etc/localtime is not the test's).
      {"TZ", "UTC"},
  };
  if (const char* asan = std::getenv("ASAN_OPTIONS")) {
    vars["ASAN_OPTIONS"] = asan;
  }
  if (const char* ubsan = std::getenv("UBSAN_OPTIONS")) {
    vars["UBSAN_OPTIONS"] = ubsan;
  }
  for (const auto& [key, value] : how.env) {
    if (value.empty()) {
      vars.erase(key);
    } else {
      vars[key] = value;
    }
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : vars) {
    env_strings.push_back(key + "=" + value);
  }
  return env_strings;
}

std::vector<std::string> command_line(const Launch& how) {
  std::vector<std::string> argv_strings;
  // INCIDENT_TEST_WRAPPER runs the binary under a tool, e.g. "/usr/bin/valgrind -q
  // --error-exitcode=99": the words before the binary's own path.
  if (const char* wrapper = std::getenv("INCIDENT_TEST_WRAPPER"); how.program.empty() && wrapper != nullptr) {
    std::istringstream words(wrapper);
    for (std::string word; words >> word;) {
      argv_strings.push_back(word);
    }
  }
  argv_strings.push_back(how.program.empty() ? binary() : how.program.string());
  argv_strings.insert(argv_strings.end(), how.args.begin(), how.args.end());
  return argv_strings;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& entry : strings) {
    pointers.push_back(entry.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

Child start(const Launch& how) {
  std::vector<std::string> env_strings = environment(how);
  std::vector<char*> envp = c_strings(env_strings);
  std::vector<std::string> argv_strings = command_line(how);
  const std::string program = argv_strings.front();
  std::vector<char*> argv = c_strings(argv_strings);

  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  std::array<int, 2> in_pipe{};
  check(::pipe2(out_pipe.data(), O_CLOEXEC) == 0, "pipe");
  check(::pipe2(err_pipe.data(), O_CLOEXEC) == 0, "pipe");
  check(::pipe2(in_pipe.data(), O_CLOEXEC) == 0, "pipe");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (how.input) {
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!how.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, how.cwd.c_str());
  }
  pid_t pid = 0;
  // A program named without a '/' is looked up in this process's PATH.
  const int spawned = program.find('/') == std::string::npos
                          ? ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data())
                          : ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  if (spawned != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    errno = spawned;
    check(false, "posix_spawn");
  }
  if (how.input) {
    std::size_t written = 0;
    while (written < how.input->size()) {
      const ssize_t n = ::write(in_pipe[1], how.input->data() + written, how.input->size() - written);
      if (n <= 0) {
        break;
      }
      written += static_cast<std::size_t>(n);
    }
  }
  ::close(in_pipe[1]);
  return Child(pid, out_pipe[0], err_pipe[0], how.timeout);
}

Child::Child(Child&& other) noexcept
    : m_pid(other.m_pid), m_out(other.m_out), m_err(other.m_err), m_timeout(other.m_timeout) {
  other.m_pid = -1;
  other.m_out = -1;
  other.m_err = -1;
}

Child::~Child() {
  if (m_out >= 0) {
    ::close(m_out);
  }
  if (m_err >= 0) {
    ::close(m_err);
  }
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void Child::kill(int signal_number) const {
  if (m_pid > 0) {
    ::kill(m_pid, signal_number);
  }
}

Result Child::wait() {
  if (m_pid <= 0) {
    throw std::logic_error("Child::wait() called twice");
  }
  const pid_t pid = m_pid;
  using Clock = std::chrono::steady_clock;
  const bool limited = m_timeout.count() > 0;
  const auto deadline = Clock::now() + m_timeout;
  Result result;
  std::array<pollfd, 2> fds{{{m_out, POLLIN, 0}, {m_err, POLLIN, 0}}};
  m_out = -1;
  m_err = -1;
  m_pid = -1;
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_fds = 2;
  std::array<char, 65536> buffer{};
  while (open_fds > 0) {
    int wait_ms = -1;
    if (limited) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        // Too slow: kill it and keep what it printed so far. (The pipes may stay open in
        // a grandchild, so stop reading rather than wait for end of file.)
        ::kill(pid, SIGKILL);
        result.timed_out = true;
        for (auto& fd : fds) {
          if (fd.fd >= 0) {
            ::close(fd.fd);
            fd.fd = -1;
          }
        }
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left, 1000));
    }
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      check(false, "poll");
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  if (limited && !result.timed_out) {
    // Output closed, but the process may still be running: bound the wait for its exit.
    int status = 0;
    for (;;) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) {
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return result;
      }
      check(done == 0 || errno == EINTR, "waitpid");
      if (Clock::now() >= deadline) {
        ::kill(pid, SIGKILL);
        result.timed_out = true;
        break;
      }
      ::usleep(2000);
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    check(errno == EINTR, "waitpid");
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  const auto lines = incident::text::lines_of(text);
  return {lines.begin(), lines.end()};
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string golden_mismatch(const std::string& name, const std::string& actual) {
  const auto path = data_path("golden/" + name);
  const char* update = std::getenv("INCIDENT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    write_text(path, actual);
    return {};
  }
  if (!std::filesystem::exists(path)) {
    return "golden file " + path.string() + " is missing (run with INCIDENT_UPDATE_GOLDEN=1 to create it)";
  }
  const std::string expected = read_text(path);
  if (expected == actual) {
    return {};
  }
  std::size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) {
    ++at;
  }
  const auto line = std::count(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
  return "output differs from " + path.string() + " at line " + std::to_string(line) + "\n--- expected\n" +
         expected + "\n--- actual\n" + actual;
}

}  // namespace incident::test
