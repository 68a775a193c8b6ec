#pragma once
// Running the real `incident` binary from tests, and a temporary home for it.

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace incident::test {

struct Result {
  int exit_code = -1;  // the exit status, or 128 + signal when killed by a signal
  std::string out;  // stdout
  std::string err;  // stderr
  bool timed_out = false;  // killed (SIGKILL) because it ran longer than Launch::timeout
};

// A fresh temporary directory, removed (recursively) when the object goes.
class TempDir {
public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

// Runs `binary args...` with a clean environment: only PATH, LANG=C.UTF-8, HOME set to
// `home`, INCIDENT_HOME=<home>/state, XDG_CACHE_HOME=<home>/cache (the runbook cache) and
// USER=tester, TZ=UTC, plus `env` (an empty value unsets).
// stdin is /dev/null unless `input` is given.
Result run(const std::vector<std::string>& args, const std::filesystem::path& home,
           const std::map<std::string, std::string>& env = {},
           const std::optional<std::string>& input = std::nullopt);

// How launch() runs a program: like run(), but any program, in any working directory,
// with an optional time limit.
struct Launch {
  std::filesystem::path program;  // empty: the incident binary under test
  std::vector<std::string> args;
  std::filesystem::path home;  // HOME (and INCIDENT_HOME=<home>/state, XDG_CACHE_HOME=<home>/cache), as for run()
  std::map<std::string, std::string> env;  // added to the clean environment; "" unsets
  std::optional<std::string> input;  // stdin; /dev/null when absent
  std::filesystem::path cwd;  // working directory; empty: the test's own
  std::chrono::milliseconds timeout{0};  // 0: wait for as long as it takes
};
Result launch(const Launch& how);

// A program started by start(), running alongside the test until wait(): for concurrent
// commands, or to kill one at a chosen moment. Its stdout and stderr go to pipes that are
// read only in wait(), so a child that prints more than a pipe holds (64 KiB) blocks until
// then. A Child that was never waited for is killed (SIGKILL) and reaped when it goes.
class Child {
public:
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  ~Child();

  [[nodiscard]] pid_t pid() const { return m_pid; }
  // Sends a signal (SIGKILL by default); harmless when the child has already exited.
  void kill(int signal_number = SIGKILL) const;
  // Reads its output to the end and reaps it. Launch::timeout counts from this call.
  Result wait();

private:
  friend Child start(const Launch& how);
  Child(pid_t pid, int out_fd, int err_fd, std::chrono::milliseconds timeout)
      : m_pid(pid), m_out(out_fd), m_err(err_fd), m_timeout(timeout) {}

  pid_t m_pid = -1;
  int m_out = -1;
  int m_err = -1;
  std::chrono::milliseconds m_timeout{0};
};

// Starts `how` (as launch() would) and returns without waiting; launch(how) is
// start(how).wait().
Child start(const Launch& how);

// What start() gives the child: its environment ("KEY=value", as described for run()) and
// its argv (the wrapper's words, the program, the arguments); c_strings() makes the
// null-terminated array execve() wants, pointing into `strings`.
std::vector<std::string> environment(const Launch& how);
std::vector<std::string> command_line(const Launch& how);
std::vector<char*> c_strings(std::vector<std::string>& strings);

// The built binary under test.
std::string binary();

// A file of tests/data (the source tree).
std::filesystem::path data_path(const std::string& relative);

std::string read_text(const std::filesystem::path& path);

// The lines of `text`, each without its '\n' (none after a final line break).
std::vector<std::string> lines_of(const std::string& text);
void write_text(const std::filesystem::path& path, const std::string& text);

// Compares `actual` with tests/data/golden/<name>; with INCIDENT_UPDATE_GOLDEN=1 in the
// environment, writes it instead. Returns a description of the difference, or "" when equal.
std::string golden_mismatch(const std::string& name, const std::string& actual);

}  // namespace incident::test
