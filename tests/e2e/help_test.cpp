// Help through the real binary (src/cli/help.cpp): every command and subcommand, found by
// walking the Commands sections from `incident help` down, has a usage line, its own
// examples, its options and the global ones, no CLI11 artefacts, and lines that fit the
// width ($COLUMNS, else 80 when stdout is not a terminal).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "incident/text.hpp"
#include "support/process.hpp"

using namespace incident::test;

namespace {


// The lines of the section titled `title` ("Examples"), up to the blank line that ends it.
std::vector<std::string> section(const std::string& help, const std::string& title) {
  std::vector<std::string> out;
  const auto lines = lines_of(help);
  auto at = std::find(lines.begin(), lines.end(), title + ":");
  if (at == lines.end()) {
    return out;
  }
  for (++at; at != lines.end() && !at->empty(); ++at) {
    out.push_back(*at);
  }
  return out;
}

// A row's first line is indented two spaces; its wrapped description, more.
bool starts_row(const std::string& line) { return line.size() > 2 && line.starts_with("  ") && line[2] != ' '; }

// The commands a help lists: the first word of each row of its Commands section.
std::vector<std::string> commands_listed(const std::string& help) {
  std::vector<std::string> names;
  for (const auto& line : section(help, "Commands")) {
    if (starts_row(line)) {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return names;
}

Result help_of(const TempDir& home, const std::string& path, const std::map<std::string, std::string>& env = {}) {
  auto args = incident::text::words_of(path);
  args.emplace_back("--help");
  return run(args, home.path(), env);
}

// Every command path, walked from the top-level help down: "open", ..., "runbook validate".
std::vector<std::string> every_command(const TempDir& home) {
  std::vector<std::string> paths;
  std::vector<std::string> todo;
  const auto top = run({"help"}, home.path());
  REQUIRE(top.exit_code == 0);
  for (const auto& name : commands_listed(top.out)) {
    todo.push_back(name);
  }
  while (!todo.empty()) {
    const std::string path = todo.front();
    todo.erase(todo.begin());
    paths.push_back(path);
    for (const auto& name : commands_listed(help_of(home, path).out)) {
      todo.push_back(path + " " + name);
    }
  }
  return paths;
}

std::size_t columns(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

// An example line runs the command: "incident <path> ...", or inside a command
// substitution ("PS1='$(incident prompt) '$PS1").
bool runs(const std::string& example, const std::string& path) {
  const std::string command = "incident " + path;
  return example == command || example.starts_with(command + " ") || example.find("$(" + command + " ") != std::string::npos ||
         example.find("$(" + command + ")") != std::string::npos;
}

// The lines of `help` wider than `width` that could have been wrapped: not a single word,
// nor, when `commands` may be, a command line (an example, which is never broken).
std::vector<std::string> too_wide(const std::string& help, std::size_t width, bool commands = true) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(help)) {
    if (columns(line) <= width) {
      continue;
    }
    const std::string text = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if ((commands && (text.starts_with("incident ") || text.find("$(incident ") != std::string::npos)) ||
        text.find(' ') == std::string::npos) {
      continue;
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("help of every command and subcommand: usage, own examples, options, no CLI11 artefacts") {
  TempDir home;
  const auto paths = every_command(home);
  // The walk found the commands and the subcommands of runbook and action.
  for (const std::string expected : {"open", "update", "runbook", "runbook validate", "runbook show", "action add",
                                     "action done", "action list"}) {
    CHECK(std::find(paths.begin(), paths.end(), expected) != paths.end());
  }
  for (const auto& path : paths) {
    INFO("incident " + path + " --help");
    const auto result = help_of(home, path);
    INFO(result.out);
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() > 3);

    // The one-line description first, then the usage line.
    CHECK_FALSE(lines.front().empty());
    CHECK_FALSE(lines.front().starts_with("Usage"));
    const std::string usage = "Usage: incident " + path;
    CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
      return line == usage || line.starts_with(usage + " ");
    }));

    // Its own examples, each running the command.
    const auto examples = section(result.out, "Examples");
    std::size_t count = 0;
    for (const auto& line : examples) {
      INFO(line);
      if (line.starts_with("  # ")) {
        continue;  // what the example below shows, when it does not fit beside it
      }
      CHECK(starts_row(line));
      CHECK(runs(line.substr(2), path));
      ++count;
    }
    CHECK(count >= 2);

    // The global options it accepts, and none of the top-level help's footer.
    const auto globals = section(result.out, "Global options");
    const std::string global_text = fmt::format("{}", fmt::join(globals, "\n"));
    CHECK_THAT(global_text, Catch::Contains("--state-dir DIR") && Catch::Contains("(env INCIDENT_HOME)") &&
                                Catch::Contains("--runbook FILE") && Catch::Contains("--as NAME") &&
                                Catch::Contains("--json") && Catch::Contains("-v, --verbose") &&
                                Catch::Contains("-h, --help"));
    CHECK_THAT(result.out, !Catch::Contains("Exit codes:") && !Catch::Contains("incident help open"));

    // No CLI11 artefacts.
    for (const std::string artefact : {"(1x)", "(0x)", "(2x)", "REQUIRED", "[[", "TEXT TEXT", "Env:", "[OPTIONS]",
                                       "SUBCOMMAND", "Positionals:"}) {
      CHECK_THAT(result.out, !Catch::Contains(artefact));
    }
    // Stdout is not a terminal and $COLUMNS is unset: 80 columns, examples included.
    CHECK(too_wide(result.out, 80, false).empty());
  }
}

TEST_CASE("open --help shows its arguments, options and examples") {
  TempDir home;
  const auto result = run({"open", "--help"}, home.path());
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out).front() == "Open an incident; prints the Initial Status Update");
  CHECK_THAT(result.out, Catch::Contains("\nUsage: incident open TITLE -s SEV [--impact TEXT] [--commander NAME]"));
  CHECK_THAT(fmt::format("{}", fmt::join(section(result.out, "Arguments"), "\n")),
             Catch::StartsWith("  TITLE ") && Catch::Contains("What is happening"));
  const auto options = section(result.out, "Options");
  REQUIRE_FALSE(options.empty());
  CHECK_THAT(options.front(), Catch::StartsWith("  -s, --severity SEV ") && Catch::EndsWith("(required)"));
  CHECK_THAT(fmt::format("{}", fmt::join(options, "\n")), Catch::Contains("--post") && !Catch::Contains("--state-dir"));
  CHECK_THAT(fmt::format("{}", fmt::join(section(result.out, "Examples"), "\n")),
             Catch::Contains(R"(incident open "Checkout API 500s" -s P1)"));
  // A command's own footer stays (post: the chat targets); the top-level one does not.
  const auto post = run({"post", "--help"}, home.path());
  CHECK_THAT(post.out, Catch::Contains("Chat targets") && Catch::Contains("INCIDENT_SLACK_WEBHOOK_URL") &&
                           !Catch::Contains("Exit codes:"));
  CHECK_THAT(post.out, Catch::Contains("\n       incident post --retry"));
}

