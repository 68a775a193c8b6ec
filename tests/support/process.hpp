#pragma once
// Running the real `incident` binary from tests, and a temporary home for it.

#include <chrono>
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
// `home`, INCIDENT_HOME=<home>/state and USER=tester, plus `env` (an empty value unsets).
// stdin is /dev/null unless `input` is given.
Result run(const std::vector<std::string>& args, const std::filesystem::path& home,
           const std::map<std::string, std::string>& env = {},
           const std::optional<std::string>& input = std::nullopt);

// How launch() runs a program: like run(), but any program, in any working directory,
// with an optional time limit.
struct Launch {
  std::filesystem::path program;  // empty: the incident binary under test
  std::vector<std::string> args;
  std::filesystem::path home;  // HOME (and INCIDENT_HOME=<home>/state), as for run()
  std::map<std::string, std::string> env;  // added to the clean environment; "" unsets
  std::optional<std::string> input;  // stdin; /dev/null when absent
  std::filesystem::path cwd;  // working directory; empty: the test's own
  std::chrono::milliseconds timeout{0};  // 0: wait for as long as it takes
};
Result launch(const Launch& how);

// The built binary under test.
std::string binary();

// A file of tests/data (the source tree).
std::filesystem::path data_path(const std::string& relative);

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

// Compares `actual` with tests/data/golden/<name>; with INCIDENT_UPDATE_GOLDEN=1 in the
// environment, writes it instead. Returns a description of the difference, or "" when equal.
std::string golden_mismatch(const std::string& name, const std::string& actual);

}  // namespace incident::test
