// The command line itself: help, version, usage errors and their exit codes.
#include <catch2/catch.hpp>

#include "support/process.hpp"

using namespace incident::test;

TEST_CASE("version flag prints the version on stdout") {
  TempDir home;
  auto result = run({"--version"}, home.path());
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("incident ", 0) == 0);
}

TEST_CASE("help flag lists the commands and examples with exit 0") {
  TempDir home;
  auto result = run({"--help"}, home.path());
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("severities") && Catch::Contains("Examples:"));
}

TEST_CASE("a mistyped command is a usage error with a suggestion") {
  TempDir home;
  auto result = run({"severites"}, home.path());
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err,
             Catch::StartsWith("incident: error: unknown command 'severites' (did you mean 'severities'?)"));
}

// Only the command named on the line is set up; each must still be found under its
// name, wherever the global options stand.
TEST_CASE("every command listed in --help answers to its name, global options before or after") {
  TempDir home;
  const auto help = run({"--help"}, home.path());
  REQUIRE(help.exit_code == 0);
  const std::vector<std::string> commands = {
      "open", "ack",    "update",     "note",     "resolve",    "close",   "reopen",    "severity", "handoff", "list",
      "show", "render", "severities", "scenario", "escalation", "runbook", "checklist", "check",    "uncheck", "skip"};
  for (const auto& command : commands) {
    INFO(command);
    CHECK_THAT(help.out, Catch::Contains("  " + command + " "));
    const auto own = run({command, "--help"}, home.path());
    CHECK(own.exit_code == 0);
    CHECK_THAT(own.out, Catch::Contains(command));
    const auto after =
        run({"--as", "list", "--state-dir", (home.path() / "s").string(), "-v", command, "--help"}, home.path());
    CHECK(after.exit_code == 0);
  }
  // A global option's value that happens to be a command's name is not taken for it.
  const auto as_list = run({"--as", "list", "--state-dir", (home.path() / "s").string(), "severities"}, home.path());
  CHECK(as_list.exit_code == 0);
  CHECK_THAT(as_list.out, Catch::Contains("Critical"));
}