TEST_CASE("incident help PATH prints what PATH --help prints, for every command") {
  TempDir home;
  for (const auto& path : every_command(home)) {
    INFO(path);
    auto args = incident::text::words_of(path);
    args.insert(args.begin(), "help");
    const auto by_word = run(args, home.path());
    const auto by_flag = help_of(home, path);
    CHECK(by_word.exit_code == 0);
    CHECK(by_word.out == by_flag.out);
  }
}

TEST_CASE("the top-level help keeps the command list and the global examples, environment and exit codes") {
  TempDir home;
  const auto result = run({"--help"}, home.path());
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("\nUsage: incident COMMAND [options]\n"));
  const auto commands = commands_listed(result.out);
  CHECK(commands.size() > 25);
  CHECK(std::find(commands.begin(), commands.end(), "runbook") != commands.end());
  CHECK_THAT(fmt::format("{}", fmt::join(section(result.out, "Global options"), "\n")),
             Catch::Contains("--version") && Catch::Contains("--state-dir DIR"));
  CHECK_THAT(result.out, Catch::Contains("\nExamples:\n  incident open \"Checkout API 500s\"") &&
                             Catch::Contains("incident help open") && Catch::Contains("\nEnvironment: ") &&
                             Catch::Contains("\nExit codes: 0 ok"));
  CHECK(too_wide(result.out, 80).empty());
  CHECK_THAT(result.out, !Catch::Contains("REQUIRED") && !Catch::Contains("SUBCOMMAND"));
}

TEST_CASE("help is wrapped to COLUMNS without breaking words") {
  TempDir home;
  const auto wide = run({"runbook", "validate", "--help"}, home.path(), {{"COLUMNS", "1000"}});
  const std::string description = lines_of(wide.out).front();
  REQUIRE(columns(description) > 50);
  for (const std::size_t width : {std::size_t{50}, std::size_t{64}}) {
    INFO(width);
    const auto narrow = run({"runbook", "validate", "--help"}, home.path(), {{"COLUMNS", std::to_string(width)}});
    REQUIRE(narrow.exit_code == 0);
    CHECK(too_wide(narrow.out, width).empty());
    // The description's lines, joined again, are the description: only spaces were broken.
    std::vector<std::string> joined;
    for (const auto& line : lines_of(narrow.out)) {
      if (line.empty()) {
        break;
      }
      joined.push_back(line);
    }
    CHECK(joined.size() > 1);
    CHECK(fmt::format("{}", fmt::join(joined, " ")) == description);
  }
  // Every command fits a narrow terminal too.
  for (const auto& path : every_command(home)) {
    INFO(path);
    CHECK(too_wide(help_of(home, path, {{"COLUMNS", "60"}}).out, 60).empty());
  }
}
