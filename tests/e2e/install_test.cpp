// `cmake --install` gives a working incident: the installed binary finds its runbook and
// templates at <prefix>/share/incident, relative to itself, from any working directory,
// through a symlink, and after the whole prefix is moved.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr std::chrono::seconds k_time_limit{120};

// The build tree of the binary under test: <build>/bin/incident.
fs::path build_dir() { return fs::path(binary()).parent_path().parent_path(); }

// The cmake that configured the build tree (CMAKE_COMMAND in its cache), else the one on PATH.
std::string cmake_command() {
  std::ifstream cache(build_dir() / "CMakeCache.txt");
  const std::string key = "CMAKE_COMMAND:INTERNAL=";
  for (std::string line; std::getline(cache, line);) {
    if (line.rfind(key, 0) == 0) {
      return line.substr(key.size());
    }
  }
  return "cmake";
}

std::string describe(const Result& result) {
  return "exit " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") +
         "\n--- stdout\n" + result.out + "\n--- stderr\n" + result.err;
}

// Runs `program args...` from `cwd` with a HOME that has no configuration.
Result run_in(const fs::path& program, const std::vector<std::string>& args, const fs::path& home,
              const fs::path& cwd) {
  Launch how;
  how.program = program;
  how.args = args;
  how.home = home;
  how.cwd = cwd;
  how.timeout = k_time_limit;
  return launch(how);
}

// The source file of the runbook the program used.
std::string runbook_source(const fs::path& program, const fs::path& home, const fs::path& cwd) {
  const auto result = run_in(program, {"runbook", "show", "overview", "--json"}, home, cwd);
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  return Json::parse(result.out).at("source").get<std::string>();
}

// Installs the build tree into `prefix`.
void install(const fs::path& prefix, const fs::path& home) {
  const auto result = run_in(cmake_command(), {"--install", build_dir().string(), "--prefix", prefix.string()},
                             home, home);
  INFO("cmake --install " << build_dir().string() << " --prefix " << prefix.string() << "\n" << describe(result));
  REQUIRE(result.exit_code == 0);
}

}  // namespace

TEST_CASE("the installed binary works from anywhere with its bundled runbook") {
  TempDir tmp;
  const fs::path prefix = tmp.path() / "prefix";
  const fs::path home = tmp.path() / "home";  // no .config: the bundled runbook is used
  const fs::path elsewhere = tmp.path() / "elsewhere";
  fs::create_directories(home);
  fs::create_directories(elsewhere);
  install(prefix, home);

  const fs::path installed = prefix / "bin" / "incident";
  REQUIRE(fs::exists(installed));
  const fs::path data = fs::canonical(prefix) / "share" / "incident";
  const fs::path source = INCIDENT_SOURCE_DIR;
  for (const std::string file : {"runbooks/default.yaml", "runbooks/examples/minimal.yaml", "templates/initial.txt",
                                 "templates/investigation.txt", "templates/resolution.txt"}) {
    INFO(file);
    REQUIRE(fs::exists(data / file));
    CHECK(read_text(data / file) == read_text(source / file));
  }

  SECTION("the completion scripts and the man page are where the shells and man look") {
    const std::vector<std::pair<std::string, std::vector<std::string>>> generated = {
        {"share/bash-completion/completions/incident", {"completion", "bash"}},
        {"share/zsh/vendor-completions/_incident", {"completion", "zsh"}},
        {"share/fish/vendor_completions.d/incident.fish", {"completion", "fish"}},
        {"share/man/man1/incident.1", {"__man"}},
    };
    for (const auto& [file, args] : generated) {
      INFO(file);
      REQUIRE(fs::exists(prefix / file));
      const auto written = run_in(installed, args, home, elsewhere);
      REQUIRE(written.exit_code == 0);
      CHECK(read_text(prefix / file) == written.out);
    }
  }

  SECTION("severities and a scenario print as from the build tree") {
    const auto severities = run_in(installed, {"severities"}, home, elsewhere);
    INFO(describe(severities));
    CHECK(severities.exit_code == 0);
    CHECK(severities.err.empty());
    CHECK(golden_mismatch("runbook/severities.txt", severities.out) == "");
    const auto database = run_in(installed, {"scenario", "database"}, home, elsewhere);
    CHECK(database.exit_code == 0);
    CHECK(golden_mismatch("runbook/scenario-database.txt", database.out) == "");
  }

  SECTION("the runbook and templates come from the prefix not the build tree") {
    CHECK(runbook_source(installed, home, elsewhere) == (data / "runbooks" / "default.yaml").string());
    const auto templates = run_in(installed, {"runbook", "show", "templates", "--json"}, home, elsewhere);
    INFO(describe(templates));
    REQUIRE(templates.exit_code == 0);
    const Json doc = Json::parse(templates.out);
    for (const std::string key : {"initial", "investigation", "resolution"}) {
      CHECK(doc[key]["source"] == (data / "templates" / (key + ".txt")).string());
    }
    const auto validate = run_in(installed, {"runbook", "validate"}, home, elsewhere);
    CHECK(validate.exit_code == 0);
    CHECK(validate.out.empty());
    CHECK(validate.err.empty());
  }

  SECTION("from the root directory") {
    const auto result = run_in(installed, {"severities"}, home, "/");
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    CHECK(golden_mismatch("runbook/severities.txt", result.out) == "");
  }

  SECTION("through a symlink in another directory") {
    const fs::path link = home / "bin" / "incident";
    fs::create_directories(link.parent_path());
    fs::create_symlink(installed, link);
    const auto result = run_in(link, {"severities"}, home, elsewhere);
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    CHECK(golden_mismatch("runbook/severities.txt", result.out) == "");
    CHECK(runbook_source(link, home, elsewhere) == (data / "runbooks" / "default.yaml").string());
  }

  SECTION("after the whole prefix is moved") {
    const fs::path moved = tmp.path() / "moved";
    fs::rename(prefix, moved);
    const auto result = run_in(moved / "bin" / "incident", {"severities"}, home, elsewhere);
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    CHECK(golden_mismatch("runbook/severities.txt", result.out) == "");
    CHECK(runbook_source(moved / "bin" / "incident", home, elsewhere) ==
          (fs::canonical(moved) / "share" / "incident" / "runbooks" / "default.yaml").string());
  }

  SECTION("without its bundled runbook it says so on one line") {
    fs::remove_all(data / "runbooks");
    const auto result = run_in(installed, {"severities"}, home, elsewhere);
    INFO(describe(result));
    CHECK(result.exit_code != 0);
    CHECK(result.exit_code < 128);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") &&
                               Catch::Contains((data / "runbooks" / "default.yaml").string()));
    CHECK(result.err.find('\n') == result.err.size() - 1);
    // A runbook given explicitly still works: the templates are still there.
    const auto explicit_runbook =
        run_in(installed, {"--runbook", (source / "runbooks/examples/minimal.yaml").string(), "severities"}, home,
               elsewhere);
    INFO(describe(explicit_runbook));
    CHECK(explicit_runbook.exit_code == 0);
    CHECK_THAT(explicit_runbook.out, Catch::StartsWith("Major (P1)\n"));
  }
}
