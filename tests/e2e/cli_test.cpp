// The command line itself: help, version, usage errors and their exit codes.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>

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

namespace {

// The two lines of a usage error: the reason, then where to look.
std::string usage_error(const std::string& reason, const std::string& command = "") {
  return "incident: error: " + reason + "\nRun 'incident " + (command.empty() ? "" : command + " ") +
         "--help' for usage.\n";
}

}  // namespace

// Issue 9, item 9: a misspelled option was reported as "--severity is required" (the
// requirement is checked before the leftovers) or in CLI11's words.
TEST_CASE("a misspelled option is named first, with a suggestion and the command's help") {
  struct Case {
    std::vector<std::string> args;
    std::string reason;
    std::string command;
  };
  const std::vector<Case> cases = {
      {{"open", "DB down", "--sev", "P1"}, "unknown option '--sev' (did you mean '--severity'?)", "open"},
      {{"open", "DB down", "--sev=P1"}, "unknown option '--sev' (did you mean '--severity'?)", "open"},
      {{"open", "DB down", "-S", "P1"}, "unknown option '-S' (did you mean '-s'?)", "open"},
      {{"open", "DB down", "--severity", "P1", "--impcat", "x"},
       "unknown option '--impcat' (did you mean '--impact'?)",
       "open"},
      {{"list", "--jsno"}, "unknown option '--jsno' (did you mean '--json'?)", "list"},
      {{"--jsno", "list"}, "unknown option '--jsno' (did you mean '--json'?)", "list"},
      {{"-json", "list"}, "unknown option '-json' (did you mean '--json'?)", "list"},
      {{"--jsno"}, "unknown option '--jsno' (did you mean '--json'?)", ""},
      {{"list", "--frobnicate"}, "unknown option '--frobnicate'", "list"},
      {{"list", "-X"}, "unknown option '-X'", "list"},
      {{"list", "-all"}, "unknown option '-all' (did you mean '--all'?)", "list"},  // CLI11 reads -a, then -ll
      {{"list", "-vS", "P1"}, "unknown option '-S' (did you mean '-s'?)", "list"},
      {{"runbook", "validate", "--jsno"}, "unknown option '--jsno' (did you mean '--json'?)", "runbook validate"},
      {{"resolve", "--root-cuase", "x", "--fix", "y"},
       "unknown option '--root-cuase' (did you mean '--root-cause'?)",
       "resolve"},
  };
  for (const auto& c : cases) {
    TempDir home;
    const auto result = run(c.args, home.path());
    INFO(fmt::format("incident {}\nstdout: {}\nstderr: {}", fmt::join(c.args, " "), result.out, result.err));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err == usage_error(c.reason, c.command));
  }
  // Nothing was opened.
  TempDir home;
  CHECK(run({"open", "DB down", "--sev", "P1"}, home.path()).exit_code == 2);
  CHECK(run({"--json", "list", "--all"}, home.path()).out == "[]\n");
}

TEST_CASE("CLI11's other usage errors read as one plain line naming the option") {
  struct Case {
    std::vector<std::string> args;
    std::string reason;
    std::string command;
  };
  const std::vector<Case> cases = {
      {{"open", "DB down"}, "--severity is required", "open"},
      {{"open", "DB down", "-s"}, "--severity needs a value (SEV)", "open"},
      {{"open", "DB down", "-s", "P1", "-s", "P2"}, "--severity is given 2 times; give it once", "open"},
      {{"open", "DB down", "extra", "-s", "P1"}, "unexpected argument 'extra'", "open"},
      {{"open", "DB down", "more", "words", "-s", "P1"}, "unexpected arguments 'more', 'words'", "open"},
      {{"note"}, "TEXT is required", "note"},
      {{"note", "abc", "rollback", "started"},
       "too many arguments for [ID] TEXT: 3, at most 2 (quote a text that has spaces)",
       "note"},
      {{"escalate", "--level", "abc"}, "'abc' is not a valid value for --level (N)", "escalate"},
      {{"--runbook", "", "severities"}, "--runbook is empty", "severities"},
      {{"severities", "--runbook"}, "--runbook needs a value (FILE)", "severities"},
      {{"runbook"}, "a command is needed: validate, show", "runbook"},
      {{"runbook", "valdate"}, "unknown command 'valdate' (did you mean 'validate'?)", "runbook"},
      // A usage error found by the command itself points to its help too.
      {{"list", "--status", "bogus"}, "", "list"},
  };
  for (const auto& c : cases) {
    TempDir home;
    const auto result = run(c.args, home.path());
    INFO(fmt::format("incident {}\nstdout: {}\nstderr: {}", fmt::join(c.args, " "), result.out, result.err));
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    if (c.reason.empty()) {
      CHECK_THAT(result.err, Catch::StartsWith("incident: error: ") &&
                                 Catch::EndsWith("\nRun 'incident " + c.command + " --help' for usage.\n"));
      CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 2);
    } else {
      CHECK(result.err == usage_error(c.reason, c.command));
    }
  }
}

TEST_CASE("incident help [COMMAND] prints what --help prints") {
  TempDir home;
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pairs = {
      {{"help"}, {"--help"}},
      {{"help", "open"}, {"open", "--help"}},
      {{"help", "runbook", "validate"}, {"runbook", "validate", "--help"}},
      {{"--as", "bob", "help", "list"}, {"list", "--help"}},
  };
  for (const auto& [help, flag] : pairs) {
    INFO(fmt::format("incident {}", fmt::join(help, " ")));
    const auto by_word = run(help, home.path());
    const auto by_flag = run(flag, home.path());
    CHECK(by_word.exit_code == 0);
    CHECK(by_word.err.empty());
    CHECK_FALSE(by_word.out.empty());
    CHECK(by_word.out == by_flag.out);
  }
  CHECK_THAT(run({"help", "open"}, home.path()).out, Catch::Contains("--severity"));
}

TEST_CASE("incident help with an unknown command is a usage error with a suggestion") {
  TempDir home;
  const auto nosuch = run({"help", "nosuch"}, home.path());
  CHECK(nosuch.exit_code == 2);
  CHECK(nosuch.out.empty());
  CHECK_THAT(nosuch.err, Catch::StartsWith("incident: error: unknown command 'nosuch'"));
  CHECK_THAT(nosuch.err, Catch::EndsWith("\nRun 'incident --help' for usage.\n"));
  const auto typo = run({"help", "opne"}, home.path());
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == usage_error("unknown command 'opne' (did you mean 'open'?)"));
  const auto nested = run({"help", "runbook", "shwo"}, home.path());
  CHECK(nested.exit_code == 2);
  CHECK(nested.err == usage_error("unknown command 'shwo' (did you mean 'show'?)", "runbook"));
}
