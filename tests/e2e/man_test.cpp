// The manual page incident(1) (`incident __man`, src/cli/man.cpp; the build writes it to
// share/man/man1/incident.1): it renders with man and groff without a warning, has the
// sections a man page has, a section per command with its examples, and the exit codes
// and environment variables of the tables in the code.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "incident/error.hpp"
#include "incident/settings.hpp"
#include "support/home.hpp"
#include "support/process.hpp"

using namespace incident::test;
namespace fs = std::filesystem;

namespace {


fs::path write_page(const Home& home) {
  const Result result = home.run({"__man"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.err.empty());
  const fs::path path = home.path() / "incident.1";
  write_text(path, result.out);
  return path;
}

Result tool(const Home& home, const std::string& program, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env = {}) {
  Launch how = home.how(args, env);
  how.program = program;
  return launch(how);
}

}  // namespace

TEST_CASE("the man page has every section and every command", "[man]") {
  Home home;
  const fs::path page = write_page(home);
  if (!fs::exists("/usr/bin/man")) {
    WARN("man is not installed (scripts/deps.sh installs man-db): the page is not rendered");
    return;
  }
  const Result man = tool(home, "/usr/bin/man", {"-l", page.string()}, {{"MANWIDTH", "80"}});
  INFO(describe(man));
  REQUIRE(man.exit_code == 0);
  CHECK(man.err.empty());
  const auto lines = lines_of(man.out);
  auto line_is = [&](const std::string& wanted) {
    return std::find(lines.begin(), lines.end(), wanted) != lines.end();
  };
  for (const std::string section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "GLOBAL OPTIONS", "ENVIRONMENT",
                                    "FILES", "EXIT STATUS", "SEE ALSO"}) {
    CHECK(line_is(section));
  }
  // A subsection per command help lists, found from the completion of the first word.
  const Result commands = home.run({"__complete", ""});
  int seen = 0;
  for (const auto& line : lines_of(commands.out)) {
    const std::string name = line.substr(0, line.find('\t'));
    if (name == "help") {
      continue;
    }
    INFO(name);
    CHECK(line_is("   incident " + name));
    ++seen;
  }
  CHECK(seen > 30);
  CHECK(line_is("   incident runbook validate"));
  CHECK(line_is("   incident action add"));
  // Text with quotes, dollars, dots and dashes comes out as typed.
  CHECK(man.out.find("incident severities --json | jq '.[0].response_time_seconds'") != std::string::npos);
  CHECK(man.out.find("PS1='$(incident prompt 2>/dev/null) '$PS1") != std::string::npos);
  CHECK(man.out.find("-s, --severity SEV") != std::string::npos);
  CHECK(man.out.find("incident open TITLE -s SEV") != std::string::npos);

  // The tables in the code, whole: each variable starts a line, each exit code starts a
  // line with its meaning's first words.
  for (const auto& variable : incident::environment_variables()) {
    INFO(variable.name);
    const std::string tag = "       " + std::string(variable.name);  // alone, or a short one beside its text
    CHECK(std::any_of(lines.begin(), lines.end(),
                      [&](const std::string& line) { return line == tag || line.starts_with(tag + "   "); }));
  }
  for (const auto& code : incident::exit_codes()) {
    const std::string meaning(code.meaning);
    std::size_t words_end = 0;
    for (int word = 0; word < 3 && words_end != std::string::npos; ++word) {
      words_end = meaning.find(' ', words_end + 1);
    }
    const std::string start = fmt::format("       {:<7}{}", static_cast<int>(code.code), meaning.substr(0, words_end));
    INFO(start);
    CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return line.starts_with(start); }));
  }
}

TEST_CASE("groff finds nothing to warn about in the man page", "[man]") {
  Home home;
  const fs::path page = write_page(home);
  if (!fs::exists("/usr/bin/groff")) {
    WARN("groff is not installed (scripts/deps.sh installs groff-base): the page is not checked");
    return;
  }
  const Result groff = tool(home, "/usr/bin/groff", {"-man", "-ww", "-z", "-Tutf8", page.string()});
  INFO(describe(groff));
  CHECK(groff.exit_code == 0);
  CHECK(groff.err.empty());
  // Nothing but ASCII reaches groff: anything else is an escape.
  const std::string text = read_text(page);
  CHECK(std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
}
