#pragma once
// The e2e fixture: a state dir of its own for each test, and the helpers that run the
// incident binary in it, built on support/process.hpp.

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace incident::test {

// Generous for a sanitizer build; a command that takes this long is hung.
inline constexpr std::chrono::seconds k_time_limit{60};

// The night of the incident.
inline const std::string k_t0 = "2026-11-27T03:12:00Z";

// One state dir for a test: $HOME is a TempDir and $INCIDENT_HOME is <home>/state.
class Home {
public:
  [[nodiscard]] const std::filesystem::path& path() const { return m_dir.path(); }
  [[nodiscard]] std::filesystem::path state() const { return m_dir.path() / "state"; }
  [[nodiscard]] std::filesystem::path file(const std::string& id) const {
    return state() / "incidents" / (id + ".json");
  }

  // How to run `incident args...` here, within k_time_limit; to change before launch() or start().
  [[nodiscard]] Launch how(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {}) const {
    Launch how;
    how.args = args;
    how.home = m_dir.path();
    how.env = env;
    how.timeout = k_time_limit;
    return how;
  }
  [[nodiscard]] Result run(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {}) const {
    return launch(how(args, env));
  }

private:
  TempDir m_dir;
};

// A bare git repository in a directory of its own: the team's remote for sync.
class Remote {
public:
  Remote();  // the test fails when git cannot make it
  [[nodiscard]] std::filesystem::path path() const { return m_dir.path() / "incidents.git"; }

private:
  TempDir m_dir;
};

// The exit code, stdout and stderr of a run, for a test's INFO.
std::string describe(const Result& result);

// The text with each id replaced by a same-width placeholder (INC-0001, INC-0002, ...),
// in the order given, so tables keep their alignment: golden files do not hold random ids.
std::string masked(std::string text, const std::vector<std::string>& ids);

// CHECKs that `actual` is tests/data/golden/<name> (see golden_mismatch).
void check_golden(const std::string& name, const std::string& actual);

// Runs a command that must succeed.
Result ok(const Home& home, const std::vector<std::string>& args);

// `open args...` with --at k_t0 added at the end unless args has its own --at; returns the
// new id: from the JSON document on stdout when args has --json, else from stderr's
// "Opened <id> ..." line. The severity (-s) and the rest are the caller's.
std::string open_incident(const Home& home, std::vector<std::string> args);

// `text` as one JSON document; the test fails when it is not.
nlohmann::json parse_json(const std::string& text);

}  // namespace incident::test
